package dev.tresor.it.shipped;

import static dev.tresor.it.shipped.SampleTenant.DOMAIN;
import static dev.tresor.it.shipped.SampleTenant.ERIN;
import static dev.tresor.it.shipped.SampleTenant.FRANK;
import static dev.tresor.it.shipped.SampleTenant.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.restassured.path.json.JsonPath;

import dev.tresor.it.SmtpSink;
import dev.tresor.it.shipped.ShippedServer.SmtpRoute;

/**
 * The shipped server's mail queues are on disk (issue 13): mail it answered {@code 250} for is delivered after a crash
 * ({@code kill -9}) or a normal stop, and the retries RemoteDelivery and RequireTls scheduled keep their times across a
 * restart. The relay target (the sink) is down while mail is accepted, so that every accepted mail is still queued when
 * the server goes down; it is back, on the same port, when the server restarts on the same data directory.
 */
class DurableQueueShippedTest {
    private static final Duration DELIVERY_AFTER_RESTART = Duration.ofSeconds(90);
    /**
     * The sink's host by its address literal, which James's DNS service resolves without a DNS server. James keeps the
     * literal's domain without its brackets ({@code grace@127.0.0.1}), so matcher and policies name it so.
     */
    private static final String TLS_DOMAIN = "127.0.0.1";
    private static final String TLS_RECIPIENT = "grace@[" + TLS_DOMAIN + "]";
    private static final String REQUIRE_TLS_QUEUE = "tresor-requiretls";

    private ShippedServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void everyMailAcceptedBeforeAKillShouldBeDeliveredAfterTheRestart() throws Exception {
        // given a server whose relay target is down, RemoteDelivery retrying every 2 s
        server = start("kill", "2000", 100);
        int sinkPort = stopSink();

        // when mail is sent from four clients at once and the server is killed (SIGKILL) after 20 were accepted
        Set<String> accepted = sendUntil(20, server::kill);

        // then, restarted on the same data directory with the relay target back, it delivers every accepted mail
        restartWithSinkOn(sinkPort);
        assertEveryOneDelivered(accepted);
    }

    @Test
    void mailQueuedAtANormalStopShouldBeDeliveredAfterTheRestart() throws Exception {
        // given a server whose relay target is down
        server = start("stop", "2000", 100);
        int sinkPort = stopSink();

        // when it is stopped as a service manager stops it (SIGTERM) while mail is arriving
        AtomicBoolean exitedInTime = new AtomicBoolean();
        Set<String> accepted = sendUntil(20, () -> exitedInTime.set(server.terminate()));

        // then it shut down within the stop timeout, the broker last, and delivers every accepted mail after a restart
        assertThat(exitedInTime).as("exited on SIGTERM within 30 s").isTrue();
        assertThat(Files.readString(server.log())).contains("Stopping the mail queue broker");
        restartWithSinkOn(sinkPort);
        assertEveryOneDelivered(accepted);
    }

