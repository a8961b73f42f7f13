package dev.tresor.keys.protection;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.Hex;
import dev.tresor.keys.TenantId;

class KeyProtectionTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final byte[] FINGERPRINT = "sha256:4f1c0a9e".getBytes(US_ASCII);
    private static final byte[] OTHER_FINGERPRINT = "sha256:77aa0b3d".getBytes(US_ASCII);

    private MasterKey masterKey;
    private MemoryTenantKeyStore store;
    private KeyProtection protection;
    private byte[] privateKey;

    @BeforeEach
    void setUp() {
        masterKey = TestMasterKeys.random();
        store = MemoryTenantKeyStore.create();
        protection = KeyProtection.create(masterKey, store);
        privateKey = TestMasterKeys.randomBytes(1218);
    }

    @Test
    void unprotectShouldReturnTheProtectedPrivateKey() {
        ProtectedKey protectedKey = protection.protect(ACME, privateKey, FINGERPRINT);

        byte[] unprotected = protection.unprotect(ACME, protectedKey, FINGERPRINT);

        assertThat(unprotected).isEqualTo(privateKey);
    }

    @Test
    void aStoredAndReloadedProtectedKeyShouldUnprotectInAnotherKeyProtectionOnTheSameStore() {
        byte[] stored = protection.protect(ACME, privateKey, FINGERPRINT).toBytes();

        byte[] unprotected = KeyProtection.create(masterKey, store)
            .unprotect(ACME, ProtectedKey.fromBytes(stored), FINGERPRINT);

        assertThat(unprotected).isEqualTo(privateKey);
    }

    @Test
    void protectingTheSamePrivateKeyTwiceShouldGiveDifferentNoncesAndCiphertexts() {
        byte[] first = protection.protect(ACME, privateKey, FINGERPRINT).toBytes();
        byte[] second = protection.protect(ACME, privateKey, FINGERPRINT).toBytes();

        assertThat(Arrays.copyOfRange(first, ProtectedKey.HEADER_LENGTH, first.length))
            .isNotEqualTo(Arrays.copyOfRange(second, ProtectedKey.HEADER_LENGTH, second.length));
        assertThat(Arrays.copyOfRange(first, ProtectedKey.PAYLOAD_OFFSET, first.length))
            .isNotEqualTo(Arrays.copyOfRange(second, ProtectedKey.PAYLOAD_OFFSET, second.length));
    }

    @Test
    void theProtectedKeyShouldNotContainThePrivateKey() {
        byte[] stored = protection.protect(ACME, privateKey, FINGERPRINT).toBytes();

        assertThat(indexOf(stored, Arrays.copyOf(privateKey, 16))).isEqualTo(-1);
    }

    @Test
    void firstProtectForATenantShouldCreateItsTenantKeyVersionOneUnderTheMasterKey() {
        protection.protect(ACME, privateKey, FINGERPRINT);

        assertThat(store.tenantKeys(ACME))
            .singleElement()
            .satisfies(key -> {
                assertThat(key.version()).isEqualTo(1);
                assertThat(key.masterKeyId()).isEqualTo(masterKey.id());
            });
        assertThat(store.tenantKeys(GLOBEX)).isEmpty();
    }

    @Test
    void eachTenantShouldGetItsOwnTenantKey() {
        protection.protect(ACME, privateKey, FINGERPRINT);
        protection.protect(GLOBEX, privateKey, FINGERPRINT);

        assertThat(store.tenantKeys(ACME).get(0).wrapped()).isNotEqualTo(store.tenantKeys(GLOBEX).get(0).wrapped());
    }

    @Test
    void unprotectShouldFailForATenantWithoutThatTenantKeyVersion() {
        ProtectedKey protectedKey = protection.protect(ACME, privateKey, FINGERPRINT);

        assertThatThrownBy(() -> protection.unprotect(GLOBEX, protectedKey, FINGERPRINT))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("Tenant globex has no tenant key version 1");
    }

    @Test
    void unprotectShouldFailForAnotherTenantEvenWhenItHasTheSameTenantKeyVersion() {
        ProtectedKey protectedKey = protection.protect(ACME, privateKey, FINGERPRINT);
        protection.protect(GLOBEX, privateKey, FINGERPRINT);

        assertThatThrownBy(() -> protection.unprotect(GLOBEX, protectedKey, FINGERPRINT))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("protected for another tenant or another key");
    }

    @Test
    void unprotectShouldFailForAnotherContext() {
        ProtectedKey protectedKey = protection.protect(ACME, privateKey, FINGERPRINT);

        assertThatThrownBy(() -> protection.unprotect(ACME, protectedKey, OTHER_FINGERPRINT))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("tenant acme");
    }

    @Test
    void unprotectShouldFailWhenAnySingleBitOfTheProtectedKeyIsFlipped() {
        byte[] stored = protection.protect(ACME, TestMasterKeys.randomBytes(40), FINGERPRINT).toBytes();
        int rejected = 0;

        for (int index = 0; index < stored.length; index++) {
            byte[] tampered = stored.clone();
            tampered[index] ^= (byte) (1 << (index % 8));
            try {
                protection.unprotect(ACME, ProtectedKey.fromBytes(tampered), FINGERPRINT);
            } catch (KeyProtectionException expected) {
                rejected++;
            }
        }

        assertThat(rejected).isEqualTo(stored.length);
    }

    @Test
    void unprotectShouldFailUnderAnotherMasterKey() {
        ProtectedKey protectedKey = protection.protect(ACME, privateKey, FINGERPRINT);
        MasterKey otherMasterKey = TestMasterKeys.random();

        assertThatThrownBy(() -> KeyProtection.create(otherMasterKey, store).unprotect(ACME, protectedKey, FINGERPRINT))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("is wrapped by master key '" + masterKey.id() + "'")
            .hasMessageContaining("uses master key '" + otherMasterKey.id() + "'");
    }

    @Test
    void aTenantKeyRowCopiedToAnotherTenantShouldNotUnwrap() {
        protection.protect(ACME, privateKey, FINGERPRINT);
        WrappedTenantKey acmeKey = store.tenantKeys(ACME).get(0);
        MemoryTenantKeyStore forgedStore = MemoryTenantKeyStore.create();
        forgedStore.add(WrappedTenantKey.of(GLOBEX, 1, acmeKey.masterKeyId(), acmeKey.wrapped(), acmeKey.created()));

        assertThatThrownBy(() -> KeyProtection.create(masterKey, forgedStore).protect(GLOBEX, privateKey, FINGERPRINT))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("cannot unwrap");
    }

    @Test
    void aTenantKeyRowCopiedToAnotherVersionShouldNotUnwrap() {
        protection.protect(ACME, privateKey, FINGERPRINT);
        WrappedTenantKey version1 = store.tenantKeys(ACME).get(0);
        store.add(WrappedTenantKey.of(ACME, 2, version1.masterKeyId(), version1.wrapped(), version1.created()));

        assertThatThrownBy(() -> KeyProtection.create(masterKey, store).protect(ACME, privateKey, FINGERPRINT))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("cannot unwrap");
    }

    @Test
    void protectShouldRefuseAnEmptyPrivateKeyOrContext() {
        assertThatThrownBy(() -> protection.protect(ACME, new byte[0], FINGERPRINT))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("plaintext");
        assertThatThrownBy(() -> protection.protect(ACME, privateKey, new byte[0]))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("context");
    }

    @Test
    void rotateTenantKeyShouldMakeNewKeysUseTheNewVersionAndKeepOldOnesReadable() {
        ProtectedKey beforeRotation = protection.protect(ACME, privateKey, FINGERPRINT);

        int newVersion = protection.rotateTenantKey(ACME);
        ProtectedKey afterRotation = protection.protect(ACME, privateKey, OTHER_FINGERPRINT);

        assertThat(newVersion).isEqualTo(2);
        assertThat(beforeRotation.tenantKeyVersion()).isEqualTo(1);
        assertThat(afterRotation.tenantKeyVersion()).isEqualTo(2);
        KeyProtection restarted = KeyProtection.create(masterKey, store);
        assertThat(restarted.unprotect(ACME, beforeRotation, FINGERPRINT)).isEqualTo(privateKey);
        assertThat(restarted.unprotect(ACME, afterRotation, OTHER_FINGERPRINT)).isEqualTo(privateKey);
        assertThat(store.tenantKeys(ACME)).extracting(WrappedTenantKey::version).containsExactly(1, 2);
    }

    @Test
    void rotateTenantKeyShouldCreateVersionOneForATenantWithoutKeys() {
        int version = protection.rotateTenantKey(ACME);

        assertThat(version).isEqualTo(1);
        assertThat(protection.protect(ACME, privateKey, FINGERPRINT).tenantKeyVersion()).isEqualTo(1);
    }

    @Test
    void aRotationByAnotherNodeShouldBeUsedByTheNextProtect() {
        protection.protect(ACME, privateKey, FINGERPRINT);
        KeyProtection otherNode = KeyProtection.create(masterKey, store);

        otherNode.rotateTenantKey(ACME);

        assertThat(protection.protect(ACME, privateKey, FINGERPRINT).tenantKeyVersion()).isEqualTo(2);
    }

    @Test
    void rotateMasterKeyShouldRewrapEveryTenantKeyAndLeaveProtectedKeysReadableOnlyUnderTheNewMasterKey() {
        ProtectedKey acmeOld = protection.protect(ACME, privateKey, FINGERPRINT);
        protection.rotateTenantKey(ACME);
        ProtectedKey acmeNew = protection.protect(ACME, privateKey, FINGERPRINT);
        ProtectedKey globex = protection.protect(GLOBEX, privateKey, OTHER_FINGERPRINT);
        byte[] acmeOldBytes = acmeOld.toBytes();
        MasterKey newMasterKey = TestMasterKeys.random();

        int rewrapped = protection.rotateMasterKey(newMasterKey);

        assertThat(rewrapped).isEqualTo(3);
        assertThat(store.all()).extracting(WrappedTenantKey::masterKeyId).containsOnly(newMasterKey.id());
        KeyProtection onNewMasterKey = KeyProtection.create(newMasterKey, store);
        assertThat(onNewMasterKey.unprotect(ACME, ProtectedKey.fromBytes(acmeOldBytes), FINGERPRINT))
            .isEqualTo(privateKey);
        assertThat(onNewMasterKey.unprotect(ACME, acmeNew, FINGERPRINT)).isEqualTo(privateKey);
        assertThat(onNewMasterKey.unprotect(GLOBEX, globex, OTHER_FINGERPRINT)).isEqualTo(privateKey);
        assertThatThrownBy(() -> KeyProtection.create(masterKey, store).unprotect(ACME, acmeOld, FINGERPRINT))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("finish the master key rotation");
    }

    @Test
    void theRotatingKeyProtectionShouldContinueUnderTheNewMasterKey() {
        ProtectedKey before = protection.protect(ACME, privateKey, FINGERPRINT);
        MasterKey newMasterKey = TestMasterKeys.random();

        protection.rotateMasterKey(newMasterKey);
        protection.protect(GLOBEX, privateKey, FINGERPRINT);

        assertThat(protection.unprotect(ACME, before, FINGERPRINT)).isEqualTo(privateKey);
        assertThat(store.tenantKeys(GLOBEX)).extracting(WrappedTenantKey::masterKeyId)
            .containsExactly(newMasterKey.id());
    }

    @Test
    void rotateMasterKeyRunAgainShouldRewrapOnlyWhatTheFirstRunMissed() {
        protection.protect(ACME, privateKey, FINGERPRINT);
        MasterKey newMasterKey = TestMasterKeys.random();
        KeyProtection nodeStillOnTheOldMasterKey = KeyProtection.create(masterKey, store);
        protection.rotateMasterKey(newMasterKey);
        ProtectedKey missed = nodeStillOnTheOldMasterKey.protect(GLOBEX, privateKey, FINGERPRINT);

        int rewrapped = KeyProtection.create(masterKey, store).rotateMasterKey(newMasterKey);

        assertThat(rewrapped).isEqualTo(1);
        assertThat(KeyProtection.create(newMasterKey, store).unprotect(GLOBEX, missed, FINGERPRINT))
            .isEqualTo(privateKey);
    }

    @Test
    void rotateMasterKeyShouldRefuseTheCurrentMasterKey() {
        protection.protect(ACME, privateKey, FINGERPRINT);

        assertThatThrownBy(() -> protection.rotateMasterKey(masterKey))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("needs a new id");
    }

    @Test
    void rotateMasterKeyShouldStopAtATenantKeyOfAThirdMasterKey() {
        MasterKey thirdMasterKey = TestMasterKeys.random();
        KeyProtection.create(thirdMasterKey, store).protect(GLOBEX, privateKey, FINGERPRINT);
        MasterKey newMasterKey = TestMasterKeys.random();

        assertThatThrownBy(() -> protection.rotateMasterKey(newMasterKey))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("globex v1")
            .hasMessageContaining(thirdMasterKey.id());
    }

    @Test
    void protectAndUnprotectShouldUnwrapATenantKeyOnlyOnce() {
        CountingMasterKey counting = new CountingMasterKey(masterKey);
        KeyProtection cached = KeyProtection.create(counting, store);
        ProtectedKey protectedKey = KeyProtection.create(masterKey, store).protect(ACME, privateKey, FINGERPRINT);

        for (int i = 0; i < 10; i++) {
            cached.unprotect(ACME, protectedKey, FINGERPRINT);
            cached.protect(ACME, privateKey, FINGERPRINT);
        }

        assertThat(counting.unwraps.get()).isEqualTo(1);
    }

    @Test
    void theTenantKeyCacheShouldBeBounded() {
        ProtectedKey acme = protection.protect(ACME, privateKey, FINGERPRINT);
        ProtectedKey globex = protection.protect(GLOBEX, privateKey, FINGERPRINT);
        CountingMasterKey counting = new CountingMasterKey(masterKey);
        KeyProtection holdingOneTenantKey = KeyProtection.create(counting, store, 1);

        for (int i = 0; i < 3; i++) {
            holdingOneTenantKey.unprotect(ACME, acme, FINGERPRINT);
            holdingOneTenantKey.unprotect(GLOBEX, globex, FINGERPRINT);
        }

        assertThat(counting.unwraps.get()).isEqualTo(6);
    }

    @Test
    void concurrentFirstUseOfATenantShouldLeaveOneTenantKeyThatUnprotectsEveryResult() throws Exception {
        int nodes = 6;
        TenantKeyStore racingStore = new StoreWhereEveryoneFirstSeesNoKeys(store, nodes);
        ExecutorService executor = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<ProtectedKey>> results = new ArrayList<>();
            for (int node = 0; node < nodes; node++) {
                KeyProtection nodeProtection = KeyProtection.create(masterKey, racingStore);
                Callable<ProtectedKey> protect = () -> nodeProtection.protect(ACME, privateKey, FINGERPRINT);
                results.add(executor.submit(protect));
            }

            List<ProtectedKey> protectedKeys = new ArrayList<>();
            for (Future<ProtectedKey> result : results) {
                protectedKeys.add(result.get(30, TimeUnit.SECONDS));
            }

            assertThat(store.tenantKeys(ACME)).hasSize(1);
            KeyProtection restarted = KeyProtection.create(masterKey, store);
            assertThat(protectedKeys).allSatisfy(protectedKey ->
                assertThat(restarted.unprotect(ACME, protectedKey, FINGERPRINT)).isEqualTo(privateKey));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void concurrentProtectAndUnprotectOnOneKeyProtectionShouldAllSucceed() throws Exception {
        int threads = 8;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                TenantId tenant = thread % 2 == 0 ? ACME : GLOBEX;
                Callable<Boolean> roundTrips = () -> {
                    for (int i = 0; i < 200; i++) {
                        ProtectedKey protectedKey = protection.protect(tenant, privateKey, FINGERPRINT);
                        if (!Arrays.equals(privateKey,
                            protection.unprotect(tenant, protectedKey, FINGERPRINT))) {
                            return false;
                        }
                    }
                    return true;
                };
                results.add(executor.submit(roundTrips));
            }

            for (Future<Boolean> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(store.tenantKeys(ACME)).hasSize(1);
            assertThat(store.tenantKeys(GLOBEX)).hasSize(1);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void messagesAndToStringsShouldNotShowKeyBytes() {
        ProtectedKey protectedKey = protection.protect(ACME, privateKey, FINGERPRINT);
        WrappedTenantKey tenantKey = store.tenantKeys(ACME).get(0);
        Throwable failure = catchThrowable(() ->
            protection.unprotect(ACME, protectedKey, OTHER_FINGERPRINT));

        assertThat(List.of(protectedKey.toString(), tenantKey.toString(), masterKey.toString(),
            protection.toString(), failure.getMessage()))
            .allSatisfy(text -> assertThat(text)
                .doesNotContain(Hex.encode(tenantKey.wrapped()).substring(0, 16))
                .doesNotContain(Base64.getEncoder().encodeToString(tenantKey.wrapped()).substring(0, 16))
                .doesNotContain(Hex.encode(protectedKey.toBytes()).substring(10, 26)));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int start = 0; start + needle.length <= haystack.length; start++) {
            if (Arrays.equals(haystack, start, start + needle.length, needle, 0, needle.length)) {
                return start;
            }
        }
        return -1;
    }

    /** A real master key that counts how often it unwraps. */
    private static final class CountingMasterKey implements MasterKey {
        private final MasterKey delegate;
        private final AtomicInteger unwraps = new AtomicInteger();

        private CountingMasterKey(MasterKey delegate) {
            this.delegate = delegate;
        }

        @Override
        public String id() {
            return delegate.id();
        }

        @Override
        public byte[] wrap(byte[] key, byte[] associatedData) {
            return delegate.wrap(key, associatedData);
        }

        @Override
        public byte[] unwrap(byte[] wrapped, byte[] associatedData) {
            unwraps.incrementAndGet();
            return delegate.unwrap(wrapped, associatedData);
        }
    }

    /**
     * A real store whose first {@code parties} reads wait for each other, so every party sees the tenant without
     * keys and tries to add version 1: the lost race happens every time, not by luck.
     */
    private static final class StoreWhereEveryoneFirstSeesNoKeys implements TenantKeyStore {
        private final TenantKeyStore delegate;
        private final CyclicBarrier barrier;
        private final AtomicInteger firstReads;

        private StoreWhereEveryoneFirstSeesNoKeys(TenantKeyStore delegate, int parties) {
            this.delegate = delegate;
            this.barrier = new CyclicBarrier(parties);
            this.firstReads = new AtomicInteger(parties);
        }

        @Override
        public List<WrappedTenantKey> tenantKeys(TenantId tenant) {
            List<WrappedTenantKey> keys = delegate.tenantKeys(tenant);
            if (firstReads.getAndDecrement() > 0) {
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    throw new IllegalStateException(e);
                }
            }
            return keys;
        }

        @Override
        public boolean add(WrappedTenantKey key) {
            return delegate.add(key);
        }

        @Override
        public List<WrappedTenantKey> all() {
            return delegate.all();
        }

        @Override
        public void replace(WrappedTenantKey key) {
            delegate.replace(key);
        }
    }
}
