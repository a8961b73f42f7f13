package dev.tresor.keys.jdbc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import dev.tresor.keys.spi.KeyStorage;

class PostgresLifecycleStorageTest implements SharedLifecycleStorageContract {
    private static PostgresSchema schema;
    private static JdbcKeyStorage storage;
    private static JdbcKeyStorage otherNode;

    @BeforeAll
    static void open() throws Exception {
        schema = PostgresSchema.create();
        storage = schema.openStorage();
        otherNode = schema.openStorage();
    }

    @AfterAll
    static void close() throws Exception {
        otherNode.close();
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

    @Override
    public KeyStorage otherNode() {
        return otherNode;
    }
}
