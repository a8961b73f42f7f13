package dev.tresor.keys.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.TenantId;

/**
 * The behaviour every {@link TenantKeyStore} backend shares. A backend's test implements {@link #testee()},
 * returning an empty store for each test.
 */
public interface TenantKeyStoreContract {
    TenantId ACME = TenantId.of("acme");
    TenantId GLOBEX = TenantId.of("globex");
    // Millisecond precision, so that databases storing microseconds keep it exactly.
    Instant CREATED = Instant.parse("2025-03-01T10:15:30.123Z");

    TenantKeyStore testee();

    static WrappedTenantKey key(TenantId tenant, int version, String masterKeyId, int fill) {
        byte[] wrapped = new byte[61];
        java.util.Arrays.fill(wrapped, (byte) fill);
        return WrappedTenantKey.of(tenant, version, masterKeyId, wrapped, CREATED.plus(version, ChronoUnit.DAYS));
    }

    @Test
    default void tenantKeysShouldBeEmptyForATenantWithoutKeys() {
        assertThat(testee().tenantKeys(ACME)).isEmpty();
    }

    @Test
    default void addedKeysShouldBeListedOldestVersionFirstWithEveryFieldIntact() {
        TenantKeyStore store = testee();
        WrappedTenantKey second = key(ACME, 2, "local:0123456789abcdef", 2);
        WrappedTenantKey first = key(ACME, 1, "pkcs11:tresor-master", 1);

        boolean secondAdded = store.add(second);
        boolean firstAdded = store.add(first);

        assertThat(secondAdded).isTrue();
        assertThat(firstAdded).isTrue();
        assertThat(store.tenantKeys(ACME)).containsExactly(first, second);
    }

    @Test
    default void addShouldRefuseAVersionTheTenantAlreadyHasAndKeepTheStoredOne() {
        TenantKeyStore store = testee();
        WrappedTenantKey original = key(ACME, 1, "local:0123456789abcdef", 1);
        store.add(original);

        boolean added = store.add(key(ACME, 1, "local:0123456789abcdef", 9));

        assertThat(added).isFalse();
        assertThat(store.tenantKeys(ACME)).containsExactly(original);
    }

    @Test
    default void theSameVersionShouldBeAddableForDifferentTenants() {
        TenantKeyStore store = testee();

        boolean acmeAdded = store.add(key(ACME, 1, "local:0123456789abcdef", 1));
        boolean globexAdded = store.add(key(GLOBEX, 1, "local:0123456789abcdef", 2));

        assertThat(acmeAdded).isTrue();
        assertThat(globexAdded).isTrue();
        assertThat(store.tenantKeys(ACME)).extracting(WrappedTenantKey::tenant).containsOnly(ACME);
        assertThat(store.tenantKeys(GLOBEX)).extracting(WrappedTenantKey::tenant).containsOnly(GLOBEX);
    }

    @Test
    default void allShouldListTheKeysOfEveryTenant() {
        TenantKeyStore store = testee();
        WrappedTenantKey acme1 = key(ACME, 1, "local:0123456789abcdef", 1);
        WrappedTenantKey acme2 = key(ACME, 2, "local:0123456789abcdef", 2);
        WrappedTenantKey globex1 = key(GLOBEX, 1, "local:0123456789abcdef", 3);
        store.add(acme1);
        store.add(acme2);
        store.add(globex1);

        assertThat(store.all()).containsExactlyInAnyOrder(acme1, acme2, globex1);
    }

    @Test
    default void replaceShouldSwapTheWrappedKeyOfTheSameTenantAndVersionOnly() {
        TenantKeyStore store = testee();
        WrappedTenantKey acme1 = key(ACME, 1, "local:0123456789abcdef", 1);
        WrappedTenantKey acme2 = key(ACME, 2, "local:0123456789abcdef", 2);
        WrappedTenantKey globex1 = key(GLOBEX, 1, "local:0123456789abcdef", 3);
        store.add(acme1);
        store.add(acme2);
        store.add(globex1);
        WrappedTenantKey rewrapped = acme1.rewrappedBy("pkcs11:tresor-master", new byte[] {7, 7, 7});

        store.replace(rewrapped);

        assertThat(store.tenantKeys(ACME)).containsExactly(rewrapped, acme2);
        assertThat(store.tenantKeys(GLOBEX)).containsExactly(globex1);
    }

    @Test
    default void replaceShouldFailForAVersionThatIsNotStored() {
        TenantKeyStore store = testee();
        store.add(key(ACME, 1, "local:0123456789abcdef", 1));

        assertThatThrownBy(() -> store.replace(key(ACME, 2, "pkcs11:tresor-master", 2)))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("acme")
            .hasMessageContaining("version 2");
        assertThat(store.tenantKeys(ACME)).extracting(WrappedTenantKey::version).containsExactly(1);
    }

    @Test
    default void concurrentAddsOfTheSameVersionShouldLetExactlyOneWriterWin() throws Exception {
        TenantKeyStore store = testee();
        int writers = 8;
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                WrappedTenantKey candidate = key(ACME, 1, "local:0123456789abcdef", writer);
                Callable<Boolean> add = () -> {
                    start.await();
                    return store.add(candidate);
                };
                results.add(executor.submit(add));
            }

            start.countDown();

            int winners = 0;
            for (Future<Boolean> result : results) {
                winners += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
            assertThat(store.tenantKeys(ACME)).hasSize(1);
        } finally {
            executor.shutdownNow();
        }
    }
}
