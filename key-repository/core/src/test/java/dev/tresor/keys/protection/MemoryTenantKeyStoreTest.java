package dev.tresor.keys.protection;

import org.junit.jupiter.api.BeforeEach;

class MemoryTenantKeyStoreTest implements TenantKeyStoreContract {
    private MemoryTenantKeyStore store;

    @BeforeEach
    void setUp() {
        store = MemoryTenantKeyStore.create();
    }

    @Override
    public TenantKeyStore testee() {
        return store;
    }
}
