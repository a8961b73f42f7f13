package dev.tresor.keys.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import dev.tresor.keys.spi.StorageChange;

/**
 * The few places where H2 2.x and PostgreSQL 15+ need different SQL. Everything else, the schema scripts included,
 * is written once in the SQL both understand.
 */
public enum SqlDialect {
    /**
     * H2 2.x in its regular mode. Inserts that may find their row present are plain inserts whose duplicate-key error
     * callers read as "already there" (H2 rolls back the failed statement only, not the transaction); upserts use
     * H2's {@code MERGE ... KEY}. The schema lock is a row of {@code tresor_schema_lock} held {@code FOR UPDATE}.
     */
    H2("23506") {
        // Not a standard MERGE with USING (VALUES (?, ...)): H2 types those parameters as VARCHAR and would store
        // binary values as their UTF-8 decoding.
        @Override
        String insertIfAbsent(String table, List<String> columns, List<String> key) {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders(columns) + ")";
        }

        @Override
        String upsert(String table, List<String> columns, List<String> key) {
            return "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", key)
                + ") VALUES (" + placeholders(columns) + ")";
        }

        @Override
        void lockSchema(Connection connection) throws SQLException {
            // H2 commits before every DDL statement, so the lock lives in a transaction of a connection of its own.
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS tresor_schema_lock (id INT NOT NULL PRIMARY KEY)");
                try {
                    statement.executeUpdate("INSERT INTO tresor_schema_lock (id) VALUES (1)");
                } catch (SQLException e) {
                    if (!Statements.isUniqueViolation(e)) {
                        throw e;
                    }
                    // another start inserted (and committed) the lock row first
                }
                connection.setAutoCommit(false);
                try (ResultSet row = statement.executeQuery("SELECT id FROM tresor_schema_lock WHERE id = 1 FOR UPDATE")) {
                    if (!row.next()) {
                        throw new SQLException("The row of tresor_schema_lock is missing: it must not be deleted");
                    }
                }
            }
        }

        /** H2's lock timeout is a setting of the session, which goes back to the pool afterwards: restored. */
        @Override
        <T> T waitingForLocksUpTo(Duration timeout, Connection connection, Statements.Work<T> work) throws SQLException {
            int previous;
            try (Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("SELECT LOCK_TIMEOUT()")) {
                row.next();
                previous = row.getInt(1);
            }
            setLockTimeout(connection, timeout.toMillis());
            try {
                return work.run();
            } finally {
                setLockTimeout(connection, previous);
            }
        }

        private void setLockTimeout(Connection connection, long millis) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCK_TIMEOUT " + millis);
            }
        }
    },

    /**
     * PostgreSQL 15 or newer. {@code INSERT ... ON CONFLICT} for inserts and upserts; the schema lock is a
     * transaction-scoped advisory lock, so it needs no table and is released even if the node dies.
     */
    POSTGRESQL("23503") {
        /** Key of the advisory lock serialising schema migrations, "tresor" in ASCII. */
        private static final long SCHEMA_LOCK = 0x747265736f72L;

        @Override
        String insertIfAbsent(String table, List<String> columns, List<String> key) {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders(columns)
                + ") ON CONFLICT (" + String.join(", ", key) + ") DO NOTHING";
        }

        @Override
        String upsert(String table, List<String> columns, List<String> key) {
            return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders(columns)
                + ") ON CONFLICT (" + String.join(", ", key) + ") DO UPDATE SET "
                + columns.stream().filter(column -> !key.contains(column))
                    .map(column -> column + " = EXCLUDED." + column)
                    .collect(Collectors.joining(", "));
        }

        @Override
        void lockSchema(Connection connection) throws SQLException {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.executeQuery("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")").close();
            }
        }

        /** {@code SET LOCAL}: the transaction's own setting, gone at its end. */
        @Override
        <T> T waitingForLocksUpTo(Duration timeout, Connection connection, Statements.Work<T> work) throws SQLException {
            if (connection.getAutoCommit()) {
                throw new IllegalStateException("A lock timeout is set for a transaction: begin one first");
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL lock_timeout = " + timeout.toMillis());
            }
            return work.run();
        }

        @Override
        boolean announcesChanges() {
            return true;
        }

        /**
         * {@code NOTIFY} on {@link PostgresChangeListener#CHANNEL}, the payload followed by the schema, so that nodes
         * of other schemas on the same database ignore it. PostgreSQL delivers it when (and only if) the transaction
         * commits, and once per distinct payload per transaction.
         */
        @Override
        void announce(Connection connection, StorageChange change) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_notify('" + PostgresChangeListener.CHANNEL + "', ? || ' ' || coalesce(current_schema(), ''))")) {
                statement.setString(1, change.asText());
                statement.executeQuery().close();
            }
        }
    };

    private final String foreignKeyViolation;

    SqlDialect(String foreignKeyViolation) {
        this.foreignKeyViolation = foreignKeyViolation;
    }

    /**
     * An insert that adds nothing when a row with the same {@code key} exists: PostgreSQL then counts 0 rows, H2
     * fails the statement with a unique violation (SQL state 23505), which callers read as 0 rows.
     */
    abstract String insertIfAbsent(String table, List<String> columns, List<String> key);

    /** An insert that replaces the other columns of a row with the same {@code key}. */
    abstract String upsert(String table, List<String> columns, List<String> key);

    /**
     * Blocks until this connection holds the lock that serialises schema migrations across every node sharing the
     * database, and keeps it until the connection's transaction ends.
     */
    abstract void lockSchema(Connection connection) throws SQLException;

    /**
     * Runs {@code work} on {@code connection}, inside its transaction, with waits for a row another transaction holds
     * bounded by {@code timeout} rather than by the connection's usual limit (H2: the {@code LOCK_TIMEOUT} of the URL,
     * PostgreSQL: none). Afterwards the connection waits as it did before.
     */
    abstract <T> T waitingForLocksUpTo(Duration timeout, Connection connection, Statements.Work<T> work)
        throws SQLException;

    /** Whether {@link #announce} tells other nodes anything: H2 is embedded, no other node shares it. */
    boolean announcesChanges() {
        return false;
    }

    /** Tells the nodes sharing the database, when the connection's transaction commits, what it changed. */
    void announce(Connection connection, StorageChange change) throws SQLException {
        throw new UnsupportedOperationException(this + " has no other nodes to tell");
    }

    /** Whether the failure is an insert referring to a missing row (an unknown tenant or certificate). */
    boolean isMissingReference(SQLException failure) {
        for (SQLException e = failure; e != null; e = e.getNextException()) {
            if (foreignKeyViolation.equals(e.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String placeholders(List<String> columns) {
        return columns.stream().map(any -> "?").collect(Collectors.joining(", "));
    }
}
