package dev.tresor.keys.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.TlsPolicy;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyRepositoryContract;
import dev.tresor.keys.PgpKeyVaultContract;
import dev.tresor.keys.PolicyVaultContract;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.policy.Encryption;
import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;
import dev.tresor.keys.spi.CertificateRecord;
import dev.tresor.keys.spi.CertificateStorage;
import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.KeyStorageContract;
import dev.tresor.keys.spi.LifecycleStorageContract;
import dev.tresor.keys.spi.StorageChange;

class CachingKeyStorageTest {
    private static final TenantId BANK = TenantId.of("bank");
    private static final EmailAddress JOHN = EmailAddress.of("john@partner.example");
    private static final TestPki CA = TestPki.ca("Cache CA");

    @TempDir
    Path directory;

    /** The cache changes no behaviour: the whole contract passes through it. */
    @Nested
    class ThroughTheCache implements KeyRepositoryContract, PgpKeyVaultContract, PolicyVaultContract {
        private TestClock clock;
        private KeyStorage storage;
        private KeyRepository repository;

        @BeforeEach
        void setUp() {
            clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
            storage = CachingKeyStorage.wrap(new MemoryKeyStorage(), Duration.ofMinutes(5));
            repository = StoredKeyRepository.create(storage, protection(), clock);
        }

        @Override
        public void storeRawPolicy(TenantId tenant, String scope, String settings) {
            storage.policies().appendPolicy(tenant, scope, Optional.of(settings), clock.instant(), "test");
        }

        @Override
        public KeyRepository repository() {
            return repository;
        }

        @Override
        public TestClock clock() {
            return clock;
        }
    }

    /** And every vault's storage behaves as storage does: cached answers are copies, writes go through. */
    @Nested
    class StorageThroughTheCache implements KeyStorageContract {
        private final KeyStorage storage = CachingKeyStorage.wrap(new MemoryKeyStorage(), Duration.ofMinutes(5));

        @Override
        public KeyStorage storage() {
            return storage;
        }
    }

    /** Not cached, passed through: still the same rows and the same lock. */
    @Nested
    class LifecycleThroughTheCache implements LifecycleStorageContract {
        private final KeyStorage storage = CachingKeyStorage.wrap(new MemoryKeyStorage(), Duration.ofMinutes(5));

        @Override
        public KeyStorage storage() {
            return storage;
        }
    }

    private final AtomicLong nanoTime = new AtomicLong();
    private MemoryKeyStorage sharedDatabase;
    private KeyRepository nodeA;
    private KeyRepository nodeB;

    @BeforeEach
    void twoNodesOnOneDatabase() {
        sharedDatabase = new MemoryKeyStorage();
        TestClock clock = new TestClock(Instant.now());
        KeyProtection protection = protection();
        nodeA = StoredKeyRepository.create(CachingKeyStorage.wrap(sharedDatabase, Duration.ofSeconds(30), nanoTime::get), protection, clock);
        nodeB = StoredKeyRepository.create(CachingKeyStorage.wrap(sharedDatabase, Duration.ofSeconds(30), nanoTime::get), protection, clock);
        nodeA.tenants().create(BANK);
    }

    @Test
    void aRevokeOnAnotherNodeShouldBeSeenAtTheLatestAfterTheTtl() {
        TestPki.Issued john = CA.issue(JOHN.asString());
        nodeB.certificates().add(BANK, john.chain(), Origin.IMPORTED);
        assertThat(nodeA.certificates().encryptionCertificates(BANK, JOHN, SelectionPolicy.NEWEST)).hasSize(1);

        nodeB.certificates().setStatus(BANK, john.fingerprint(), KeyStatus.REVOKED);

        assertThat(nodeA.certificates().encryptionCertificates(BANK, JOHN, SelectionPolicy.NEWEST))
            .as("within the TTL node A may still answer from its cache").hasSize(1);
        nanoTime.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(nodeA.certificates().encryptionCertificates(BANK, JOHN, SelectionPolicy.NEWEST)).isEmpty();
    }