    @Test
    void delayedRetriesOfRemoteDeliveryAndRequireTlsShouldKeepTheirTimeAcrossARestart() throws Exception {
        // given a server whose relay target is down, RemoteDelivery and RequireTls retrying after two minutes (a restart
        // of the shipped server takes 20 to 60 s on a busy test machine: the retries must still be ahead when it is
        // back), and mail to the sink's host by its address literal must go over TLS (RequireTls, policy encrypt)
        server = start("delay", "120000", 3, conf -> ShippedConfiguration.requireTls(conf.resolve("mailetcontainer.xml"),
            TLS_DOMAIN, "encrypt", "2m, 2m"));
        int sinkPort = stopSink();

        // when a mail for each is accepted, their first attempts fail (connection refused), and the server is stopped
        // and started again
        String subject = "retry " + UUID.randomUUID();
        server.submitAccepted(SmtpRoute.SUBMISSIONS_IMPLICIT_TLS, FRANK, PASSWORD, List.of(ERIN),
            ShippedMail.plainText(FRANK, ERIN, subject, "Delivered on the second attempt."));
        String tlsSubject = "tls retry " + UUID.randomUUID();
        server.submitAccepted(SmtpRoute.SUBMISSIONS_IMPLICIT_TLS, FRANK, PASSWORD, List.of(TLS_RECIPIENT),
            ShippedMail.plainText(FRANK, TLS_RECIPIENT, tlsSubject, "Only over TLS, or back to the sender."));
        Instant nextDelivery = awaitDelayedIn("outgoing");
        Instant nextTlsAttempt = awaitDelayedIn(REQUIRE_TLS_QUEUE);
        Instant stopping = Instant.now();
        assertThat(server.terminate()).isTrue();
        restartWithSinkOn(sinkPort);
        Instant restarted = Instant.now();
        System.out.printf("stopped and started again in %d s; retries due in %d s and %d s%n",
            Duration.between(stopping, restarted).toSeconds(), Duration.between(restarted, nextDelivery).toSeconds(),
            Duration.between(restarted, nextTlsAttempt).toSeconds());

        // then both retries are still queued for the same times (WebAdmin's mail queue routes show them), nothing was
        // bounced yet: seen when the restart ended before they were due (it takes 20 to 60 s, more when the other test
        // fork loads the machine; a retry that came due meanwhile is no longer delayed, and its time shows below) ...
        if (restarted.isBefore(nextDelivery.minusSeconds(5))) {
            assertThat(delayedIn("outgoing")).containsExactly(nextDelivery);
        }
        if (restarted.isBefore(nextTlsAttempt.minusSeconds(5))) {
            assertThat(delayedIn(REQUIRE_TLS_QUEUE)).containsExactly(nextTlsAttempt);
            assertThat(server.imapMessages(FRANK, PASSWORD)).noneMatch(message -> message.contains(tlsSubject));
        }
        // ... RemoteDelivery's mail is delivered at its time (or, if the restart outlasted it, as soon as the server is
        // back), not before, not much later and not two minutes later as a retry scheduled anew would be, once ...
        Instant due = later(nextDelivery, restarted);
        SmtpSink.ReceivedMail delivered = awaitDelivered(subject, Duration.between(Instant.now(), due)
            .plus(DELIVERY_AFTER_RESTART));
        Instant arrived = Instant.now();
        assertThat(arrived).isAfterOrEqualTo(nextDelivery).isBefore(due.plusSeconds(30));
        assertThat(delivered.envelopeRecipients()).containsExactly(ERIN);
        // ... and RequireTls makes its second attempt at its time: the sink, back now, offers no STARTTLS, so the mail
        // is not sent in clear text but bounced to Frank with the reason
        String notice = server.awaitImapMessage(FRANK, PASSWORD,
            message -> message.contains(tlsSubject) && message.contains("offered no STARTTLS"));
        assertThat(Instant.now()).isAfterOrEqualTo(nextTlsAttempt);
        assertThat(notice).contains("Undelivered Mail: transport security required");
        Thread.sleep(3000);
        assertThat(server.sink().received()).filteredOn(mail -> mail.subject().equals(subject)).hasSize(1);
        assertThat(server.sink().received()).noneMatch(mail -> mail.subject().equals(tlsSubject));
        assertThat(delayedIn(REQUIRE_TLS_QUEUE)).isEmpty();
    }

    private static Instant later(Instant one, Instant other) {
        return one.isAfter(other) ? one : other;
    }

    private ShippedServer start(String name, String delayTime, int maxRetries) throws Exception {
        return start(name, delayTime, maxRetries, conf -> { });
    }

    private ShippedServer start(String name, String delayTime, int maxRetries, ShippedServer.ConfigurationChange more)
            throws Exception {
        ShippedServer started = new ShippedServer().changingConfiguration(conf ->
            ShippedConfiguration.remoteDeliveryRetries(conf.resolve("mailetcontainer.xml"), delayTime, maxRetries))
            .changingConfiguration(more);
        started.start(getClass().getSimpleName() + "-" + name);
        server = started;
        addSenderAndTenant();
        return started;
    }

