package dev.tresor.keys.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.AuditRecord;
import dev.tresor.keys.spi.AuditStorage;

/**
 * An audit log that writes in batches: {@link #appendAudit} queues the record and returns, and one writer thread
 * ({@code tresor-audit-writer}) stores what is queued with {@link AuditStorage#appendAudits}, one transaction per
 * batch of up to {@value #BATCH_SIZE} records, as soon as a batch is full or {@code flushInterval} after the first
 * record of the batch arrived. Each key use then costs a place in a queue instead of a round trip and a commit.
 *
 * <p>What the audit keeps:
 * <ul>
 *     <li><b>Order:</b> records are stored in the order they were appended (one queue, one writer), so the records of
 *     one thread keep their order, ids included.</li>
 *     <li><b>Read-your-writes:</b> {@link #audit} first waits until every record appended before it is stored.</li>
 *     <li><b>No drop on a full queue:</b> when {@code capacity} records wait, {@link #appendAudit} waits for room
 *     (back-pressure slows the mail down rather than forget a key use). If no room comes within
 *     {@code patience} (the storage keeps failing), it throws {@link AuditUnavailableException}: the caller's
 *     operation fails, as it would have with a synchronous write to a database that is down.</li>
 *     <li><b>Failures are retried:</b> a batch the storage refuses is logged and retried, waiting 50 ms, then twice as
 *     long each time, up to 5 s, for as long as it fails. A batch holding a record of a tenant that no longer exists
 *     (deleted while its mail was in flight) is written record by record instead; the records of the missing tenant
 *     are logged at ERROR with every field, since no audit log holds them any more.</li>
 *     <li><b>Graceful stop loses nothing:</b> {@link #close()} refuses new records, writes every queued one, and stops
 *     the writer. If the storage fails throughout {@code patience}, the records it could not write are logged at
 *     ERROR, each with every field, and close returns: the log then is the only trace of them.</li>
 *     <li><b>Crash (kill -9, power loss):</b> records not yet committed are lost: those appended in the last
 *     {@code flushInterval} before the crash (plus, if the storage was failing then, those waiting for a retry).
 *     Every record committed before is kept as far as the database keeps its commits: PostgreSQL syncs each commit;
 *     embedded H2 writes its commits to the file within its write delay (about a second), so a crash of James's JVM
 *     loses the commits of that last second too, batched or written one by one ({@code AuditCrashTest}).</li>
 * </ul>
 *
 * <p>A flush interval of 0 means no batching: then use the storage itself, as {@code ConfiguredKeyStorage} does.
 * Thread-safe.
 */
