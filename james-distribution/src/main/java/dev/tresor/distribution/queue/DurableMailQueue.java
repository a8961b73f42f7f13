package dev.tresor.distribution.queue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import javax.jms.ConnectionFactory;
import javax.jms.DeliveryMode;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.Session;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.activemq.BlobMessage;
import org.apache.activemq.command.ActiveMQBlobMessage;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQCacheableMailQueue;
import org.apache.james.queue.activemq.ActiveMQMailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueException;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * James's ActiveMQ mail queue (content in blob files, envelope and attributes in the queue message) with a dequeue of
 * ours: the blocking receive runs on a thread of its own, never on a thread that processes mail.
 *
 * <p>James's {@code JMSCacheableMailQueue} dequeues with {@code Mono.defer(receive).repeat()}, so the receive (up to 10 s,
 * again and again while nothing is due) runs on whichever thread asks for the next mail: in the spooler and in
 * RemoteDelivery that is a worker of the processing scheduler that has just finished a mail. Every mail that scheduler
 * had already queued on that worker then waits behind the receive loop, for as long as the loop goes on, which under
 * steady load or on an idle queue is without end: the mail is taken from the broker (its transaction open), never
 * processed, and delivered only after a restart. The relay benchmark met it (one mail of 10,000 held for 21 minutes);
 * {@code DurableMailQueueTest} shows it with one processing thread.
 *
 * <p>Here each {@link #deQueue()} subscriber gets a receiving thread that takes a mail from the broker only when one is
 * asked for and hands it on; requests from processing threads only count. What stays James's: one transacted session
 * and consumer per mail with the due-time selector, so that a mail not finished (a crash, a rollback) goes back to the
 * broker; the item that commits or rolls back ({@code done}); the blob files; enqueue (but for the stream the content is
 * uploaded from, {@link #produceMail}), browse, size, flush, clear and remove.
 *
 * <p>A dequeued mail reads its content from the queue's content file, as James's message over that file, instead of
 * from a copy. James copies it ({@code createMail} -> {@code MailImpl.setMessage}), into a temporary file above
 * 100 KiB: 1.1 ms of CPU per mail and queue at 100 KB in a profile of the relay benchmark (issue 17). The file lives
 * until the item is done: it is deleted only by {@code done(SUCCESS)}, after which James no longer reads the mail (it
 * disposes of it); a mail James writes elsewhere (another queue, a repository, a bounce, a duplicate for some
 * recipients) is copied at that moment, as before. A mail whose content file cannot be read is made by James's own
 * code, as before: it fails there and the mail is set aside (below).
 * {@code -Dtresor.queue.dequeue=copy} restores James's copy (the relay benchmark's {@code plain-dequeue-copy} compares).
 */
final class DurableMailQueue extends ActiveMQCacheableMailQueue {
    private static final Logger LOGGER = LoggerFactory.getLogger(DurableMailQueue.class);
    /** How long one receive waits before the selector is renewed (delayed mails come due meanwhile): James's value. */
    static final Duration RECEIVE_WAIT = Duration.ofSeconds(10);
    /** A pause after a dequeue that failed (the broker refused a session, a queue message could not be read). */
    private static final Duration PAUSE_AFTER_FAILURE = Duration.ofSeconds(1);
    /** {@code copy}: dequeued mails are James's copies of their content, as in James's own queue (see the class comment). */
    static final String DEQUEUE_PROPERTY = "tresor.queue.dequeue";

    private final boolean copyOnDequeue = "copy".equals(System.getProperty(DEQUEUE_PROPERTY));

    private volatile boolean disposed;

    DurableMailQueue(ConnectionFactory connectionFactory, MailQueueItemDecoratorFactory decoratorFactory,
                     MailQueueName name, MetricFactory metricFactory, GaugeRegistry gaugeRegistry) {
        super(connectionFactory, decoratorFactory, name, true, metricFactory, gaugeRegistry);
    }

    /**
     * The due mails, each one received when it is asked for, on a receiving thread of this subscription; ends when the
     * queue is disposed. A mail received just as the subscriber cancels (the server stopping) is rolled back.
     */
    @Override
    public Flux<MailQueueItem> deQueue() {
        return Flux.create(sink -> {
            Demand demand = new Demand();
            sink.onRequest(demand::add);
            sink.onDispose(demand::cancel);
            Thread receiver = new Thread(() -> receive(sink, demand), "tresor-dequeue-" + queueName.asString());
            receiver.setDaemon(true);
            receiver.start();
        });
    }

    private void receive(FluxSink<MailQueueItem> sink, Demand demand) {
        while (demand.awaitOne()) {
            MailQueueItem item = nextItem(demand);
            if (item == null) {
                break;
            }
            if (demand.isCancelled()) {
                giveBack(item);
                break;
            }
            sink.next(item);
        }
        sink.complete();
    }

    /** Blocks until a mail is due and received; {@code null} once the queue is disposed or nobody asks any more. */
    private MailQueueItem nextItem(Demand demand) {
        while (!disposed && !demand.isCancelled()) {
            Session session = null;
            MessageConsumer consumer = null;
            Message message;
            try {
                session = connection.createSession(true, Session.SESSION_TRANSACTED);
                consumer = session.createConsumer(session.createQueue(queueName.asString()), getMessageSelector());
                message = consumer.receive(RECEIVE_WAIT.toMillis());
                if (message == null) {
                    session.commit();
                    close(consumer, session);
                    continue;
                }
            } catch (JMSException | RuntimeException e) {
                rollbackQuietly(session);
                close(consumer, session);
                if (disposed || demand.isCancelled()) {
                    break;
                }
                LOGGER.error("Could not take a mail from the queue {}; trying again in {} s", queueName.asString(),
                    PAUSE_AFTER_FAILURE.toSeconds(), e);
                if (!pause()) {
                    break;
                }
                continue;
            }
            dequeuedMailsMetric.increment();
            try {
                MailQueueItem item = itemOf(createMailQueueItem(session, consumer, message));
                if (item != null) {
                    return item;
                }
                // James discarded a queue message whose content file is gone, committed and closed its session
            } catch (JMSException | MessagingException | RuntimeException e) {
                // Rolled back, it would come straight back at the head of the queue and hold up every mail behind
                // it. Its session stays open instead: the broker keeps the message (on disk) for this session, the
                // other mails go on, and it is offered again when the queue next starts.
                LOGGER.error("A mail in the queue {} could not be read ({}); it is set aside in the queue until the "
                    + "server restarts", queueName.asString(), describe(message), e);
            }
        }
        return null;
    }

    /**
     * James's enqueue (the content into a blob file, the envelope and attributes into a persistent queue message), with
     * the content read through a stream that lets go of the message once the file has it. ActiveMQ keeps the stream it
     * uploaded from (its {@code BlobUploader}, copied into the message the broker holds) for as long as the mail waits
     * in the queue, and with it the message's bytes, which a mailet's message or one SMTP received holds in memory: in
     * the 10 KB relay benchmark (issue 17) every encrypted mail's 36 KB array lived through 3 or 4 young collections in
     * the outgoing queue, was promoted, and the S/MIME relay promoted twice what the plain one did.
     */
    @Override
    protected void produceMail(Map<String, Object> properties, int priority, Mail mail)
            throws JMSException, MessagingException, IOException {
        BlobMessage message = getAMQSession(session)
            .createBlobMessage(new ReleasedOnClose(new MimeMessageInputStream(mail.getMessage())));
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            message.setObjectProperty(property.getKey(), property.getValue());
        }
        try {
            producer.send(message, DeliveryMode.PERSISTENT, priority, Message.DEFAULT_TIME_TO_LIVE);
        } catch (JMSException e) {
            ((ActiveMQBlobMessage) message).deleteFile();
            throw e;
        }
    }

    /** James's item, with the mail over the queue's content file instead of a copy of it (see the class comment). */
    @Override
    protected Mono<MailQueueItem> createMailQueueItem(Session session, MessageConsumer consumer, Message message)
            throws JMSException, MessagingException {
        if (copyOnDequeue || !(message instanceof ActiveMQBlobMessage)) {
            return super.createMailQueueItem(session, consumer, message);
        }
        MimeMessage content = mimeMessage(message);
        if (!(content instanceof MimeMessageWrapper)) {
            return super.createMailQueueItem(session, consumer, message);
        }
        MimeMessageWrapper wrapper = (MimeMessageWrapper) content;
        try {
            wrapper.getAllHeaders(); // reads the header block now: a content file that is gone shows here
        } catch (MessagingException e) {
            LifecycleUtil.dispose(wrapper);
            return super.createMailQueueItem(session, consumer, message);
        }
        MailImpl mail = populateMail(message).build();
        mail.setMessageNoCopy(wrapper);
        return Mono.just(mailQueueItemDecoratorFactory.decorate(
            new ActiveMQMailQueueItem(mail, session, consumer, message), queueName));
    }

    private static String describe(Message message) {
        try {
            return "queue message " + message.getJMSMessageID() + ", mail " + message.getStringProperty(JAMES_MAIL_NAME);
        } catch (JMSException | RuntimeException e) {
            return "queue message of unknown name";
        }
    }

    /**
     * The item James made of the queue message: a mail, none (its content file was gone: discarded), or the error
     * reading it. James's queues give these synchronously; a future is waited for in the general case.
     */
    private static MailQueueItem itemOf(Mono<MailQueueItem> item) throws MessagingException {
        CompletableFuture<MailQueueItem> future = item.toFuture();
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading a queued mail", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof MessagingException) {
                throw (MessagingException) cause;
            }
            throw new IllegalStateException("could not read a queued mail", cause);
        }
    }

    // Not James's rollback/closeConsumer/closeSession: they let a RuntimeException through, and an exception that
    // escaped here would end the receiving thread, and with it the queue's dequeue, without a word.
    private static void rollbackQuietly(Session session) {
        if (session != null) {
            try {
                session.rollback();
            } catch (JMSException | RuntimeException e) {
                LOGGER.debug("Rolling back a dequeue failed (its session is closed next)", e);
            }
        }
    }

    private static void close(MessageConsumer consumer, Session session) {
        try {
            if (consumer != null) {
                consumer.close();
            }
        } catch (JMSException | RuntimeException e) {
            LOGGER.debug("Closing a queue consumer failed", e);
        }
        try {
            if (session != null) {
                session.close();
            }
        } catch (JMSException | RuntimeException e) {
            LOGGER.debug("Closing a queue session failed", e);
        }
    }

    private void giveBack(MailQueueItem item) {
        try {
            item.done(MailQueueItem.CompletionStatus.RETRY);
        } catch (MailQueueException | RuntimeException e) {
            LOGGER.warn("Could not give mail {} back to the queue {}; the broker has it again when the queue closes",
                item.getMail().getName(), queueName.asString(), e);
        } finally {
            LifecycleUtil.dispose(item.getMail());
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(PAUSE_AFTER_FAILURE.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends every dequeue (its receive fails or returns), then closes James's connection and session. */
    @Override
    public void dispose() {
        disposed = true;
        super.dispose();
    }

    /**
     * A stream that drops the stream it reads from when it is closed ({@link DurableBlobFiles#uploadStream} closes it
     * once the content is in its file), so that whoever still holds this one no longer holds the message.
     */
    static final class ReleasedOnClose extends InputStream {
        private InputStream in;

        ReleasedOnClose(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return open().read();
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return open().read(bytes, offset, length);
        }

        @Override
        public long transferTo(OutputStream out) throws IOException {
            return open().transferTo(out);
        }

        @Override
        public int available() throws IOException {
            return open().available();
        }

        @Override
        public void close() throws IOException {
            InputStream closing = in;
            in = null;
            if (closing != null) {
                closing.close();
            }
        }

        boolean isReleased() {
            return in == null;
        }

        private InputStream open() throws IOException {
            if (in == null) {
                throw new IOException("The mail's content was closed after it was written to the queue");
            }
            return in;
        }
    }

    /** What the subscriber has asked for and not yet been given; {@code Long.MAX_VALUE} is unbounded. */
    private static final class Demand {
        private long requested;
        private boolean cancelled;

        synchronized void add(long n) {
            requested = n > Long.MAX_VALUE - requested ? Long.MAX_VALUE : requested + n;
            notifyAll();
        }

        synchronized void cancel() {
            cancelled = true;
            notifyAll();
        }

        synchronized boolean isCancelled() {
            return cancelled;
        }

        /** Waits until one more mail is asked for and counts it as given; {@code false} once cancelled. */
        synchronized boolean awaitOne() {
            while (requested == 0 && !cancelled) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                }
            }
            if (cancelled) {
                return false;
            }
            if (requested != Long.MAX_VALUE) {
                requested--;
            }
            return true;
        }
    }
}
