package dev.tresor.keys.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.jdbc.JdbcKeyStorage;
import dev.tresor.keys.spi.AuditRecord;

/**
 * The crash semantics of {@link BatchingAuditStorage}, with a real crash: a second JVM appends to an H2 file database,
 * flushes, appends more, and is killed with SIGKILL (no shutdown hook, no close). The flush interval of an hour makes
 * it certain that the later records were not written by the time of the kill.
 */
class AuditCrashTest {
    static final TenantId ACME = TenantId.of("acme");
    static final Instant NOW = Instant.parse("2026-12-06T09:00:00Z");
    static final int FLUSHED = 300;
    static final int UNFLUSHED = 40;
    static final String READY = "appended after the flush";

    @TempDir
    Path directory;

    @Test
    void aCrashShouldKeepEveryFlushedRecordAndLoseOnlyThoseAppendedSince() throws Exception {
        Path file = directory.resolve("keys");
        Process node = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), AppendAndWait.class.getName(), file.toString())
            .redirectErrorStream(true)
            .start();
        try {
            awaitLine(node, READY);
        } finally {
            node.destroyForcibly();
            assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        JdbcKeyStorage reopened = JdbcKeyStorage.h2(file);
        try {
            List<String> stored = reopened.audit().audit(ACME, NOW, NOW.plusSeconds(1), 10_000).stream()
                .sorted(Comparator.comparingLong(AuditRecord::id))
                .map(AuditRecord::operation)
                .collect(Collectors.toList());
            assertThat(stored).isEqualTo(IntStream.range(0, FLUSHED).mapToObj(i -> "flushed " + i)
                .collect(Collectors.toList()));
        } finally {
            reopened.close();
        }
    }

    private static void awaitLine(Process process, String expected) throws Exception {
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            if (line.equals(expected)) {
                return;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("The node ended without '" + expected + "':\n" + seen);
    }

    /** The node that crashes: appends, flushes, appends more, says so, and waits to be killed. */
    public static final class AppendAndWait {
        private AppendAndWait() {
        }

        public static void main(String[] args) throws Exception {
            JdbcKeyStorage database = JdbcKeyStorage.h2(Path.of(args[0]));
            database.tenants().createTenant(ACME, NOW);
            BatchingAuditStorage audit = BatchingAuditStorage.start(database.audit(), Duration.ofHours(1));
            for (int i = 0; i < FLUSHED; i++) {
                audit.appendAudit(record("flushed " + i));
            }
            audit.flush();
            checkpoint(Path.of(args[0]));
            for (int i = 0; i < UNFLUSHED; i++) {
                audit.appendAudit(record("pending " + i));
            }
            System.out.println(READY);
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }

        /**
         * Makes H2 write its commits to the file now. H2 keeps the commits of the last moments in memory and writes
         * them within its write delay (about a second): without this, the kill loses what {@code flush()} committed
         * just before, batching or not. That is H2's durability, documented in keyrepository.properties; this test pins
         * ours.
         */
        private static void checkpoint(Path file) throws Exception {
            try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + file.toAbsolutePath()
                + ";LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE");
                 Statement statement = connection.createStatement()) {
                statement.execute("CHECKPOINT SYNC");
            }
        }

        private static AuditRecord record(String operation) {
            return new AuditRecord(0, NOW, ACME, operation, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
        }
    }
}
