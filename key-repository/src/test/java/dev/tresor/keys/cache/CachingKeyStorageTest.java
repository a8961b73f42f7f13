package dev.tresor.keys.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyRepositoryContract;
import dev.tresor.keys.PgpKeyVaultContract;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;

class CachingKeyStorageTest {
    private static final TenantId BANK = TenantId.of("bank");
    private static final EmailAddress JOHN = EmailAddress.of("john@partner.example");
    private static final TestPki CA = TestPki.ca("Cache CA");

    @TempDir
    Path directory;

    /** The cache changes no behaviour: the whole contract passes through it. */
    @Nested
    class ThroughTheCache implements KeyRepositoryContract, PgpKeyVaultContract {
        private TestClock clock;
        private KeyRepository repository;

        @BeforeEach
        void setUp() {
            clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
            repository = StoredKeyRepository.create(CachingKeyStorage.wrap(new MemoryKeyStorage(), Duration.ofMinutes(5)),
                protection(), clock);
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
    void aZeroTtlShouldNeverCache() {
        KeyRepository uncached = StoredKeyRepository.create(CachingKeyStorage.wrap(sharedDatabase, Duration.ZERO, nanoTime::get),
            protection(), new TestClock(Instant.now()));
        TestPki.Issued john = CA.issue(JOHN.asString());
        nodeB.certificates().add(BANK, john.chain(), Origin.IMPORTED);
        assertThat(uncached.certificates().encryptionCertificates(BANK, JOHN, SelectionPolicy.NEWEST)).hasSize(1);

        nodeB.certificates().setStatus(BANK, john.fingerprint(), KeyStatus.REVOKED);

        assertThat(uncached.certificates().encryptionCertificates(BANK, JOHN, SelectionPolicy.NEWEST)).isEmpty();
    }

    private KeyProtection protection() {
        return KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")), MemoryTenantKeyStore.create());
    }
}
