package dev.tresor.keys.jdbc;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyLifecycleContract;
import dev.tresor.keys.KeyRepositoryContract;
import dev.tresor.keys.PgpKeyVaultContract;
import dev.tresor.keys.PolicyVaultContract;
import dev.tresor.keys.TenancyIsolationContract;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.repository.StoredKeyRepository;

/** The whole key repository, protection included, over H2. */
class H2KeyRepositoryTest implements KeyRepositoryContract, TenancyIsolationContract, PgpKeyVaultContract,
    PolicyVaultContract, KeyLifecycleContract {
    @TempDir
    static Path directory;

    private static JdbcKeyStorage storage;
    private TestClock clock;
    private KeyRepository repository;
    private KeyRepository otherNode;

    @BeforeAll
    static void open() {
        storage = JdbcKeyStorage.h2(directory.resolve("keys"));
    }

    @AfterAll
    static void close() {
        storage.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        TestDatabases.deleteAllRows(TestDatabases.h2(directory.resolve("keys")));
        clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
            storage.tenantKeyStore());
        repository = StoredKeyRepository.create(storage, protection, clock);
        otherNode = StoredKeyRepository.create(storage, protection, clock);
    }

    @Override
    public KeyRepository repository() {
        return repository;
    }

    @Override
    public KeyRepository otherNode() {
        return otherNode;
    }

    @Override
    public TestClock clock() {
        return clock;
    }

    @Override
    public void storeRawPolicy(TenantId tenant, String scope, String settings) {
        storage.policies().appendPolicy(tenant, scope, Optional.of(settings), clock.instant(), "test");
    }
}
