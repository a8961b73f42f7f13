package dev.tresor.it.shipped;

import static dev.tresor.it.shipped.SampleTenant.ALICE;
import static dev.tresor.it.shipped.SampleTenant.BOB;
import static dev.tresor.it.shipped.SampleTenant.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.it.SmtpSink;

/**
 * A relay that answered 250 owns the mail: {@code kill -9} of the shipped server half-way through a burst of mail
 * must not lose any of it. 8 SMTP clients (submission, STARTTLS, AUTH as Alice: SignSmime signs only for a sender who
 * authenticated) send {@code tresor.crash.mails} mails (default {@value #DEFAULT_MAILS}; the full run is 2,000)
 * of 100 KB from Alice to Bob through the sample chain's sign + encrypt, as fast as the server takes them. Once a
 * quarter is accepted the sink holds every delivery until the kill, so that what the server accepts from then on stays
 * inside it (spool or outgoing queue), while RemoteDelivery's connections wait well within its timeout. When half of the
 * mails are accepted the server's JVM gets SIGKILL; it is started again on the same data directory and the clients go
 * on (a transaction the kill broke is sent again with the same Message-ID). Once the server is quiet, mail is counted by Message-ID: accepted (250), delivered to the sink,
 * duplicates, in a mail repository, and lost = accepted, neither delivered nor in a repository; lost must be 0.
 *
 * <p>Before the distribution's queues were durable, James's memory queue lost every mail in it on a kill (485 of 1,002
 * accepted in the 2,000-mail run); this test is what shows it no longer does.
 */
class RelayCrashTest {
    private static final int DEFAULT_MAILS = 200;
    private static final int SESSIONS = 8;
    private static final int SIZE = 100 * 1024;
    private static final Duration QUIET_FOR = Duration.ofSeconds(10);

    private static final SmtpSink sink = SmtpSink.keepingHeadersOnly();

    @RegisterExtension
    static ShippedServer server = ShippedServer.relayingTo(sink);

    @TempDir
    static Path directory;