    /** Frank may submit: his domain, his account, the domain's tenant (kept across restarts: James's data is durable). */
    private void addSenderAndTenant() {
        server.addDomain(DOMAIN);
        server.addUser(FRANK, PASSWORD);
        server.webAdmin().put("/tresor/tenants/acme");
        server.webAdmin().put("/tresor/tenants/acme/domains/" + DOMAIN);
    }

    private int stopSink() {
        int port = server.sink().port();
        server.sink().stop();
        return port;
    }

    private void restartWithSinkOn(int sinkPort) throws Exception {
        server.sink().start(sinkPort);
        server.restart();
    }

    /**
     * Four clients submit mails until {@code count} were accepted, then {@code interruption} runs while they go on
     * sending; returns the subjects of the mails answered {@code 250}, those in flight at the interruption included
     * when their {@code 250} came.
     */
    private Set<String> sendUntil(int count, Runnable interruption) throws Exception {
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int client = 0; client < 4; client++) {
            clients.submit(() -> {
                while (sending.get()) {
                    String subject = "queued " + UUID.randomUUID();
                    try {
                        if (server.submit(SmtpRoute.SUBMISSIONS_IMPLICIT_TLS, FRANK, PASSWORD, List.of(ERIN),
                            ShippedMail.plainText(FRANK, ERIN, subject, "Accepted, so delivered.")).accepted()) {
                            accepted.add(subject);
                        }
                    } catch (IOException | RuntimeException e) {
                        // the server went away in the middle of this transaction: no 250, not ours yet
                    }
                }
                return null;
            });
        }
        try {
            Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> accepted.size() >= count);
            interruption.run();
        } finally {
            sending.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(server.isRunning()).isFalse();
        return Set.copyOf(accepted);
    }

    private void assertEveryOneDelivered(Set<String> accepted) {
        try {
            Awaitility.await().atMost(DELIVERY_AFTER_RESTART).pollInterval(Duration.ofMillis(500))
                .until(() -> deliveredSubjects().keySet().containsAll(accepted));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Set<String> lost = accepted.stream().filter(subject -> !deliveredSubjects().containsKey(subject))
                .collect(Collectors.toSet());
            throw new AssertionError(lost.size() + " of " + accepted.size() + " accepted mails not delivered within "
                + DELIVERY_AFTER_RESTART + server.logTail(), e);
        }
        Map<String, Long> delivered = deliveredSubjects();
        long duplicates = accepted.stream().mapToLong(subject -> delivered.get(subject) - 1).sum();
        System.out.printf("accepted %d, delivered %d, duplicates %d, lost 0%n", accepted.size(), accepted.size(),
            duplicates);
    }

    private Map<String, Long> deliveredSubjects() {
        return server.sink().received().stream()
            .collect(Collectors.groupingBy(SmtpSink.ReceivedMail::subject, Collectors.counting()));
    }

    private SmtpSink.ReceivedMail awaitDelivered(String subject, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(200))
            .until(() -> deliveredSubjects().containsKey(subject));
        return server.sink().received().stream().filter(mail -> mail.subject().equals(subject)).findFirst().orElseThrow();
    }

    /** Waits for a first delivery attempt to fail and put the mail back into its queue with a delay; its next time. */
    private Instant awaitDelayedIn(String queue) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> delayedIn(queue).size() == 1);
        return delayedIn(queue).get(0);
    }

    /** The next delivery times of the delayed mails in a mail queue, as WebAdmin lists them. */
    private List<Instant> delayedIn(String queue) {
        JsonPath mails = server.webAdmin().queryParam("delayed", "true").get("/mailQueues/" + queue + "/mails")
            .then().statusCode(200).extract().jsonPath();
        List<Object> times = mails.getList("nextDelivery");
        return times.stream().map(DurableQueueShippedTest.instant()).collect(Collectors.toList());
    }

    /** WebAdmin writes a ZonedDateTime as ISO-8601 text or as epoch seconds, depending on Jackson's settings. */
    private static Function<Object, Instant> instant() {
        return value -> value instanceof Number
            ? Instant.ofEpochMilli(Math.round(((Number) value).doubleValue() * 1000))
            : ZonedDateTime.parse(value.toString()).toInstant();
    }
}
