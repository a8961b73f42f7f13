package dev.tresor.keys.jdbc;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/** Running one parameterised statement, and transactions, the same way for every table of this package. */
final class Statements {
    private static final String UNIQUE_VIOLATION = "23505";

    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    private Statements() {
    }

    /**
     * Prepares {@code sql} with its parameters bound: Strings, byte arrays, Integers, Instants (see
     * {@link Timestamps}) and Optional Strings (empty as NULL).
     */
    static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        return bind(connection.prepareStatement(sql), parameters);
    }

    /** {@link #prepare} for an insert whose generated {@code generatedKeys} columns are read afterwards. */
    static PreparedStatement prepare(Connection connection, String sql, String[] generatedKeys, Object... parameters)
        throws SQLException {
        return bind(connection.prepareStatement(sql, generatedKeys), parameters);
    }

    static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    /**
     * Runs an {@link SqlDialect#insertIfAbsent} statement.
     *
     * @return 0 if the row was there
     */
    static int insertIfAbsent(Connection connection, String sql, Object... parameters) throws SQLException {
        try {
            return update(connection, sql, parameters);
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return 0;
            }
            throw e;
        }
    }

    /** Runs {@code work} in a transaction; inside a transaction already begun, as part of that one. */
    static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        if (!connection.getAutoCommit()) {
            return work.run();
        }
        connection.setAutoCommit(false);
        try {
            T result = work.run();
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * Executes a batch of {@link SqlDialect#insertIfAbsent} statements.
     *
     * @return the update count of each, 0 or less for a row that was there
     */
    static int[] executeInsertIfAbsentBatch(PreparedStatement statement, int size) throws SQLException {
        try {
            return statement.executeBatch();
        } catch (BatchUpdateException e) {
            // H2 runs the whole batch and reports each duplicate as a failed statement (EXECUTE_FAILED).
            if (e.getUpdateCounts() != null && e.getUpdateCounts().length == size && onlyUniqueViolations(e)) {
                return e.getUpdateCounts();
            }
            throw e;
        }
    }

    static boolean isUniqueViolation(SQLException failure) {
        return UNIQUE_VIOLATION.equals(failure.getSQLState());
    }

    private static boolean onlyUniqueViolations(BatchUpdateException failure) {
        for (SQLException e = failure.getNextException(); e != null; e = e.getNextException()) {
            if (!isUniqueViolation(e)) {
                return false;
            }
        }
        return failure.getNextException() != null || isUniqueViolation(failure);
    }

    /** Binds the parameters as {@link #prepare} does, onto a statement prepared once for a batch. */
    static PreparedStatement bind(PreparedStatement statement, Object... parameters) throws SQLException {
        try {
            for (int i = 0; i < parameters.length; i++) {
                Object parameter = parameters[i];
                if (parameter instanceof Instant) {
                    Timestamps.set(statement, i + 1, (Instant) parameter);
                } else if (parameter instanceof Optional) {
                    Optional<?> optional = (Optional<?>) parameter;
                    if (optional.isPresent()) {
                        statement.setString(i + 1, (String) optional.get());
                    } else {
                        statement.setNull(i + 1, Types.VARCHAR);
                    }
                } else {
                    statement.setObject(i + 1, parameter);
                }
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
