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

/** The whole key repository, protection included, over PostgreSQL; a second storage on the same schema is another node. */
class PostgresKeyRepositoryTest implements KeyRepositoryContract, TenancyIsolationContract, PgpKeyVaultContract,
    PolicyVaultContract, KeyLifecycleContract {
    @TempDir
    Path directory;

    private static PostgresSchema schema;
    private static JdbcKeyStorage storage;
    private static JdbcKeyStorage otherNodeStorage;
    private TestClock clock;
    private KeyRepository repository;
    private KeyRepository otherNode;

    @BeforeAll
    static void open() throws Exception {
        schema = PostgresSchema.create();
        storage = schema.openStorage();
        otherNodeStorage = schema.openStorage();
    }

    @AfterAll
    static void close() throws Exception {
        storage.close();
        otherNodeStorage.close();
        schema.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        TestDatabases.deleteAllRows(schema.dataSource());
        clock = new TestClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
            storage.tenantKeyStore());
        repository = StoredKeyRepository.create(storage, protection, clock);
        otherNode = StoredKeyRepository.create(otherNodeStorage, KeyProtection.create(
            FileMasterKey.loadOrCreate(directory.resolve("master.key")), otherNodeStorage.tenantKeyStore()), clock);
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