public final class BatchingAuditStorage implements AuditStorage, AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(BatchingAuditStorage.class);
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(200);
    static final int BATCH_SIZE = 500;
    static final int DEFAULT_CAPACITY = 20_000;
    static final Duration DEFAULT_PATIENCE = Duration.ofSeconds(30);
    private static final long FIRST_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final AuditStorage storage;
    private final long flushIntervalNanos;
    private final int capacity;
    private final long patienceNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition roomOrWritten = lock.newCondition();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<AuditRecord> queue = new ArrayDeque<>();
    private final Thread writer;
    /** Records accepted, taken by the writer, and stored (or given up) since the start: sequence numbers. */
    private long appended;
    private long taken;
    private long written;
    /** Someone waits for the records up to this one: the writer takes them without waiting for its interval. */
    private long flushUpTo;
    private boolean closing;
    private long closeDeadlineNanos;

    private BatchingAuditStorage(AuditStorage storage, Duration flushInterval, int capacity, Duration patience) {
        this.storage = Objects.requireNonNull(storage);
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("A batching audit log needs a positive flush interval: " + flushInterval);
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("The audit queue needs room for at least one record: " + capacity);
        }
        this.flushIntervalNanos = flushInterval.toNanos();
        this.capacity = capacity;
        this.patienceNanos = patience.toNanos();
        this.writer = new Thread(this::writeUntilClosed, "tresor-audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Batches the writes to {@code storage} every {@code flushInterval} (positive), with the default queue. */
    public static BatchingAuditStorage start(AuditStorage storage, Duration flushInterval) {
        return start(storage, flushInterval, DEFAULT_CAPACITY, DEFAULT_PATIENCE);
    }

    /**
     * @param capacity how many records may wait before {@link #appendAudit} waits
     * @param patience how long {@link #appendAudit}, {@link #audit} and {@link #close()} wait for a failing storage
     */
    public static BatchingAuditStorage start(AuditStorage storage, Duration flushInterval, int capacity, Duration patience) {
        return new BatchingAuditStorage(storage, flushInterval, capacity, patience);
    }

    @Override
    public void appendAudit(AuditRecord record) {
        appendAudits(List.of(record));
    }

    /** Queues the records in their order, waiting for room (see the class comment). */
    @Override
    public void appendAudits(List<AuditRecord> records) {
        lock.lock();
        try {
            long deadline = System.nanoTime() + patienceNanos;
            for (AuditRecord record : records) {
                Objects.requireNonNull(record);
                while (queue.size() >= capacity && !closing) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AuditUnavailableException("the audit log cannot be written: " + capacity
                            + " records wait for storage for more than " + patienceNanos / 1_000_000 + " ms");
                    }
                    roomOrWritten.awaitNanos(left);
                }
                if (closing) {
                    throw new IllegalStateException("The audit log is closed: James is stopping");
                }
                queue.addLast(record);
                appended++;
                if (queue.size() == BATCH_SIZE || queue.size() == 1) {
                    work.signal();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for room in the audit queue");
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every record appended before is stored, then reads the storage. */
    @Override
    public List<AuditRecord> audit(TenantId tenant, Instant from, Instant to, int limit) {
        flush();
        return storage.audit(tenant, from, to, limit);
    }

    /**
     * Writes at once every record appended before, and waits until they are stored (or, for a tenant deleted
     * meanwhile, logged as not stored).
     *
     * @throws AuditUnavailableException if the storage fails for longer than {@code patience}
     */
    public void flush() {
        lock.lock();
        try {
            long target = appended;
            flushUpTo = Math.max(flushUpTo, target);
            work.signal();
            long deadline = System.nanoTime() + patienceNanos;
            while (written < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AuditUnavailableException("the audit log is not written: its storage failed for more than "
                        + patienceNanos / 1_000_000 + " ms");
                }
                roomOrWritten.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("interrupted while waiting for the audit log to be written");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new records, writes every queued one and stops the writer: call it before closing the storage. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closing) {
                closing = true;
                closeDeadlineNanos = System.nanoTime() + patienceNanos;
                work.signal();
                roomOrWritten.signalAll();
            }
        } finally {
            lock.unlock();
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOGGER.error("Interrupted while writing the last audit records; {} may be missing", pending());
        }
    }

    /** How many records are appended but not stored yet. */
    public long pending() {
        lock.lock();
        try {
            return appended - written;
        } finally {
            lock.unlock();
        }
    }

    private void writeUntilClosed() {
        try {
            List<AuditRecord> batch;
            while (!(batch = nextBatch()).isEmpty()) {
                write(batch);
                lock.lock();
                try {
                    written += batch.size();
                    roomOrWritten.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (Throwable e) {
            // appenders then wait for room until their patience runs out, and fail: the audit fails closed
            LOGGER.error("The audit writer stopped; {} audit records are not stored", pending(), e);
            throw e;
        }
    }

    /** The next batch, waiting for its first record and then up to the flush interval; empty once closed and done. */
    private List<AuditRecord> nextBatch() {
        lock.lock();
        try {
            while (queue.isEmpty() && !closing) {
                work.awaitUninterruptibly();
            }
            long left = flushIntervalNanos;
            while (queue.size() < BATCH_SIZE && !closing && taken >= flushUpTo && left > 0) {
                left = awaitWork(left);
            }
            List<AuditRecord> batch = new ArrayList<>(Math.min(queue.size(), BATCH_SIZE));
            while (batch.size() < BATCH_SIZE && !queue.isEmpty()) {
                batch.add(queue.removeFirst());
            }
            taken += batch.size();
            roomOrWritten.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private long awaitWork(long nanos) {
        try {
            return work.awaitNanos(nanos);
        } catch (InterruptedException e) {
            return 0;
        }
    }

    private void write(List<AuditRecord> batch) {
        long backoff = FIRST_BACKOFF_MILLIS;
        for (int attempt = 1; ; attempt++) {
            try {
                storage.appendAudits(batch);
                if (attempt > 1) {
                    LOGGER.info("Audit log written again after {} attempts ({} records)", attempt, batch.size());
                }
                return;
            } catch (UnknownTenantException e) {
                if (batch.size() == 1) {
                    giveUp(batch, e);
                } else {
                    batch.forEach(record -> write(List.of(record)));
                }
                return;
            } catch (RuntimeException e) {
                if (closing && System.nanoTime() - closeDeadlineNanos > 0) {
                    giveUp(batch, e);
                    return;
                }
                LOGGER.warn("Cannot write {} audit records (attempt {}), retrying in {} ms: {}", batch.size(), attempt,
                    backoff, e.getMessage());
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private static void giveUp(List<AuditRecord> records, RuntimeException cause) {
        for (AuditRecord record : records) {
            LOGGER.error("Audit record NOT stored ({}): {}", cause.getMessage(), record);
        }
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
