package dev.tresor.keys.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.jdbc.JdbcKeyStorage;
import dev.tresor.keys.spi.AuditRecord;
import dev.tresor.keys.spi.AuditStorage;

/** The batching writer over a real H2 file database. */
class BatchingAuditStorageTest {
    static final TenantId ACME = TenantId.of("acme");
    static final TenantId GONE = TenantId.of("gone");
    static final Instant NOW = Instant.parse("2026-12-06T09:00:00Z");
    private static final Duration NEVER_BY_ITSELF = Duration.ofHours(1);

    @TempDir
    Path directory;

    private JdbcKeyStorage database;
    private final List<BatchingAuditStorage> opened = new ArrayList<>();

    @BeforeEach
    void open() {
        database = JdbcKeyStorage.h2(directory.resolve("keys"));
        database.tenants().createTenant(ACME, NOW);
    }

    @AfterEach
    void close() {
        opened.forEach(BatchingAuditStorage::close);
        database.close();
    }

    static AuditRecord record(String operation) {
        return record(ACME, operation);
    }

    static AuditRecord record(TenantId tenant, String operation) {
        return new AuditRecord(0, NOW, tenant, operation, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());
    }

    /** The operations stored for ACME, oldest first. */
    private List<String> stored() {
        List<String> operations = database.audit().audit(ACME, NOW, NOW.plusSeconds(1), 1_000_000).stream()
            .sorted(Comparator.comparingLong(AuditRecord::id))
            .map(AuditRecord::operation)
            .collect(Collectors.toList());
        return operations;
    }

    private BatchingAuditStorage batching(AuditStorage storage, Duration flushInterval) {
        return batching(storage, flushInterval, BatchingAuditStorage.DEFAULT_CAPACITY, Duration.ofSeconds(30));
    }

    private BatchingAuditStorage batching(AuditStorage storage, Duration flushInterval, int capacity, Duration patience) {
        BatchingAuditStorage batching = BatchingAuditStorage.start(storage, flushInterval, capacity, patience);
        opened.add(batching);
        return batching;
    }

    @Test
    void recordsFromSixteenThreadsShouldAllArriveEachThreadsInItsOrder() throws Exception {
        BatchingAuditStorage audit = batching(database.audit(), Duration.ofMillis(20));
        ExecutorService threads = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int thread = 0; thread < 16; thread++) {
            String name = "t" + thread;
            done.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < 300; i++) {
                    audit.appendAudit(record(name + " " + i));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        audit.close();

        Map<String, List<Integer>> perThread = stored().stream()
            .map(operation -> operation.split(" "))
            .collect(Collectors.groupingBy(parts -> parts[0],
                Collectors.mapping(parts -> Integer.parseInt(parts[1]), Collectors.toList())));
        assertThat(perThread).hasSize(16);
        List<Integer> inOrder = IntStream.range(0, 300).boxed().collect(Collectors.toList());
        perThread.values().forEach(sequence -> assertThat(sequence).isEqualTo(inOrder));
    }

    @Test
    void aQueryRightAfterAppendingShouldSeeTheRecord() {
        BatchingAuditStorage audit = batching(database.audit(), NEVER_BY_ITSELF);

        audit.appendAudit(record("sign"));

        assertThat(audit.audit(ACME, NOW, NOW.plusSeconds(1), 10)).extracting(AuditRecord::operation)
            .containsExactly("sign");
    }

    @Test
    void recordsShouldBeWrittenWithinTheFlushIntervalWithoutAnyQuery() throws Exception {
        BatchingAuditStorage audit = batching(database.audit(), Duration.ofMillis(50));

        audit.appendAudit(record("sign"));

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stored().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(stored()).containsExactly("sign");
    }

