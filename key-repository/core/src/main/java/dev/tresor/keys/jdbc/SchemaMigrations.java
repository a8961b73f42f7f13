package dev.tresor.keys.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the newest schema at start, like Flyway in miniature: the scripts not yet recorded in
 * {@code tresor_schema_version} are applied in version order, each in its own transaction together with its
 * record (with its SHA-256 checksum). A start refuses to run when a recorded script was changed afterwards or when
 * the database is newer than this code.
 *
 * <p>Nodes starting together on one database take turns: the whole check-and-apply runs under a database lock
 * ({@link SqlDialect#lockSchema}) held by a second connection, so that a script is never applied twice. H2 commits
 * before each DDL statement, so there a script that fails halfway leaves its earlier statements applied; on
 * PostgreSQL it leaves nothing.
 */
final class SchemaMigrations {
    /** The schema scripts in this package's resources, oldest first. A new schema version is a new line here. */
    static final List<String> SCRIPTS = List.of("V1__initial.sql", "V2__openpgp_keys.sql", "V3__tls_policies.sql",
        "V4__policies.sql", "V5__key_lifecycle.sql");

    private static final Logger LOGGER = LoggerFactory.getLogger(SchemaMigrations.class);

    private final List<Migration> migrations;

    SchemaMigrations(List<Migration> migrations) {
        if (migrations.stream().map(Migration::version).distinct().count() != migrations.size()) {
            throw new IllegalArgumentException("Two schema scripts share a version: " + migrations);
        }
        this.migrations = migrations.stream()
            .sorted(Comparator.comparingInt(Migration::version))
            .collect(Collectors.toUnmodifiableList());
    }

    static SchemaMigrations bundled() {
        return new SchemaMigrations(SCRIPTS.stream().map(Migration::fromResource).collect(Collectors.toList()));
    }

    /**
     * @return the migrations this call applied, none if another node (or an earlier start) had applied them all
     * @throws IllegalStateException when an applied script was changed or the database is newer than this code
     */
    List<Migration> migrate(DataSource dataSource, SqlDialect dialect) throws SQLException {
        try (Connection lock = dataSource.getConnection()) {
            try {
                dialect.lockSchema(lock);
                try (Connection connection = dataSource.getConnection()) {
                    return migrateUnderLock(connection);
                }
            } finally {
                if (!lock.getAutoCommit()) {
                    lock.rollback();
                }
            }
        }
    }

    private List<Migration> migrateUnderLock(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS tresor_schema_version ("
                + "version INTEGER NOT NULL, "
                + "description VARCHAR NOT NULL, "
                + "applied_at TIMESTAMP WITH TIME ZONE NOT NULL, "
                + "checksum VARCHAR(64) NOT NULL, "
                + "CONSTRAINT tresor_schema_version_pk PRIMARY KEY (version))");
        }
        Map<Integer, String> applied = appliedChecksums(connection);
        verify(applied);
        List<Migration> pending = migrations.stream()
            .filter(migration -> !applied.containsKey(migration.version()))
            .collect(Collectors.toList());
        for (Migration migration : pending) {
            apply(connection, migration);
        }
        return pending;
    }

    private static Map<Integer, String> appliedChecksums(Connection connection) throws SQLException {
        Map<Integer, String> applied = new LinkedHashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version, checksum FROM tresor_schema_version ORDER BY version")) {
            while (rows.next()) {
                applied.put(rows.getInt("version"), rows.getString("checksum"));
            }
        }
        return applied;
    }

    private void verify(Map<Integer, String> applied) {
        int newestKnown = migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
        for (Map.Entry<Integer, String> entry : applied.entrySet()) {
            Migration migration = migrations.stream()
                .filter(known -> known.version() == entry.getKey())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("The database has schema version " + entry.getKey()
                    + ", which this Tresor does not know (it knows versions up to " + newestKnown
                    + "): run a Tresor at least as new as the one that upgraded the database"));
            if (!migration.checksum().equals(entry.getValue())) {
                throw new IllegalStateException("Schema script " + migration + " was changed after it was applied to "
                    + "this database (checksum recorded " + entry.getValue() + ", script now " + migration.checksum()
                    + "): restore the original script and put the change in a new script with a higher version");
            }
        }
    }

    private static void apply(Connection connection, Migration migration) throws SQLException {
        long start = System.nanoTime();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement();
             PreparedStatement record = connection.prepareStatement(
                 "INSERT INTO tresor_schema_version (version, description, applied_at, checksum) VALUES (?, ?, ?, ?)")) {
            for (String sql : migration.statements()) {
                statement.execute(sql);
            }
            record.setInt(1, migration.version());
            record.setString(2, migration.description());
            Timestamps.set(record, 3, Instant.now());
            record.setString(4, migration.checksum());
            record.executeUpdate();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw new IllegalStateException("Schema script " + migration + " failed: " + e.getMessage(), e);
        } finally {
            connection.setAutoCommit(true);
        }
        LOGGER.info("Applied schema script {} in {} ms", migration, (System.nanoTime() - start) / 1_000_000);
    }
}
