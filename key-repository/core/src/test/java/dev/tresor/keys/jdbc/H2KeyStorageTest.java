package dev.tresor.keys.jdbc;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.KeyStorageContract;

class H2KeyStorageTest implements KeyStorageContract {
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
    void empty() throws Exception {
        TestDatabases.deleteAllRows(TestDatabases.h2(directory.resolve("keys")));
    }

    @Override
    public KeyStorage storage() {
        return storage;
    }
}
