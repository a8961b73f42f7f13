package dev.tresor.mailets.support;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * A mailet's own delivery threads over a James {@link MailQueue}, as RemoteDelivery has them: one thread takes mail
 * from the queue (a durable queue's receive blocks), at most {@code threads} deliveries run at once, and a mail is
 * acknowledged only once its delivery returned, so that what a crash interrupts is still in a durable queue.
 *
 * <p>A delivery that throws leaves its mail in the queue: it is put back with a delay of {@link #AFTER_FAILURE}
 * (never at once, so a mail that keeps failing cannot spin), or, if even that fails, handed back unacknowledged.
 */
public final class DeliveryThreads {
    /** Delivers one mail taken from the queue; the mail is the delivery's own copy. */
    @FunctionalInterface
    public interface Delivery {
        void deliver(Mail mail) throws Exception;
    }

    public static final Duration AFTER_FAILURE = Duration.ofMinutes(1);
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryThreads.class);
    private static final Duration FINISHING = Duration.ofSeconds(30);

    private final MailQueue queue;
    private final Delivery delivery;
    private final ExecutorService workers;
    private final Scheduler dequeuer;
    private final Disposable subscription;
    /** Set before the subscription is disposed: the dequeue it interrupts then fails, and that is no error. */
    private volatile boolean stopping;

    private DeliveryThreads(String name, MailQueue queue, int threads, Delivery delivery) {
        this.queue = queue;
        this.delivery = delivery;
        this.workers = Executors.newFixedThreadPool(threads, named(name + "-delivery"));
        this.dequeuer = Schedulers.newSingle(name + "-dequeue", true);
        this.subscription = Flux.from(queue.deQueue())
            .subscribeOn(dequeuer)
            .doOnError(e -> {
                if (!stopping) {
                    LOGGER.error("Cannot take mail from queue {}; trying again", queue.getName().asString(), e);
                }
            })
            .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1)).maxBackoff(Duration.ofMinutes(1)))
            .flatMap(item -> Mono.<Void>create(done -> hand(item, done)), threads)
            .subscribe(nothing -> { }, e -> LOGGER.error("Delivery from queue {} stopped", queue.getName().asString(), e));
    }

    /** Starts taking mail from {@code queue}; {@code name} names the threads. */
    public static DeliveryThreads start(String name, MailQueue queue, int threads, Delivery delivery) {
        return new DeliveryThreads(name, queue, threads, delivery);
    }

    private void hand(MailQueueItem item, MonoSink<Void> done) {
        try {
            workers.execute(() -> {
                try {
                    deliver(item);
                } finally {
                    done.success();
                }
            });
        } catch (RejectedExecutionException stopping) {
            unacknowledged(item);
            done.success();
        }
    }

    private void deliver(MailQueueItem item) {
        Mail mail = item.getMail();
        try {
            delivery.deliver(mail);
            item.done(MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception e) {
            LOGGER.error("Mail {}: delivery failed unexpectedly; it stays in queue {} and is tried again in {}",
                mail.getName(), queue.getName().asString(), AFTER_FAILURE, e);
            putBack(item, mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
    }

    private void putBack(MailQueueItem item, Mail mail) {
        try {
            queue.enQueue(mail, AFTER_FAILURE);
            item.done(MailQueueItem.CompletionStatus.SUCCESS);
        } catch (Exception e) {
            LOGGER.error("Mail {}: cannot put it back into queue {}", mail.getName(), queue.getName().asString(), e);
            unacknowledged(item);
        }
    }

    /** Hands the item back to the queue as not done: a durable queue delivers it again. */
    private void unacknowledged(MailQueueItem item) {
        try {
            item.done(MailQueueItem.CompletionStatus.RETRY);
        } catch (Exception e) {
            LOGGER.error("Mail {}: cannot hand it back to queue {}; a durable queue delivers it again after a restart",
                item.getMail().getName(), queue.getName().asString(), e);
        }
    }

    /**
     * Takes no more mail, waits up to {@code grace} for the deliveries in progress, then runs {@code cut} (which must
     * make them return soon) and waits for them to finish their bookkeeping. Returns when no thread is left.
     */
    public void stop(Duration grace, Runnable cut) {
        stopping = true;
        subscription.dispose();
        dequeuer.dispose();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                cut.run();
                if (!workers.awaitTermination(FINISHING.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOGGER.warn("Deliveries from queue {} did not finish within {}; a durable queue delivers their mail "
                        + "again after a restart", queue.getName().asString(), FINISHING);
                    workers.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
