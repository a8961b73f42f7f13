package dev.tresor.keys.repository;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

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
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;

class MemoryKeyRepositoryTest implements KeyRepositoryContract, TenancyIsolationContract, PgpKeyVaultContract,
    PolicyVaultContract, KeyLifecycleContract {
    @TempDir
    Path directory;

    private TestClock clock;
    private MemoryKeyStorage storage;
    private KeyRepository repository;
    private KeyRepository otherNode;

    @BeforeEach
    void setUp() {
        clock = new TestClock(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
            MemoryTenantKeyStore.create());
        storage = new MemoryKeyStorage();
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
