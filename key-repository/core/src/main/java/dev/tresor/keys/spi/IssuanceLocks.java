package dev.tresor.keys.spi;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.tresor.keys.TenantId;

/**
 * The in-JVM half of {@link LifecycleStorage#withIssuanceLock}: one lock per (tenant, kind, address), so that issuers
 * of different addresses never wait for each other, and only as many locks as are held or waited for at the moment: a
 * lock is dropped when its last user leaves, so a node that issued keys to a million addresses keeps none of them.
 * Backends sharing a database put their database lock behind it, so that at most one thread per key and node waits
 * there.
 *
 * <p>Reentrant: work holding a key may take it again. Waiting is not interruptible and has no time limit, like a
 * {@code synchronized} block.
 */
public final class IssuanceLocks {
    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        /** Threads holding or waiting for the lock; changed only inside the map's compute of its key. */
        int users;
    }

    private final Map<List<String>, Entry> locks = new ConcurrentHashMap<>();

    public <T> T withLock(TenantId tenant, String kind, String address, Supplier<T> work) {
        List<String> key = List.of(tenant.asString(), kind, address);
        Entry entry = locks.compute(key, (any, existing) -> {
            Entry used = existing == null ? new Entry() : existing;
            used.users++;
            return used;
        });
        try {
            entry.lock.lock();
            try {
                return work.get();
            } finally {
                entry.lock.unlock();
            }
        } finally {
            locks.computeIfPresent(key, (any, existing) -> --existing.users == 0 ? null : existing);
        }
    }

    /** How many keys are held or waited for now: what a test asks to see that the map does not grow. */
    int size() {
        return locks.size();
    }
}
