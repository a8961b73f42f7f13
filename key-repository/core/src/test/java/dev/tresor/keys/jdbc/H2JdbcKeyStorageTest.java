package dev.tresor.keys.jdbc;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.junit.jupiter.api.io.TempDir;

class H2JdbcKeyStorageTest implements JdbcKeyStorageContract {
    @TempDir
    Path directory;

    @Override
    public JdbcKeyStorage openStorage() {
        return JdbcKeyStorage.h2(directory.resolve("keys"));
    }

    @Override
    public DataSource database() {
        return TestDatabases.h2(directory.resolve("keys"));
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.H2;
    }
}
