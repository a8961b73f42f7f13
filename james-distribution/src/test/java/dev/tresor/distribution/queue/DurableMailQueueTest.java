package dev.tresor.distribution.queue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import javax.jms.Connection;
import javax.jms.Session;
import javax.jms.TextMessage;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.metrics.dropwizard.DropWizardMetricFactory;
import org.apache.james.queue.api.MailQueue.MailQueueItem;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.codahale.metrics.MetricRegistry;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * James's ActiveMQ queue on our broker, restarted on the same store as the server is: what was enqueued, or dequeued
 * and not finished, is there again; delays are honoured across a restart.
 */
class DurableMailQueueTest {
    private static final MailQueueName OUTGOING = MailQueueName.of("outgoing");
    /** James's JMS queue polls with a 10 s receive and a selector fixed when it starts: a due mail waits up to that. */
    private static final Duration DEQUEUE_WAIT = Duration.ofSeconds(25);
    /** How long a test's consumer takes per mail: long enough for the dequeue to receive a mail none asked for yet. */
    private static final Duration PROCESSING_TIME = Duration.ofMillis(200);

    @TempDir
    Path store;

    private final List<Running> running = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (Running server : running) {
            server.stop();
        }
    }

    @Test
    void anEnqueuedMailShouldBeThereAfterARestart() throws Exception {
        Running first = start();
        first.queue().enQueue(mail("restart-1", "the figures"));
        first.stop();

        MailQueueItem item = start().dequeue();

        assertThat(item.getMail().getName()).isEqualTo("restart-1");
        assertThat(content(item.getMail())).contains("the figures");
        assertThat(item.getMail().getRecipients()).containsExactly(new MailAddress("bob@partner.example"));
        item.done(CompletionStatus.SUCCESS);
    }

    @Test
    void aMailDequeuedButNotFinishedShouldBeDeliveredAgainAfterARestart() throws Exception {
        Running first = start();
        first.queue().enQueue(mail("in-flight-1", "half done"));
        assertThat(first.dequeue().getMail().getName()).isEqualTo("in-flight-1");
        first.stop(); // as at a shutdown in the middle of the delivery: done() never called

        MailQueueItem again = start().dequeue();

        assertThat(again.getMail().getName()).isEqualTo("in-flight-1");
        assertThat(content(again.getMail())).contains("half done");
        again.done(CompletionStatus.SUCCESS);
    }

    @Test
    void aFinishedMailShouldLeaveNoContentFileBehind() throws Exception {
        Running server = start();
        server.queue().enQueue(mail("done-1", "delivered"));
        assertThat(contentFiles()).hasSize(1);

        server.dequeue().done(CompletionStatus.SUCCESS);

        assertThat(contentFiles()).isEmpty();
        server.stop();
        assertThat(start().queue().getSize()).isZero();
    }

    @Test
    void aContentDirectoryRemovedWhileRunningShouldBeMadeAgain() throws Exception {
        Running server = start();
        server.queue().enQueue(mail("before-1", "first"));
        server.dequeue().done(CompletionStatus.SUCCESS);
        // as a cleaner of empty directories would leave it: every bucket gone, the broker still running
        try (Stream<Path> buckets = Files.list(store.resolve("blob-transfer"))) {
            for (Path bucket : buckets.collect(java.util.stream.Collectors.toList())) {
                Files.delete(bucket);
            }
        }

        server.queue().enQueue(mail("after-1", "second"));

        assertThat(contentFiles()).hasSize(1);
        MailQueueItem item = server.dequeue();
        assertThat(content(item.getMail())).contains("second");
        item.done(CompletionStatus.SUCCESS);
    }

    @Test
    void aDelayedMailShouldNotBeDequeuedBeforeItsTimeEvenAfterARestart() throws Exception {
        Running first = start();
        first.queue().enQueue(mail("retry-1", "try again later"), Duration.ofSeconds(8));
        long enqueued = System.nanoTime();
        first.stop();

        Running second = start();
        MailQueueItem item = second.dequeue();

        Duration waited = Duration.ofNanos(System.nanoTime() - enqueued);
        assertThat(item.getMail().getName()).isEqualTo("retry-1");
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(8));
        item.done(CompletionStatus.SUCCESS);
    }

    @Test
    void manyDelayedMailsShouldNotHoldBackAMailThatIsDue() throws Exception {
        // ActiveMQ pages 200 messages of a queue into memory and dispatches only those: 200 waiting retries at the
        // head of the outgoing queue must not keep new mail behind them
        Running server = start();
        for (int i = 0; i < 250; i++) {
            server.queue().enQueue(mail("retry-" + i, "later"), Duration.ofHours(1));
        }
        server.queue().enQueue(mail("fresh-1", "now"));

        MailQueueItem item = server.dequeue();

        assertThat(item.getMail().getName()).isEqualTo("fresh-1");
        item.done(CompletionStatus.SUCCESS);
        assertThat(server.queue().getSize()).isEqualTo(250);
    }

    @Test
    void everyMailTakenShouldBeProcessedWhenMoreAreInFlightThanThereAreProcessingThreads() throws Exception {
        // as James's spooler and RemoteDelivery consume a queue: a few mails in flight at once (flatMap), processed on
        // a scheduler with fewer threads, more mails waiting. James's own dequeue, once a mail was received while none
        // was asked for, went on receiving on the processing thread that asked next; the mails already queued on that
        // thread waited behind its receive loop, here for ever (the queue then empty)
        Running server = start();
        List<String> names = List.of("first", "second", "third", "fourth");
        for (String name : names) {
            server.queue().enQueue(mail(name, "body of " + name));
        }
        Set<String> processed = ConcurrentHashMap.newKeySet();
        Scheduler processing = Schedulers.newBoundedElastic(1, 100, "processing");
        Scheduler dequeueing = Schedulers.newSingle("dequeueing");
        Disposable consumer = Flux.from(server.queue().deQueue())
            .flatMap(item -> Mono.fromRunnable(() -> {
                processed.add(item.getMail().getName());
                finish(item);
            }).delaySubscription(PROCESSING_TIME, processing), 2)
            .subscribeOn(dequeueing)
            .subscribe();
        try {
            await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(processed).containsExactlyInAnyOrderElementsOf(names));
        } finally {
            consumer.dispose();
            processing.dispose();
            dequeueing.dispose();
        }

        assertThat(server.queue().getSize()).isZero();
    }

    @Test
    void aQueueMessageThatCannotBeReadShouldNeitherHoldUpTheMailsBehindItNorBeLost() throws Exception {
        Running server = start();
        server.sendRaw("no envelope at all");
        server.queue().enQueue(mail("behind-1", "still delivered"));

        MailQueueItem item = server.dequeue();

        assertThat(item.getMail().getName()).isEqualTo("behind-1");
        item.done(CompletionStatus.SUCCESS);
        server.stop();
        assertThat(start().queue().getSize()).as("the unreadable message, still queued after a restart").isEqualTo(1);
    }

    @Test
    void aDequeuedMailShouldReadTheQueuedContentFileRatherThanACopyOfIt() throws Exception {
        Running server = start();
        server.queue().enQueue(mail("in-place-1", "as queued"));
        Path file = contentFiles().get(0);
        String queued = Files.readString(file, UTF_8);

        MailQueueItem item = server.dequeue();
        // the content file changed after the dequeue: only a mail that reads the file itself sees it
        Files.writeString(file, queued.replace("as queued", "read in place"), UTF_8);

        assertThat(content(item.getMail())).contains("read in place").doesNotContain("as queued");
        item.done(CompletionStatus.SUCCESS);
        assertThat(contentFiles()).isEmpty();
    }

    @Test
    void aLargeMailChangedAndQueuedOnShouldArriveWholeAfterItsFirstContentFileIsGone() throws Exception {
        Running server = start();
        ManageableMailQueue spool = server.factory.createQueue(MailQueueName.of("spool"));
        String body = "line of a large mail\r\n".repeat(15_000);
        spool.enQueue(mail("large-1", body));

        MailQueueItem fromSpool = server.dequeue(spool);
        fromSpool.getMail().getMessage().setHeader("X-Processed", "yes");
        fromSpool.getMail().getMessage().saveChanges();
        server.queue().enQueue(fromSpool.getMail());
        fromSpool.done(CompletionStatus.SUCCESS); // deletes the spool's content file
        LifecycleUtil.dispose(fromSpool.getMail());

        MailQueueItem outgoing = server.dequeue();
        assertThat(outgoing.getMail().getMessage().getHeader("X-Processed")).containsExactly("yes");
        assertThat(content(outgoing.getMail())).contains(body.strip());
        outgoing.done(CompletionStatus.SUCCESS);
        assertThat(contentFiles()).isEmpty();
    }

    @Test
    void aMailWhoseContentFileIsGoneShouldHoldUpNoOtherAndStayQueued() throws Exception {
        Running server = start();
        server.queue().enQueue(mail("gone-1", "content lost"));
        Files.delete(contentFiles().get(0));
        server.queue().enQueue(mail("behind-2", "still delivered"));

        MailQueueItem item = server.dequeue();

        assertThat(item.getMail().getName()).isEqualTo("behind-2");
        assertThat(content(item.getMail())).contains("still delivered");
        item.done(CompletionStatus.SUCCESS);
        assertThat(server.queue().getSize()).as("the mail without content, set aside, not dropped").isEqualTo(1);
    }

    @Test
    void aQueuedMailShouldNotKeepTheMessageItWasEnqueuedFrom() throws Exception {
        // what the broker holds while a mail waits (ActiveMQ keeps the stream the content was uploaded from) must not
        // reach the message in memory it came from: every waiting mail's bytes were promoted to the old generation
        Running server = start();
        InMemorySource source = new InMemorySource("kept-1", "a mail that waits\r\n".repeat(2_000));
        ReferenceQueue<InMemorySource> collected = new ReferenceQueue<>();
        WeakReference<InMemorySource> held = new WeakReference<>(source, collected);
        Mail mail = mail("kept-1", "replaced below");
        ((MailImpl) mail).setMessageNoCopy(new MimeMessageWrapper(source));
        source = null;

        server.queue().enQueue(mail);
        LifecycleUtil.dispose(mail);
        mail = null;

        assertThat(unreachable(held, collected)).as("the enqueued message, unreachable while its mail waits").isTrue();
        MailQueueItem item = server.dequeue();
        assertThat(content(item.getMail())).contains("a mail that waits");
        item.done(CompletionStatus.SUCCESS);
    }

    @Test
    void theStreamAQueuedMailWasReadFromShouldLetGoOfItWhenClosed() throws Exception {
        DurableMailQueue.ReleasedOnClose stream =
            new DurableMailQueue.ReleasedOnClose(new ByteArrayInputStream("content".getBytes(UTF_8)));
        assertThat(new String(stream.readAllBytes(), UTF_8)).isEqualTo("content");

        stream.close();

        assertThat(stream.isReleased()).isTrue();
        assertThatThrownBy(stream::read).isInstanceOf(IOException.class);
    }

    private static void finish(MailQueueItem item) {
        try {
            item.done(CompletionStatus.SUCCESS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            LifecycleUtil.dispose(item.getMail());
        }
    }

    private Running start() throws Exception {
        Running server = new Running(new EmbeddedQueueBroker(store));
        running.add(server);
        return server;
    }

    private List<Path> contentFiles() throws Exception {
        try (Stream<Path> files = Files.walk(store.resolve("blob-transfer"))) {
            return files.filter(Files::isRegularFile).collect(java.util.stream.Collectors.toList());
        }
    }

    private static Mail mail(String name, String body) throws Exception {
        MimeMessage message = MimeMessageBuilder.mimeMessageBuilder()
            .addFrom("alice@acme.example")
            .addToRecipient("bob@partner.example")
            .setSubject(name)
            .setText(body)
            .build();
        return MailImpl.builder()
            .name(name)
            .sender("alice@acme.example")
            .addRecipient("bob@partner.example")
            .mimeMessage(message)
            .build();
    }

    /** Whether the referent is collected within a few full collections. */
    private static boolean unreachable(WeakReference<?> reference, ReferenceQueue<?> queue) throws InterruptedException {
        for (int attempt = 0; attempt < 10; attempt++) {
            System.gc();
            if (queue.remove(200) != null || reference.get() == null) {
                return true;
            }
        }
        return false;
    }

    /** A message's bytes in memory, as SMTP or a Tresor mailet leaves them; its streams refer to it. */
    private static final class InMemorySource implements MimeMessageSource {
        private final String id;
        private final byte[] bytes;

        InMemorySource(String name, String body) {
            this.id = name;
            this.bytes = ("From: alice@acme.example\r\nTo: bob@partner.example\r\nSubject: " + name + "\r\n\r\n" + body)
                .getBytes(UTF_8);
        }

        @Override
        public String getSourceId() {
            return id;
        }

        @Override
        public InputStream getInputStream() {
            return new SourceStream();
        }

        @Override
        public long getMessageSize() {
            return bytes.length;
        }

        private final class SourceStream extends ByteArrayInputStream {
            SourceStream() {
                super(bytes);
            }
        }
    }

    private static String content(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        mail.getMessage().writeTo(out);
        return out.toString(UTF_8);
    }

    /** A broker and its queue factory, as the server wires them. */
    private static final class Running {
        private final EmbeddedQueueBroker broker;
        private final DurableMailQueueFactory factory;
        private boolean stopped;

        Running(EmbeddedQueueBroker broker) {
            this.broker = broker;
            this.factory = new DurableMailQueueFactory(broker, new RawMailQueueItemDecoratorFactory(),
                new DropWizardMetricFactory(new MetricRegistry()), new NoopGaugeRegistry());
        }

        ManageableMailQueue queue() {
            return factory.createQueue(OUTGOING);
        }

        MailQueueItem dequeue() {
            return dequeue(queue());
        }

        MailQueueItem dequeue(ManageableMailQueue queue) {
            MailQueueItem item = Flux.from(queue.deQueue()).subscribeOn(Schedulers.boundedElastic())
                .blockFirst(DEQUEUE_WAIT);
            assertThat(item).as("a mail dequeued within " + DEQUEUE_WAIT).isNotNull();
            return item;
        }

        /** A queue message that James's queue cannot make a mail of: no envelope, due now. */
        void sendRaw(String text) throws Exception {
            Connection connection = broker.connectionFactory().createConnection();
            try {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                TextMessage message = session.createTextMessage(text);
                message.setLongProperty("JAMES_NEXT_DELIVERY", 0);
                session.createProducer(session.createQueue(OUTGOING.asString())).send(message);
            } finally {
                connection.close();
            }
        }

        /** In the server's order: the queues first, then the broker. */
        void stop() throws Exception {
            if (!stopped) {
                stopped = true;
                factory.destroy();
                broker.stop();
            }
        }
    }
}