    @Test
    void noMailTheServerAcceptedShouldBeLostWhenItIsKilledHalfWay() throws Exception {
        int mails = Integer.getInteger("tresor.crash.mails", DEFAULT_MAILS);
        SampleTenant.createSmimePairIn(server, directory);

        long started = System.nanoTime();
        RelayLoad.Run load = new RelayLoad(server, ALICE, PASSWORD, BOB, SESSIONS, SIZE)
            .start("crash", mails, Duration.ofMinutes(10));
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
            .until(() -> load.acceptedSoFar() >= mails / 4 || load.isDone());
        sink.hold();
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20))
            .until(() -> load.acceptedSoFar() >= mails / 2 || load.isDone());
        server.kill();
        long killed = System.nanoTime();
        int acceptedBeforeTheKill = load.acceptedSoFar(); // no 250 comes from a dead server
        sink.release();
        server.restart();
        long restarted = System.nanoTime();
        RelayLoad.Outcome outcome = load.await();
        awaitQuiet();

        CrashReport report = new CrashReport(outcome, acceptedBeforeTheKill, sink.messageIds(), messageIdsInRepositories());
        System.out.printf("%nkilled %.1f s after the first mail; healthy again %.1f s after the kill; quiet %.1f s after"
                + " the first mail%n", seconds(killed - started), seconds(restarted - killed),
            seconds(System.nanoTime() - started));
        System.out.println(report);
        assertThat(outcome.accepted()).as("mail accepted at all; refused: %s", outcome.refused()).isNotEmpty();
        assertThat(report.lost()).as(report + server.logTail()).isEmpty();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** Quiet: every mail queue empty and nothing new at the sink for {@link #QUIET_FOR}. */
    private static void awaitQuiet() {
        int[] last = {-1};
        long[] since = {System.nanoTime()};
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            int delivered = sink.transactions();
            if (delivered != last[0] || queuedMails() > 0) {
                last[0] = delivered;
                since[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - since[0] >= QUIET_FOR.toNanos();
        });
    }

    private static long queuedMails() {
        List<String> queues = server.webAdmin().get("/mailQueues").then().statusCode(200).extract().jsonPath()
            .getList("", String.class);
        long size = 0;
        for (String queue : queues) {
            size += server.webAdmin().get("/mailQueues/" + queue).then().statusCode(200).extract().jsonPath()
                .getLong("size");
        }
        return size;
    }

    /** The Message-IDs of every mail in every mail repository WebAdmin lists. */
    private static Map<String, Set<String>> messageIdsInRepositories() {
        List<String> repositories = server.webAdmin().get("/mailRepositories").then().statusCode(200).extract()
            .jsonPath().getList("repository", String.class);
        Map<String, Set<String>> found = new TreeMap<>();
        for (String repository : repositories) {
            Set<String> ids = new HashSet<>();
            for (String key : server.mailRepositoryKeys(repository)) {
                SmtpSink.messageId(server.mailRepositoryMessage(repository, key)).ifPresent(ids::add);
            }
            found.put(repository, ids);
        }
        return found;
    }

    /** Accepted, delivered, duplicates, in repositories, lost: counted by Message-ID. */
    private static final class CrashReport {
        private final RelayLoad.Outcome outcome;
        private final int acceptedBeforeTheKill;
        private final Map<String, Integer> delivered;
        private final Map<String, Set<String>> inRepositories;
        private final Set<String> lost = new HashSet<>();
        private final Set<String> kept = new HashSet<>();

        CrashReport(RelayLoad.Outcome outcome, int acceptedBeforeTheKill, Map<String, Integer> delivered,
                    Map<String, Set<String>> inRepositories) {
            this.outcome = outcome;
            this.acceptedBeforeTheKill = acceptedBeforeTheKill;
            this.delivered = delivered;
            this.inRepositories = inRepositories;
            inRepositories.values().forEach(kept::addAll);
            for (String id : outcome.accepted()) {
                if (!delivered.containsKey(id) && !kept.contains(id)) {
                    lost.add(id);
                }
            }
        }

        Set<String> lost() {
            return lost;
        }

        @Override
        public String toString() {
            long deliveredAccepted = outcome.accepted().stream().filter(delivered::containsKey).count();
            long deliveredUnaccepted = delivered.keySet().stream().filter(id -> !outcome.accepted().contains(id)).count();
            int duplicates = delivered.values().stream().mapToInt(count -> count - 1).sum();
            long keptAccepted = outcome.accepted().stream().filter(id -> !delivered.containsKey(id) && kept.contains(id))
                .count();
            StringBuilder report = new StringBuilder("\n=== crash test: kill -9 half-way, restart on the same data ===\n")
                .append(String.format("accepted (250)             %6d   (%d before the kill)%n", outcome.accepted().size(),
                    acceptedBeforeTheKill))
                .append(String.format("refused or given up        %6d%n", outcome.refused().size()))
                .append(String.format("transactions tried again   %6d%n", outcome.failedAttempts()))
                .append(String.format("delivered (distinct)       %6d   (+%d the clients never saw a 250 for)%n",
                    deliveredAccepted, deliveredUnaccepted))
                .append(String.format("duplicates                 %6d%n", duplicates))
                .append(String.format("in repositories            %6d   %s%n", keptAccepted, sizes(inRepositories)))
                .append(String.format("LOST                       %6d%n", lost.size()));
            if (!outcome.refused().isEmpty()) {
                report.append("refused, e.g.: ").append(outcome.refused().entrySet().iterator().next()).append('\n');
            }
            return report.toString();
        }

        private static String sizes(Map<String, Set<String>> repositories) {
            StringBuilder sizes = new StringBuilder();
            repositories.forEach((repository, ids) -> {
                if (!ids.isEmpty()) {
                    sizes.append(repository).append('=').append(ids.size()).append(' ');
                }
            });
            return sizes.toString().trim();
        }
    }
}
