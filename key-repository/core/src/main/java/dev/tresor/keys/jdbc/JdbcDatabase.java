package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.Statements.inTransaction;
import static dev.tresor.keys.jdbc.Statements.prepare;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.spi.StorageChange;

/**
 * What every vault of a {@link JdbcKeyStorage} shares: the pool, the dialect, and the way a statement runs, fails and
 * tells other nodes of a change. A vault's write that other nodes cache must go through {@link #change}, so that its
 * {@code NOTIFY} is sent in the write's own transaction.
 */
final class JdbcDatabase {
    private final DataSource dataSource;
    private final SqlDialect dialect;

    JdbcDatabase(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    SqlDialect dialect() {
        return dialect;
    }

    Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    /** Whether the tenant exists: what a write asks to tell an unknown tenant from another missing reference. */
    boolean tenantExists(TenantId tenant) {
        return run("check tenant " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection, "SELECT 1 FROM tresor_tenants WHERE tenant = ?",
                tenant.asString()); ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        });
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    <T> T run(String operation, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new JdbcStorageException(operation, e);
        }
    }

    /**
     * Runs a write whose foreign keys may find a tenant (or certificate) missing; {@code missing} says which (null: a
     * write that refers to nothing).
     */
    <T> T write(String operation, Supplier<RuntimeException> missing, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            if (missing != null && dialect.isMissingReference(e)) {
                throw missing.get();
            }
            throw new JdbcStorageException(operation, e);
        }
    }

    /**
     * A {@link #write} that other nodes must hear of: on PostgreSQL, {@code changes} are announced in the write's own
     * transaction when {@code changedSomething} says the write changed a row, so that they are heard after the commit
     * and only then. H2 has nobody to tell.
     */
    <T> T change(String operation, Supplier<RuntimeException> missing, SqlWork<T> work,
                         Predicate<? super T> changedSomething, StorageChange... changes) {
        if (!dialect.announcesChanges()) {
            return write(operation, missing, work);
        }
        return write(operation, missing, connection -> inTransaction(connection, () -> {
            T result = work.run(connection);
            if (changedSomething.test(result)) {
                for (StorageChange change : changes) {
                    dialect.announce(connection, change);
                }
            }
            return result;
        }));
    }

    Optional<byte[]> blob(String operation, String sql, Object... parameters) {
        return run(operation, connection -> {
            try (PreparedStatement statement = prepare(connection, sql, parameters);
                 ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
            }
        });
    }

    static List<String> strings(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    static int requireLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("A limit must not be negative: " + limit);
        }
        return limit;
    }

    /**
     * {@code (?, ...)} for the tenants, whose ids it adds to {@code parameters}. IN (?, ...) rather than = ANY(array),
     * which H2 cannot look up in an (address, tenant) index; padded to a power of two with the last tenant again, so
     * that a few statements serve every count.
     */
    static String tenantList(Collection<TenantId> tenants, List<Object> parameters) {
        List<String> tenantIds = tenants.stream().map(TenantId::asString).distinct().collect(Collectors.toList());
        int placeholders = Integer.highestOneBit(tenantIds.size() * 2 - 1);
        parameters.addAll(tenantIds);
        for (int padding = tenantIds.size(); padding < placeholders; padding++) {
            parameters.add(tenantIds.get(tenantIds.size() - 1));
        }
        return "(" + String.join(", ", Collections.nCopies(placeholders, "?")) + ")";
    }
}