    @Test
    void closeShouldWriteEveryPendingRecord() {
        BatchingAuditStorage audit = batching(database.audit(), NEVER_BY_ITSELF);
        IntStream.range(0, 1_234).forEach(i -> audit.appendAudit(record("use " + i)));
        assertThat(stored()).hasSizeLessThan(1_234);

        audit.close();

        assertThat(stored()).hasSize(1_234).startsWith("use 0").endsWith("use 1233");
        assertThat(audit.pending()).isZero();
        assertThatThrownBy(() -> audit.appendAudit(record("late"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTinyQueueShouldSlowWritersDownWithoutDroppingARecord() throws Exception {
        SlowAudit slow = new SlowAudit(database.audit());
        BatchingAuditStorage audit = batching(slow, Duration.ofMillis(1), 2, Duration.ofSeconds(30));
        ExecutorService threads = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
            String name = "t" + thread;
            done.add(threads.submit(() -> IntStream.range(0, 50).forEach(i -> audit.appendAudit(record(name + " " + i)))));
        }
        for (Future<?> future : done) {
            future.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
        audit.close();

        assertThat(stored()).hasSize(200).doesNotHaveDuplicates();
        assertThat(slow.largestBatch.get()).isLessThanOrEqualTo(2);
    }

    @Test
    void aStorageThatFailsSeveralTimesShouldStillGetEveryRecord() {
        FailingAudit failing = new FailingAudit(database.audit(), 4);
        BatchingAuditStorage audit = batching(failing, Duration.ofMillis(5));

        IntStream.range(0, 100).forEach(i -> audit.appendAudit(record("use " + i)));
        audit.flush();

        assertThat(failing.failures.get()).isEqualTo(4);
        assertThat(stored()).hasSize(100).startsWith("use 0").endsWith("use 99");
    }

    @Test
    void aRecordOfAnUnknownTenantShouldNotKeepTheOthersOut() {
        BatchingAuditStorage audit = batching(database.audit(), NEVER_BY_ITSELF);

        audit.appendAudit(record("before"));
        audit.appendAudit(record(GONE, "of a deleted tenant"));
        audit.appendAudit(record("after"));
        audit.flush();

        assertThat(stored()).containsExactly("before", "after");
    }

    @Test
    void appendingShouldFailClosedWhenTheStorageStaysDown() {
        FailingAudit down = new FailingAudit(database.audit(), Integer.MAX_VALUE);
        BatchingAuditStorage audit = BatchingAuditStorage.start(down, Duration.ofMillis(1), 1, Duration.ofMillis(300));
        audit.appendAudit(record("taken by the writer"));
        audit.appendAudit(record("waiting in the queue"));

        assertThatThrownBy(() -> audit.appendAudit(record("no room")))
            .isInstanceOf(AuditUnavailableException.class)
            .hasMessageContaining("cannot be written");
        assertThatThrownBy(audit::flush).isInstanceOf(AuditUnavailableException.class);

        audit.close();
        assertThat(stored()).isEmpty();
    }

    /** Refuses the first {@code failures} writes. */
    static final class FailingAudit implements AuditStorage {
        private final AuditStorage storage;
        private final int failuresWanted;
        final AtomicInteger failures = new AtomicInteger();

        FailingAudit(AuditStorage storage, int failuresWanted) {
            this.storage = storage;
            this.failuresWanted = failuresWanted;
        }

        @Override
        public void appendAudit(AuditRecord record) {
            appendAudits(List.of(record));
        }

        @Override
        public void appendAudits(List<AuditRecord> records) {
            if (failures.get() < failuresWanted) {
                failures.incrementAndGet();
                throw new IllegalStateException("database down (simulated)");
            }
            storage.appendAudits(records);
        }

        @Override
        public List<AuditRecord> audit(TenantId tenant, Instant from, Instant to, int limit) {
            return storage.audit(tenant, from, to, limit);
        }
    }

    /** Takes its time over each batch, so that writers find the queue full. */
    static final class SlowAudit implements AuditStorage {
        private final AuditStorage storage;
        final AtomicInteger largestBatch = new AtomicInteger();

        SlowAudit(AuditStorage storage) {
            this.storage = storage;
        }

        @Override
        public void appendAudit(AuditRecord record) {
            appendAudits(List.of(record));
        }

        @Override
        public void appendAudits(List<AuditRecord> records) {
            largestBatch.accumulateAndGet(records.size(), Math::max);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            storage.appendAudits(records);
        }

        @Override
        public List<AuditRecord> audit(TenantId tenant, Instant from, Instant to, int limit) {
            return storage.audit(tenant, from, to, limit);
        }
    }
}
