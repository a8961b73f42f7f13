package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.Statements.insertIfAbsent;
import static dev.tresor.keys.jdbc.Statements.prepare;
import static dev.tresor.keys.jdbc.Statements.update;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.IssuanceLocks;
import dev.tresor.keys.spi.LifecycleStorage;

/**
 * Tenant CAs, issued keys and CRLs in tables {@code tresor_cas}, {@code tresor_issued_keys} and {@code tresor_crls}.
 * No write here announces a {@code StorageChange}: no node caches these rows ({@code CachingKeyStorage} passes them
 * through), so every node reads them fresh.
 *
 * <p>{@link #withIssuanceLock} holds, in this order: the key's lock in this JVM ({@link IssuanceLocks}), one of
 * {@code lockHolders} places, and the key's row of {@code tresor_issuance_locks} {@code FOR UPDATE} in a transaction
 * of a connection of its own, which ends after the work. The JVM lock lets only one thread per key and node wait on the
 * database; the places keep that many pool connections at most for holding or awaiting locks, so that the work (and
 * the mail path) always find a connection of the rest: the pool needs more than {@code lockHolders} connections. Waits
 * for another node's holder are bounded by {@link #DATABASE_LOCK_WAIT}.
 */
final class JdbcLifecycleStorage implements LifecycleStorage {
    /** How long a node waits for another node's issuer of the same key before it gives up: key generation takes ~1 s. */
    static final Duration DATABASE_LOCK_WAIT = Duration.ofSeconds(60);

    private static final String ISSUED_COLUMNS = "kind, id, address, fingerprint, issued_at, not_after, status, "
        + "revoked_at, reason_code, renewed_by";

    private final JdbcDatabase database;
    private final IssuanceLocks localLocks = new IssuanceLocks();
    private final Semaphore lockHolders;
    private final String insertCa;
    private final String insertCrl;
    private final String insertLock;

    JdbcLifecycleStorage(JdbcDatabase database, int lockHolders) {
        if (lockHolders < 1) {
            throw new IllegalArgumentException("At least one connection must be allowed to hold issuance locks: "
                + lockHolders);
        }
        this.database = database;
        this.lockHolders = new Semaphore(lockHolders, true);
        this.insertCa = database.dialect().insertIfAbsent("tresor_cas",
            List.of("tenant", "certificate", "chain", "protected_key", "settings", "generated", "created_at"),
            List.of("tenant"));
        this.insertCrl = database.dialect().insertIfAbsent("tresor_crls",
            List.of("tenant", "number", "crl", "this_update", "next_update"), List.of("tenant"));
        this.insertLock = database.dialect().insertIfAbsent("tresor_issuance_locks",
            List.of("tenant", "kind", "address"), List.of("tenant", "kind", "address"));
    }

    @Override
    public boolean insertCa(TenantId tenant, CaRow ca) {
        return database.write("store the CA of " + tenant, () -> new UnknownTenantException(tenant),
            connection -> insertIfAbsent(connection, insertCa, tenant.asString(), ca.certificate(),
                CertificateRows.encodeChain(ca.chain()), ca.protectedKey(), ca.settings(), ca.generated(),
                ca.createdAt()) > 0);
    }

