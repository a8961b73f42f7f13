package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.JdbcDatabase.requireLimit;
import static dev.tresor.keys.jdbc.JdbcDatabase.tenantList;
import static dev.tresor.keys.jdbc.Statements.inTransaction;
import static dev.tresor.keys.jdbc.Statements.insertIfAbsent;
import static dev.tresor.keys.jdbc.Statements.prepare;
import static dev.tresor.keys.jdbc.Statements.update;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.PgpKeyRecord;
import dev.tresor.keys.spi.PgpKeyStorage;
import dev.tresor.keys.spi.StorageChange;

/**
 * OpenPGP keys in table {@code tresor_pgp_keys}, their addresses and key ids in {@code tresor_pgp_key_addresses}
 * and {@code tresor_pgp_key_ids}, their sealed secret key rings in {@code tresor_pgp_secret_keys}.
 */
final class JdbcPgpKeyStorage implements PgpKeyStorage {
    private static final String SELECT_PGP_KEYS = PgpKeyRows.SELECT_JOINED + "FROM tresor_pgp_keys k " + PgpKeyRows.DETAILS_JOIN;
    private static final String SELECT_PGP_KEYS_BY_ADDRESS = PgpKeyRows.SELECT_JOINED
        + "FROM tresor_pgp_key_addresses hit "
        + "JOIN tresor_pgp_keys k ON k.tenant = hit.tenant AND k.fingerprint = hit.fingerprint "
        + PgpKeyRows.DETAILS_JOIN
        + "WHERE hit.address = ? AND hit.tenant IN ";
    private static final String SELECT_PGP_KEYS_BY_KEY_ID = PgpKeyRows.SELECT_JOINED
        + "FROM tresor_pgp_key_ids hit "
        + "JOIN tresor_pgp_keys k ON k.tenant = hit.tenant AND k.fingerprint = hit.fingerprint "
        + PgpKeyRows.DETAILS_JOIN
        + "WHERE hit.tenant = ? AND hit.key_id = ?";
    private static final String SELECT_PGP_KEYS_PAGE = PgpKeyRows.SELECT_JOINED
        + "FROM (SELECT * FROM tresor_pgp_keys WHERE tenant = ? AND fingerprint > ? "
        + "ORDER BY tenant, fingerprint FETCH FIRST ? ROWS ONLY) k " + PgpKeyRows.DETAILS_JOIN;

    private final JdbcDatabase database;
    private final String insertPgpKey;
    private final String upsertPgpSecretKey;

    JdbcPgpKeyStorage(JdbcDatabase database) {
        this.database = database;
        this.insertPgpKey = database.dialect().insertIfAbsent("tresor_pgp_keys", PgpKeyRows.COLUMNS, PgpKeyRows.KEY);
        this.upsertPgpSecretKey = database.dialect().upsert("tresor_pgp_secret_keys",
            List.of("tenant", "fingerprint", "protected_blob"), List.of("tenant", "fingerprint"));
    }

    @Override
    public boolean insertPgpKey(PgpKeyRecord key) {
        return database.change("add OpenPGP key " + key.fingerprint() + " to " + key.tenant(), () -> new UnknownTenantException(key.tenant()),
            connection -> inTransaction(connection, () -> {
                if (insertIfAbsent(connection, insertPgpKey, PgpKeyRows.values(key)) == 0) {
                    return false;
                }
                PgpKeyRows.insertDetails(connection, key);
                return true;
            }), Boolean::booleanValue, StorageChange.tenant(key.tenant()));
    }

