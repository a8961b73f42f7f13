package dev.tresor.keys.jdbc;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.protection.TenantKeyStore;
import dev.tresor.keys.protection.TenantKeyStoreContract;

class H2TenantKeyStoreTest implements TenantKeyStoreContract {
    @TempDir
    static Path directory;

    private static JdbcKeyStorage storage;

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
        // Tenant keys belong to existing tenants, like every row of a JdbcKeyStorage.
        storage.tenants().createTenant(ACME, CREATED);
        storage.tenants().createTenant(GLOBEX, CREATED);
    }

    @Override
    public TenantKeyStore testee() {
        return storage.tenantKeyStore();
    }
}