    @Test
    void aRevokeOnTheSameNodeShouldBeSeenAtOnce() {
        TestPki.Issued john = CA.issue(JOHN.asString());
        nodeA.certificates().add(BANK, john.chain(), Origin.IMPORTED);
        assertThat(nodeA.certificates().encryptionCertificates(BANK, JOHN, SelectionPolicy.NEWEST)).hasSize(1);

        nodeA.certificates().setStatus(BANK, john.fingerprint(), KeyStatus.REVOKED);

        assertThat(nodeA.certificates().encryptionCertificates(BANK, JOHN, SelectionPolicy.NEWEST)).isEmpty();
    }

    @Test
    void aCaCreatedOnAnotherNodeShouldIssueHereOnceHeardOrAfterTheTtl() {
        EmailAddress teller = EmailAddress.of("teller@bank.example");
        nodeA.tenants().mapDomain("bank.example", BANK);
        assertThat(nodeA.lifecycle().issuesAutomatically(BANK, teller, KeyKind.SMIME)).isFalse();

        nodeB.lifecycle().createCa(BANK, CaSettings.defaults("http://pki.bank.test"), "admin");

        assertThat(nodeA.lifecycle().issuesAutomatically(BANK, teller, KeyKind.SMIME))
            .as("within the TTL node A may still answer from its cache").isFalse();
        nanoTime.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(nodeA.lifecycle().issuesAutomatically(BANK, teller, KeyKind.SMIME)).isTrue();
        assertThat(nodeB.lifecycle().issuesAutomatically(BANK, teller, KeyKind.SMIME)).as("at once where it was made").isTrue();
    }

    @Test
    void aCaSettingsChangeHeardFromAnotherNodeShouldBeSeenAtOnce() {
        CachingKeyStorage cache = CachingKeyStorage.wrap(sharedDatabase, Duration.ofSeconds(30), nanoTime::get);
        KeyRepository node = StoredKeyRepository.create(cache, protection(), new TestClock(Instant.now()));
        EmailAddress teller = EmailAddress.of("teller@bank.example");
        nodeA.tenants().mapDomain("bank.example", BANK);
        nodeB.lifecycle().createCa(BANK, CaSettings.defaults("http://pki.bank.test"), "admin");
        assertThat(node.lifecycle().issuesAutomatically(BANK, teller, KeyKind.SMIME)).isTrue();

        nodeB.lifecycle().changeSettings(BANK, CaSettings.parse(java.util.Map.of("autoIssueSmime", "false"),
            nodeB.lifecycle().ca(BANK).map(ca -> ca.settings())), "admin");
        cache.changed(StorageChange.tenant(BANK));

        assertThat(node.lifecycle().issuesAutomatically(BANK, teller, KeyKind.SMIME)).isFalse();
    }

    @Test
    void aTlsPolicySetOnAnotherNodeShouldBeSeenAfterTheTtlAndOnThisNodeAtOnce() {
        assertThat(nodeA.tlsPolicies().get(BANK, "partner.example")).isEmpty();

        nodeB.tlsPolicies().set(BANK, "partner.example", TlsPolicy.of(TlsPolicy.Level.VERIFY));

        assertThat(nodeA.tlsPolicies().get(BANK, "partner.example")).as("within the TTL").isEmpty();
        nanoTime.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(nodeA.tlsPolicies().get(BANK, "partner.example")).isPresent();
        nodeA.tlsPolicies().remove(BANK, "partner.example");
        assertThat(nodeA.tlsPolicies().get(BANK, "partner.example")).isEmpty();
    }

    @Test
    void aZeroTtlShouldNeverCache() {
        KeyRepository uncached = StoredKeyRepository.create(CachingKeyStorage.wrap(sharedDatabase, Duration.ZERO, nanoTime::get),
            protection(), new TestClock(Instant.now()));
        TestPki.Issued john = CA.issue(JOHN.asString());
        nodeB.certificates().add(BANK, john.chain(), Origin.IMPORTED);
        assertThat(uncached.certificates().encryptionCertificates(BANK, JOHN, SelectionPolicy.NEWEST)).hasSize(1);

        nodeB.certificates().setStatus(BANK, john.fingerprint(), KeyStatus.REVOKED);

        assertThat(uncached.certificates().encryptionCertificates(BANK, JOHN, SelectionPolicy.NEWEST)).isEmpty();
    }

