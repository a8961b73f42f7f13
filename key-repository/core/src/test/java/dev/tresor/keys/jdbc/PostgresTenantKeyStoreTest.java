package dev.tresor.keys.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import dev.tresor.keys.protection.TenantKeyStore;
import dev.tresor.keys.protection.TenantKeyStoreContract;

class PostgresTenantKeyStoreTest implements TenantKeyStoreContract {
    private static PostgresSchema schema;
    private static JdbcKeyStorage storage;

    @BeforeAll
    static void open() throws Exception {
        schema = PostgresSchema.create();
        storage = schema.openStorage();
    }

    @AfterAll
    static void close() throws Exception {
        storage.close();
        schema.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        TestDatabases.deleteAllRows(schema.dataSource());
        // Tenant keys belong to existing tenants, like every row of a JdbcKeyStorage.
        storage.tenants().createTenant(ACME, CREATED);
        storage.tenants().createTenant(GLOBEX, CREATED);
    }

    @Override
    public TenantKeyStore testee() {
        return storage.tenantKeyStore();
    }
}
