package dev.tresor.keys.jdbc;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * A schema of its own on the test PostgreSQL, dropped with everything in it on {@link #close()}, so that test runs
 * (and tests) never see each other's rows. The server is {@code 127.0.0.1:5432}, database {@code test}, user
 * {@code postgres} without password, unless system properties {@code tresor.test.postgres.url},
 * {@code .user} and {@code .password} say otherwise. An unreachable server fails the tests: CI starts one.
 */
final class PostgresSchema implements AutoCloseable {
    static final String URL = System.getProperty("tresor.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = System.getProperty("tresor.test.postgres.user", "postgres");
    static final String PASSWORD = System.getProperty("tresor.test.postgres.password", "");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String name;

    private PostgresSchema(String name) {
        this.name = name;
    }

    static PostgresSchema create() throws SQLException {
        PostgresSchema schema = new PostgresSchema("tresor_test_" + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE));
        execute("CREATE SCHEMA " + schema.name);
        return schema;
    }

    /** The JDBC URL whose connections use this schema. */
    String url() {
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + name;
    }

    JdbcKeyStorage openStorage() {
        return JdbcKeyStorage.postgres(url(), USER, PASSWORD);
    }

    /** Unpooled connections to this schema. */
    DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url());
        dataSource.setUser(USER);
        dataSource.setPassword(PASSWORD);
        return dataSource;
    }

    @Override
    public void close() throws SQLException {
        execute("DROP SCHEMA " + name + " CASCADE");
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