    @Test
    void aChangeHeardFromAnotherNodeShouldForgetOnlyThatTenantsAnswers() {
        CountingStorage counting = new CountingStorage(sharedDatabase);
        CachingKeyStorage cache = CachingKeyStorage.wrap(counting.storage, Duration.ofSeconds(30), nanoTime::get);
        TenantId other = TenantId.of("other");
        sharedDatabase.tenants().createTenant(other, Instant.now());
        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());
        cache.certificates().certificatesByAddress(List.of(other), JOHN.asString());
        cache.certificates().certificatesByAddress(List.of(BANK, other), JOHN.asString());

        cache.changed(StorageChange.tenant(BANK));

        int before = counting.addressLookups;
        cache.certificates().certificatesByAddress(List.of(other), JOHN.asString());
        assertThat(counting.addressLookups).as("the other tenant's answer is kept").isEqualTo(before);
        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());
        cache.certificates().certificatesByAddress(List.of(BANK, other), JOHN.asString());
        assertThat(counting.addressLookups).as("every answer involving bank is read again").isEqualTo(before + 2);
    }

    @Test
    void aDomainChangeHeardFromAnotherNodeShouldForgetThatDomainsTenant() {
        CachingKeyStorage cache = CachingKeyStorage.wrap(sharedDatabase, Duration.ofSeconds(30), nanoTime::get);
        assertThat(cache.tenants().tenantOfDomain("shop.example")).isEmpty();
        sharedDatabase.tenants().mapDomain("shop.example", BANK);
        assertThat(cache.tenants().tenantOfDomain("shop.example")).as("not heard of yet: the cached answer").isEmpty();

        cache.changed(StorageChange.domain("other.example"));
        assertThat(cache.tenants().tenantOfDomain("shop.example")).isEmpty();
        cache.changed(StorageChange.domain("shop.example"));

        assertThat(cache.tenants().tenantOfDomain("shop.example")).contains(BANK);
    }

    @Test
    void aWriteThroughThisNodeShouldForgetOnlyTheAnswersAboutWhatItChanged() {
        CountingStorage counting = new CountingStorage(sharedDatabase);
        CachingKeyStorage cache = CachingKeyStorage.wrap(counting.storage, Duration.ofSeconds(30), nanoTime::get);
        TenantId other = TenantId.of("other");
        cache.tenants().createTenant(other, Instant.now());
        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());
        cache.certificates().certificatesByAddress(List.of(other), JOHN.asString());

        cache.certificates().insertCertificate(KeyStorageContract.certificate(BANK, "john", JOHN.asString()));

        int before = counting.addressLookups;
        cache.certificates().certificatesByAddress(List.of(other), JOHN.asString());
        assertThat(counting.addressLookups).as("the other tenant's answer is kept").isEqualTo(before);
        assertThat(cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString()))
            .as("bank's answer is read again, with the new certificate").hasSize(1);
        assertThat(counting.addressLookups).isEqualTo(before + 1);
    }

    @Test
    void theCacheShouldKeepAtMostItsSizeAndCountHitsAndMisses() {
        CachingKeyStorage cache = CachingKeyStorage.wrap(sharedDatabase, Duration.ofSeconds(30), 2);
        for (String domain : List.of("a.example", "b.example", "c.example")) {
            cache.tenants().tenantOfDomain(domain);
        }
        cache.tenants().tenantOfDomain("c.example");

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.statistics().missCount()).isEqualTo(3);
        assertThat(cache.statistics().hitCount()).isEqualTo(1);
        assertThat(cache.statistics().evictionCount()).isEqualTo(1);
    }

    @Test
    void aZeroSizeShouldNeverCache() {
        CachingKeyStorage cache = CachingKeyStorage.wrap(sharedDatabase, Duration.ofSeconds(30), 0);
        cache.tenants().tenantOfDomain("shop.example");
        sharedDatabase.tenants().mapDomain("shop.example", BANK);

        assertThat(cache.reusesAnswers()).isFalse();
        assertThat(cache.tenants().tenantOfDomain("shop.example")).contains(BANK);
    }

    @Test
    void aSigningKeyShouldBeReadOnceAndForgottenWhenItsTenantChanges() {
        CachingKeyStorage cache = CachingKeyStorage.wrap(sharedDatabase, Duration.ofSeconds(30), nanoTime::get);
        CertificateRecord john = KeyStorageContract.certificate(BANK, "john", JOHN.asString());
        cache.certificates().insertCertificate(john);
        cache.privateKeys().putPrivateKey(BANK, john.fingerprint(), new byte[] {1, 2, 3});

        byte[] first = cache.privateKeys().privateKey(BANK, john.fingerprint()).orElseThrow();
        first[0] = 9;
        sharedDatabase.privateKeys().putPrivateKey(BANK, john.fingerprint(), new byte[] {4, 5, 6});

        assertThat(cache.privateKeys().privateKey(BANK, john.fingerprint()))
            .as("the cached sealed key, as a fresh copy").hasValueSatisfying(key -> assertThat(key).containsExactly(1, 2, 3));
        cache.changed(StorageChange.tenant(BANK));
        assertThat(cache.privateKeys().privateKey(BANK, john.fingerprint()))
            .hasValueSatisfying(key -> assertThat(key).containsExactly(4, 5, 6));
    }

    @Test
    void whileChangesMayBeMissedNothingShouldBeReused() {
        CountingStorage counting = new CountingStorage(sharedDatabase);
        CachingKeyStorage cache = CachingKeyStorage.wrap(counting.storage, Duration.ofSeconds(30), nanoTime::get);
        cache.changesMayBeMissed();

        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());
        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());
        assertThat(counting.addressLookups).isEqualTo(2);
        assertThat(cache.reusesAnswers()).isFalse();

        cache.changesFollowed();
        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());
        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());
        assertThat(counting.addressLookups).isEqualTo(3);
    }

    @Test
    void followingChangesAgainShouldForgetEverythingLearntBefore() {
        CountingStorage counting = new CountingStorage(sharedDatabase);
        CachingKeyStorage cache = CachingKeyStorage.wrap(counting.storage, Duration.ofSeconds(30), nanoTime::get);
        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());

        cache.changesFollowed();

        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());
        assertThat(counting.addressLookups).isEqualTo(2);
    }

    @Test
    void anAnswerReadWhileAChangeArrivesShouldNotBeKept() {
        CountingStorage counting = new CountingStorage(sharedDatabase);
        CachingKeyStorage cache = CachingKeyStorage.wrap(counting.storage, Duration.ofSeconds(30), nanoTime::get);
        // the change is heard after the database answered, before the answer is stored
        counting.duringLookup = () -> cache.changed(StorageChange.tenant(BANK));
        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());
        counting.duringLookup = () -> { };

        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());

        assertThat(counting.addressLookups).as("the overlapped answer was not reused").isEqualTo(2);
        cache.certificates().certificatesByAddress(List.of(BANK), JOHN.asString());
        assertThat(counting.addressLookups).isEqualTo(2);
    }

    @Test
    void aTenantsPoliciesShouldBeReadOnceAndForgottenOnlyWhenThatTenantChanges() {
        CachingKeyStorage cache = CachingKeyStorage.wrap(sharedDatabase, Duration.ofSeconds(30), nanoTime::get);
        TenantId other = TenantId.of("other");
        sharedDatabase.tenants().createTenant(other, Instant.now());
        assertThat(cache.policies().currentPolicies(BANK)).isEmpty();
        assertThat(cache.policies().currentPolicies(other)).isEmpty();
        sharedDatabase.policies().appendPolicy(BANK, "default", Optional.of("encryption=mandatory"), Instant.now(), "b");
        sharedDatabase.policies().appendPolicy(other, "default", Optional.of("encryption=never"), Instant.now(), "b");

        assertThat(cache.policies().currentPolicies(BANK)).as("not heard of yet: the cached answer").isEmpty();
        cache.changed(StorageChange.tenant(BANK));

        assertThat(cache.policies().currentPolicies(BANK)).containsEntry("default", "encryption=mandatory");
        assertThat(cache.policies().currentPolicies(other)).as("the other tenant's answer is kept").isEmpty();
        assertThat(cache.statistics().hitCount()).isEqualTo(2);
    }

    @Test
    void aPolicySetThroughThisNodeShouldApplyAtOnce() {
        EmailAddress alice = EmailAddress.of("alice@bank.example");
        assertThat(nodeA.policies().of(BANK).outbound(alice, JOHN).encryption()).isEqualTo(Encryption.OPPORTUNISTIC);

        nodeA.policies().set(BANK, PolicyScope.partner("partner.example"),
            PolicySettings.fromMap(Map.of("encryption", "mandatory")), "carol");

        assertThat(nodeA.policies().of(BANK).outbound(alice, JOHN).encryption()).isEqualTo(Encryption.MANDATORY);
        nodeA.policies().remove(BANK, PolicyScope.partner("partner.example"), "carol");
        assertThat(nodeA.policies().of(BANK).outbound(alice, JOHN).encryption()).isEqualTo(Encryption.OPPORTUNISTIC);
    }

    @Test
    void aPolicySetOnAnotherNodeShouldApplyAtTheLatestAfterTheTtl() {
        EmailAddress alice = EmailAddress.of("alice@bank.example");
        assertThat(nodeA.policies().of(BANK).outbound(alice, JOHN).encryption()).isEqualTo(Encryption.OPPORTUNISTIC);

        nodeB.policies().set(BANK, PolicyScope.partner("partner.example"),
            PolicySettings.fromMap(Map.of("encryption", "mandatory")), "carol");

        assertThat(nodeA.policies().of(BANK).outbound(alice, JOHN).encryption())
            .as("within the TTL node A may still answer from its cache").isEqualTo(Encryption.OPPORTUNISTIC);
        assertThat(nodeA.policies().get(BANK, PolicyScope.partner("partner.example")))
            .as("an administration read goes to storage").isPresent();
        nanoTime.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(nodeA.policies().of(BANK).outbound(alice, JOHN).encryption()).isEqualTo(Encryption.MANDATORY);
    }

    @Test
    void cachedPoliciesShouldNotBeChangeableByTheirReader() {
        CachingKeyStorage cache = CachingKeyStorage.wrap(sharedDatabase, Duration.ofSeconds(30), nanoTime::get);

        assertThatThrownBy(() -> cache.policies().currentPolicies(BANK).put("default", "encryption=never"))
            .isInstanceOf(UnsupportedOperationException.class);
    }

    /** The shared database, counting the address lookups that reach it. */
    private static final class CountingStorage {
        final KeyStorage storage;
        int addressLookups;
        Runnable duringLookup = () -> { };

        CountingStorage(MemoryKeyStorage delegate) {
            CertificateStorage certificates = (CertificateStorage) Proxy.newProxyInstance(
                CertificateStorage.class.getClassLoader(), new Class<?>[] {CertificateStorage.class},
                (proxy, method, arguments) -> {
                    boolean lookup = method.getName().equals("certificatesByAddress");
                    if (lookup) {
                        addressLookups++;
                    }
                    try {
                        return method.invoke(delegate, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    } finally {
                        if (lookup) {
                            duringLookup.run();
                        }
                    }
                });
            storage = (KeyStorage) Proxy.newProxyInstance(KeyStorage.class.getClassLoader(), new Class<?>[] {KeyStorage.class},
                (proxy, method, arguments) -> method.getName().equals("certificates") ? certificates : method.invoke(delegate));
        }
    }

    private KeyProtection protection() {
        return KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")), MemoryTenantKeyStore.create());
    }
}