    @Override
    public Optional<CaRow> ca(TenantId tenant) {
        return database.run("read the CA of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection, "SELECT certificate, chain, protected_key, settings, "
                + "generated, created_at FROM tresor_cas WHERE tenant = ?", tenant.asString());
                 ResultSet rows = statement.executeQuery()) {
                return rows.next()
                    ? Optional.of(new CaRow(rows.getBytes(1), CertificateRows.decodeChain(rows.getBytes(2)),
                        rows.getBytes(3), rows.getString(4), rows.getBoolean(5), Timestamps.get(rows, "created_at")))
                    : Optional.<CaRow>empty();
            }
        });
    }

    @Override
    public boolean updateCaSettings(TenantId tenant, String settings) {
        return database.write("change the CA settings of " + tenant, null,
            connection -> update(connection, "UPDATE tresor_cas SET settings = ? WHERE tenant = ?", settings,
                tenant.asString()) > 0);
    }

    @Override
    public List<TenantId> tenantsWithCa() {
        return database.run("list the tenants with a CA", connection -> {
            List<TenantId> tenants = new ArrayList<>();
            for (String tenant : JdbcDatabase.strings(connection, "SELECT tenant FROM tresor_cas ORDER BY tenant")) {
                tenants.add(TenantId.of(tenant));
            }
            return List.copyOf(tenants);
        });
    }

    @Override
    public void addIssued(TenantId tenant, IssuedRow row) {
        database.write("register issued " + row.kind() + " key " + row.id() + " of " + tenant,
            () -> new UnknownTenantException(tenant), connection -> {
                try {
                    return update(connection, "INSERT INTO tresor_issued_keys (tenant, " + ISSUED_COLUMNS + ") "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tenant.asString(), row.kind(), row.id(),
                        row.address(), row.fingerprint(), row.issuedAt(), row.notAfter(), row.status(),
                        row.revokedAt().orElse(null), row.reasonCode().orElse(null), row.renewedBy());
                } catch (SQLException e) {
                    if (Statements.isUniqueViolation(e)) {
                        throw new IllegalStateException("Tenant '" + tenant + "' has issued " + row.kind() + " key "
                            + row.id() + " already");
                    }
                    throw e;
                }
            });
    }

    @Override
    public Optional<IssuedRow> issued(TenantId tenant, String kind, String id) {
        return selectIssued("read issued " + kind + " key " + id + " of " + tenant,
            "WHERE tenant = ? AND kind = ? AND id = ?", tenant.asString(), kind, id).stream().findFirst();
    }

    @Override
    public List<IssuedRow> issued(TenantId tenant, Optional<String> address) {
        if (address.isPresent()) {
            return selectIssued("list the keys issued to " + address.get() + " of " + tenant,
                "WHERE tenant = ? AND address = ? ORDER BY issued_at, kind, id", tenant.asString(), address.get());
        }
        return selectIssued("list the keys issued by " + tenant, "WHERE tenant = ? ORDER BY issued_at, kind, id",
            tenant.asString());
    }

    @Override
    public List<IssuedRow> activeExpiringBefore(TenantId tenant, Instant before) {
        return selectIssued("list the active keys of " + tenant + " expiring before " + before,
            "WHERE tenant = ? AND status = ? AND not_after < ? ORDER BY not_after, kind, id", tenant.asString(),
            KeyStatus.ACTIVE.name(), before);
    }

    @Override
    public List<IssuedRow> revoked(TenantId tenant, String kind) {
        return selectIssued("list the revoked " + kind + " keys of " + tenant,
            "WHERE tenant = ? AND kind = ? AND status = ? ORDER BY revoked_at, id", tenant.asString(), kind,
            KeyStatus.REVOKED.name());
    }

    @Override
    public boolean markRevoked(TenantId tenant, String kind, String id, Instant at, int reasonCode) {
        return database.write("revoke " + kind + " key " + id + " of " + tenant, null,
            connection -> update(connection, "UPDATE tresor_issued_keys SET status = ?, revoked_at = ?, reason_code = ? "
                    + "WHERE tenant = ? AND kind = ? AND id = ? AND status <> ?", KeyStatus.REVOKED.name(), at, reasonCode,
                tenant.asString(), kind, id, KeyStatus.REVOKED.name()) > 0);
    }

    @Override
    public boolean markSuperseded(TenantId tenant, String kind, String id, String renewedBy) {
        return database.write("mark " + kind + " key " + id + " of " + tenant + " renewed", null,
            connection -> update(connection, "UPDATE tresor_issued_keys SET status = ?, renewed_by = ? "
                    + "WHERE tenant = ? AND kind = ? AND id = ? AND status = ?", KeyStatus.SUPERSEDED.name(), renewedBy,
                tenant.asString(), kind, id, KeyStatus.ACTIVE.name()) > 0);
    }

    /**
     * Each statement is atomic and the row, once there, only grows its number: replace a lower one, else add the
     * first, else (another node added it meanwhile) replace that one if it is lower.
     */
    @Override
    public boolean putCrl(TenantId tenant, CrlRow crl) {
        return database.write("store CRL " + crl.number() + " of " + tenant, () -> new UnknownTenantException(tenant),
            connection -> replaceLowerCrl(connection, tenant, crl)
                || insertIfAbsent(connection, insertCrl, tenant.asString(), crl.number(), crl.crl(), crl.thisUpdate(),
                    crl.nextUpdate()) > 0
                || replaceLowerCrl(connection, tenant, crl));
    }

    private static boolean replaceLowerCrl(Connection connection, TenantId tenant, CrlRow crl) throws SQLException {
        return update(connection, "UPDATE tresor_crls SET number = ?, crl = ?, this_update = ?, next_update = ? "
                + "WHERE tenant = ? AND number < ?", crl.number(), crl.crl(), crl.thisUpdate(), crl.nextUpdate(),
            tenant.asString(), crl.number()) > 0;
    }

    @Override
    public Optional<CrlRow> crl(TenantId tenant) {
        return database.run("read the CRL of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection,
                "SELECT number, crl, this_update, next_update FROM tresor_crls WHERE tenant = ?", tenant.asString());
                 ResultSet rows = statement.executeQuery()) {
                return rows.next()
                    ? Optional.of(new CrlRow(rows.getLong(1), rows.getBytes(2), Timestamps.get(rows, "this_update"),
                        Timestamps.get(rows, "next_update")))
                    : Optional.<CrlRow>empty();
            }
        });
    }

    @Override
    public <T> T withIssuanceLock(TenantId tenant, String kind, String address, Supplier<T> work) {
        return localLocks.withLock(tenant, kind, address, () -> {
            lockHolders.acquireUninterruptibly();
            try {
                return withDatabaseLock(tenant, kind, address, work);
            } finally {
                lockHolders.release();
            }
        });
    }

    private <T> T withDatabaseLock(TenantId tenant, String kind, String address, Supplier<T> work) {
        String operation = "lock issuance of " + kind + " keys to " + address + " of " + tenant;
        return database.write(operation, () -> new UnknownTenantException(tenant), connection -> {
            // committed on its own, so that every node finds the row to wait on; a row another node added is fine
            insertIfAbsent(connection, insertLock, tenant.asString(), kind, address);
            connection.setAutoCommit(false);
            try {
                T result = database.dialect().waitingForLocksUpTo(DATABASE_LOCK_WAIT, connection, () -> {
                    lockRow(connection, tenant, kind, address);
                    return work.get();
                });
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackAfter(e, connection);
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        });
    }

    private static void lockRow(Connection connection, TenantId tenant, String kind, String address) throws SQLException {
        try (PreparedStatement statement = prepare(connection, "SELECT tenant FROM tresor_issuance_locks "
            + "WHERE tenant = ? AND kind = ? AND address = ? FOR UPDATE", tenant.asString(), kind, address);
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new SQLException("The issuance lock row of " + kind + " keys to " + address + " of " + tenant
                    + " vanished: rows of tresor_issuance_locks must not be deleted");
            }
        }
    }

    private static void rollbackAfter(Throwable failure, Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private List<IssuedRow> selectIssued(String operation, String where, Object... parameters) {
        return database.run(operation, connection -> {
            try (PreparedStatement statement = prepare(connection,
                "SELECT " + ISSUED_COLUMNS + " FROM tresor_issued_keys " + where, parameters);
                 ResultSet rows = statement.executeQuery()) {
                List<IssuedRow> issued = new ArrayList<>();
                while (rows.next()) {
                    issued.add(readIssued(rows));
                }
                return List.copyOf(issued);
            }
        });
    }

    private static IssuedRow readIssued(ResultSet row) throws SQLException {
        long reasonCode = row.getLong("reason_code");
        Optional<Integer> reason = row.wasNull() ? Optional.empty() : Optional.of((int) reasonCode);
        return new IssuedRow(row.getString("kind"), row.getString("id"), row.getString("address"),
            row.getString("fingerprint"), Timestamps.get(row, "issued_at"), Timestamps.get(row, "not_after"),
            row.getString("status"), optionalInstant(row, "revoked_at"), reason,
            Optional.ofNullable(row.getString("renewed_by")));
    }

    private static Optional<Instant> optionalInstant(ResultSet row, String column) throws SQLException {
        return row.getObject(column) == null ? Optional.empty() : Optional.of(Timestamps.get(row, column));
    }
}