    @Override
    public boolean updatePgpKey(PgpKeyRecord key) {
        String tenant = key.tenant().asString();
        String fingerprint = key.fingerprint().asString();
        return database.change("update OpenPGP key " + key.fingerprint() + " of " + key.tenant(), null,
            connection -> inTransaction(connection, () -> {
                if (update(connection, PgpKeyRows.UPDATE, PgpKeyRows.updateValues(key)) == 0) {
                    return false;
                }
                update(connection, "DELETE FROM tresor_pgp_key_addresses WHERE tenant = ? AND fingerprint = ?", tenant, fingerprint);
                update(connection, "DELETE FROM tresor_pgp_key_ids WHERE tenant = ? AND fingerprint = ?", tenant, fingerprint);
                PgpKeyRows.insertDetails(connection, key);
                return true;
            }), Boolean::booleanValue, StorageChange.tenant(key.tenant()));
    }

    @Override
    public Optional<PgpKeyRecord> pgpKey(TenantId tenant, PgpFingerprint fingerprint) {
        return pgpKeys("read OpenPGP key " + fingerprint + " of " + tenant,
            SELECT_PGP_KEYS + "WHERE k.tenant = ? AND k.fingerprint = ?", tenant.asString(), fingerprint.asString())
            .stream()
            .findFirst();
    }

    @Override
    public List<PgpKeyRecord> pgpKeys(TenantId tenant, Optional<PgpFingerprint> after, int limit) {
        return pgpKeys("list OpenPGP keys of " + tenant, SELECT_PGP_KEYS_PAGE, tenant.asString(),
            after.map(PgpFingerprint::asString).orElse(""), requireLimit(limit));
    }

    @Override
    public List<PgpKeyRecord> pgpKeysByAddress(Collection<TenantId> tenants, String address) {
        if (tenants.isEmpty()) {
            return List.of();
        }
        List<Object> parameters = new ArrayList<>(List.of(address));
        return pgpKeys("look up OpenPGP keys for " + address, SELECT_PGP_KEYS_BY_ADDRESS + tenantList(tenants, parameters),
            parameters.toArray());
    }

    @Override
    public List<PgpKeyRecord> pgpKeysByKeyId(TenantId tenant, long keyId) {
        return pgpKeys("look up OpenPGP keys by key id", SELECT_PGP_KEYS_BY_KEY_ID, tenant.asString(), keyId);
    }

    @Override
    public boolean updatePgpKeyStatus(TenantId tenant, PgpFingerprint fingerprint, KeyStatus status) {
        return database.change("update the status of OpenPGP key " + fingerprint + " of " + tenant, null,
            connection -> update(connection, "UPDATE tresor_pgp_keys SET status = ? WHERE tenant = ? AND fingerprint = ?",
                status.name(), tenant.asString(), fingerprint.asString()) > 0,
            Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    @Override
    public void putPgpSecretKey(TenantId tenant, PgpFingerprint fingerprint, byte[] protectedBlob) {
        database.change("store the secret key of OpenPGP key " + fingerprint + " of " + tenant,
            () -> database.tenantExists(tenant)
                ? new IllegalArgumentException("Tenant '" + tenant + "' holds no OpenPGP key " + fingerprint)
                : new UnknownTenantException(tenant),
            connection -> update(connection, upsertPgpSecretKey, tenant.asString(), fingerprint.asString(), protectedBlob),
            always -> true, StorageChange.tenant(tenant));
    }

    @Override
    public Optional<byte[]> pgpSecretKey(TenantId tenant, PgpFingerprint fingerprint) {
        return database.blob("read the secret key of OpenPGP key " + fingerprint + " of " + tenant,
            "SELECT protected_blob FROM tresor_pgp_secret_keys WHERE tenant = ? AND fingerprint = ?",
            tenant.asString(), fingerprint.asString());
    }

    private List<PgpKeyRecord> pgpKeys(String operation, String sql, Object... parameters) {
        return database.run(operation, connection -> {
            try (PreparedStatement statement = prepare(connection, sql, parameters);
                 ResultSet rows = statement.executeQuery()) {
                return PgpKeyRows.read(rows, PgpKeyRows.BY_TENANT_AND_FINGERPRINT);
            }
        });
    }
}
