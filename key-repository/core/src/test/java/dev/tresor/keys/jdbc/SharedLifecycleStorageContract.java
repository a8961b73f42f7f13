package dev.tresor.keys.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.LifecycleStorage;
import dev.tresor.keys.spi.LifecycleStorageContract;

/**
 * The issuance lock across nodes: two {@link JdbcKeyStorage}s with pools of their own on one database, as two James
 * nodes sharing PostgreSQL have (or two storages of one JVM on one H2 file), take turns on a key.
 */
interface SharedLifecycleStorageContract extends LifecycleStorageContract {
    /** Another storage on the database of {@link #storage()}. */
    KeyStorage otherNode();

    @Test
    default void issuersOfOneKeyOnTwoNodesShouldTakeTurnsAndSeeEachOthersWrites() throws Exception {
        storage().tenants().createTenant(ACME, NOW);

        LifecycleStorageContract.assertIssuersTakeTurns(List.of(storage().lifecycle(), otherNode().lifecycle()), ACME, 8);
    }

    /**
     * Every issuer holds a connection for its lock while its work borrows others: were all the pool's connections
     * holding locks, the work would wait for a connection that never comes (until the pool's timeout failed it).
     */
    @Test
    default void issuersOfMoreKeysThanThePoolHasConnectionsShouldAllFinish() throws Exception {
        storage().tenants().createTenant(ACME, NOW);
        LifecycleStorage node = storage().lifecycle();
        int issuers = 3 * JdbcKeyStorage.POSTGRES_POOL_SIZE;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(issuers);
        try {
            List<Future<Integer>> issued = new ArrayList<>();
            for (int issuer = 0; issuer < issuers; issuer++) {
                String address = "user" + issuer + "@acme.example";
                issued.add(threads.submit(() -> {
                    start.await();
                    return node.withIssuanceLock(ACME, SMIME, address, () -> {
                        pause(); // lets many issuers hold their lock at once before their work needs a connection
                        node.addIssued(ACME, LifecycleStorageContract.active(SMIME, address, address));
                        return node.issued(ACME, Optional.of(address)).size();
                    });
                }));
            }
            start.countDown();
            for (Future<Integer> each : issued) {
                assertThat(each.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    default void anotherNodeShouldWaitForTheHolderOfAKey() throws Exception {
        storage().tenants().createTenant(ACME, NOW);
        LifecycleStorage node = storage().lifecycle();
        LifecycleStorage otherNode = otherNode().lifecycle();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch otherInside = new CountDownLatch(1);
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            Future<String> holder = threads.submit(() -> node.withIssuanceLock(ACME, SMIME, JOHN, () -> {
                holding.countDown();
                try {
                    release.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "first";
            }));
            assertThat(holding.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
            Future<String> waiter = threads.submit(() -> otherNode.withIssuanceLock(ACME, SMIME, JOHN, () -> {
                otherInside.countDown();
                return "second";
            }));

            assertThat(otherInside.await(500, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(otherNode.withIssuanceLock(ACME, SMIME, JANE, () -> "jane")).isEqualTo("jane");

            release.countDown();
            assertThat(holder.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(waiter.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("second");
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
