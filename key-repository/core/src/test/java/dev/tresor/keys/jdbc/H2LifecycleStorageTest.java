package dev.tresor.keys.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.spi.KeyStorage;

class H2LifecycleStorageTest implements SharedLifecycleStorageContract {
    @TempDir
    static Path directory;

    private static JdbcKeyStorage storage;
    private static JdbcKeyStorage otherNode;

    @BeforeAll
    static void open() {
        storage = JdbcKeyStorage.h2(directory.resolve("keys"));
        otherNode = JdbcKeyStorage.h2(directory.resolve("keys"));
    }

    @AfterAll
    static void close() {
        otherNode.close();
        storage.close();
    }

    @BeforeEach
    void empty() throws Exception {
        TestDatabases.deleteAllRows(TestDatabases.h2(directory.resolve("keys")));
    }

    /** The lock connection returns to the pool: it must wait for rows as every other connection of the pool does. */
    @Test
    void waitingForTheIssuanceLockShouldRestoreTheConnectionsLockTimeout() throws Exception {
        try (Connection connection = TestDatabases.h2(directory.resolve("keys")).getConnection()) {
            connection.setAutoCommit(false);

            int inside = SqlDialect.H2.waitingForLocksUpTo(Duration.ofSeconds(42), connection, () -> lockTimeout(connection));

            assertThat(inside).isEqualTo(42_000);
            assertThat(lockTimeout(connection)).isEqualTo(10_000);
            connection.rollback();
        }
    }

    private static int lockTimeout(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT LOCK_TIMEOUT()")) {
            row.next();
            return row.getInt(1);
        }
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
