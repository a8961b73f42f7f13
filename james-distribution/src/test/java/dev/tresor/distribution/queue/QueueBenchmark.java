package dev.tresor.distribution.queue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.mail.internet.MimeMessage;

import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.dropwizard.DropWizardMetricFactory;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Mail;

import com.codahale.metrics.MetricRegistry;

import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * What one hop through a mail queue costs: {@code threads} producers enqueue 100 KB mails (as SMTP sessions enqueue
 * into the spool) while 20 consumers dequeue them and mark them done (as the spooler does), through the durable
 * queue and through James's memory queue, in alternating rounds. Not a test; run by hand (README, "Mail queues"):
 * {@code java -cp ... dev.tresor.distribution.queue.QueueBenchmark <directory> [mails per round] [rounds] [threads]}.
 */
public final class QueueBenchmark {
    private static final MailQueueName QUEUE = MailQueueName.of("spool");
    private static final int CONSUMERS = 20;

    private QueueBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Files.createDirectories(Path.of(args[0]));
        int mails = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        byte[] body = new byte[100 * 1024];
        Arrays.fill(body, (byte) 'a');
        for (int i = 76; i < body.length; i += 78) {
            body[i] = '\r';
            body[i + 1] = '\n';
        }
        MimeMessage message = MimeMessageBuilder.mimeMessageBuilder()
            .addFrom("alice@acme.example").addToRecipient("bob@partner.example").setSubject("bench")
            .setText(new String(body, java.nio.charset.StandardCharsets.US_ASCII)).build();

        round("warm-up memory", memory(), message, mails / 4, threads, null);
        EmbeddedQueueBroker warmBroker = new EmbeddedQueueBroker(directory.resolve("warm-up"));
        round("warm-up durable", durable(warmBroker), message, mails / 4, threads, warmBroker);
        for (int r = 1; r <= rounds; r++) {
            round("memory  #" + r, memory(), message, mails, threads, null);
            EmbeddedQueueBroker broker = new EmbeddedQueueBroker(directory.resolve("round-" + r));
            round("durable #" + r, durable(broker), message, mails, threads, broker);
        }
        System.exit(0);
    }

    private static MailQueueFactory<?> memory() {
        return new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
    }

    private static MailQueueFactory<?> durable(EmbeddedQueueBroker broker) {
        return new DurableMailQueueFactory(broker, new RawMailQueueItemDecoratorFactory(),
            new DropWizardMetricFactory(new MetricRegistry()), new NoopGaugeRegistry());
    }

    private static void round(String name, MailQueueFactory<?> factory, MimeMessage message, int mails, int threads,
                              EmbeddedQueueBroker broker) throws Exception {
        MailQueue queue = factory.createQueue(QUEUE);
        CountDownLatch done = new CountDownLatch(mails);
        AtomicInteger next = new AtomicInteger();
        AtomicLong enqueueNanos = new AtomicLong();
        ExecutorService producers = Executors.newFixedThreadPool(threads);
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        reactor.core.Disposable consumers = Flux.from(queue.deQueue())
            .flatMap(item -> reactor.core.publisher.Mono.fromRunnable(() -> {
                try {
                    item.done(MailQueue.MailQueueItem.CompletionStatus.SUCCESS);
                } catch (MailQueue.MailQueueException e) {
                    throw new IllegalStateException(e);
                }
                done.countDown();
            }).subscribeOn(Schedulers.boundedElastic()), CONSUMERS)
            .subscribeOn(Schedulers.newSingle("dequeue"))
            .subscribe();
        Future<?>[] running = new Future<?>[threads];
        for (int t = 0; t < threads; t++) {
            running[t] = producers.submit(() -> {
                for (int i = next.getAndIncrement(); i < mails; i = next.getAndIncrement()) {
                    Mail mail = MailImpl.builder().name("bench-" + i).sender("alice@acme.example")
                        .addRecipient("bob@partner.example").mimeMessage(message).build();
                    long before = System.nanoTime();
                    queue.enQueue(mail);
                    enqueueNanos.addAndGet(System.nanoTime() - before);
                }
                return null;
            });
        }
        for (Future<?> producer : running) {
            producer.get();
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException(name + ": " + done.getCount() + " mails not dequeued");
        }
        long elapsed = System.nanoTime() - start;
        long cpu = processCpuNanos() - cpuBefore;
        consumers.dispose();
        producers.shutdown();
        System.out.printf("%-16s %6d mails  %7.1f mails/s  enqueue mean %6.2f ms  CPU %5.2f ms/mail%n", name, mails,
            mails / (elapsed / 1e9), enqueueNanos.get() / 1e6 / mails, cpu / 1e6 / mails);
        if (broker != null) {
            ((DurableMailQueueFactory) factory).destroy();
            broker.stop();
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
