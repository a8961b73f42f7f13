package dev.tresor.keys.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.KeyStorageContract;

class PostgresKeyStorageTest implements KeyStorageContract {
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
    void empty() throws Exception {
        TestDatabases.deleteAllRows(schema.dataSource());
    }

    @Override
    public KeyStorage storage() {
        return storage;
    }
}
