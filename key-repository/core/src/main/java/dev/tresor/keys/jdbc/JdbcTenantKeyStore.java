package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.Statements.insertIfAbsent;
import static dev.tresor.keys.jdbc.Statements.prepare;
import static dev.tresor.keys.jdbc.Statements.update;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.protection.KeyProtectionException;
import dev.tresor.keys.protection.TenantKeyStore;
import dev.tresor.keys.protection.WrappedTenantKey;

/**
 * Wrapped tenant keys in table {@code tresor_tenant_keys}, next to the keys they protect; obtained from
 * {@link JdbcKeyStorage#tenantKeyStore()}. Its primary key (tenant, version) decides which of several nodes adding
 * the same version wins. A tenant key can only be added for an existing tenant.
 */
final class JdbcTenantKeyStore implements TenantKeyStore {
    private static final String SELECT = "SELECT tenant, version, master_key_id, wrapped, created_at FROM tresor_tenant_keys ";

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final String insert;

    JdbcTenantKeyStore(DataSource dataSource, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.insert = dialect.insertIfAbsent("tresor_tenant_keys",
            List.of("tenant", "version", "master_key_id", "wrapped", "created_at"), List.of("tenant", "version"));
    }

    @Override
    public List<WrappedTenantKey> tenantKeys(TenantId tenant) {
        return select("read the tenant keys of " + tenant, SELECT + "WHERE tenant = ? ORDER BY version", tenant.asString());
    }

    /** @throws UnknownTenantException if the key's tenant does not exist */
    @Override
    public boolean add(WrappedTenantKey key) {
        try (Connection connection = dataSource.getConnection()) {
            return insertIfAbsent(connection, insert, key.tenant().asString(), key.version(), key.masterKeyId(),
                key.wrapped(), key.created()) > 0;
        } catch (SQLException e) {
            if (dialect.isMissingReference(e)) {
                throw new UnknownTenantException(key.tenant());
            }
            throw new JdbcStorageException("add tenant key version " + key.version() + " of " + key.tenant(), e);
        }
    }

    @Override
    public List<WrappedTenantKey> all() {
        return select("read all tenant keys", SELECT);
    }

    @Override
    public void replace(WrappedTenantKey key) {
        int replaced;
        try (Connection connection = dataSource.getConnection()) {
            replaced = update(connection, "UPDATE tresor_tenant_keys SET master_key_id = ?, wrapped = ?, created_at = ? "
                + "WHERE tenant = ? AND version = ?", key.masterKeyId(), key.wrapped(), key.created(),
                key.tenant().asString(), key.version());
        } catch (SQLException e) {
            throw new JdbcStorageException("replace tenant key version " + key.version() + " of " + key.tenant(), e);
        }
        if (replaced == 0) {
            throw new KeyProtectionException("Tenant " + key.tenant() + " has no tenant key version " + key.version()
                + " to replace");
        }
    }

    private List<WrappedTenantKey> select(String operation, String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            List<WrappedTenantKey> keys = new ArrayList<>();
            while (rows.next()) {
                keys.add(WrappedTenantKey.of(TenantId.of(rows.getString("tenant")), rows.getInt("version"),
                    rows.getString("master_key_id"), rows.getBytes("wrapped"), Timestamps.get(rows, "created_at")));
            }
            return List.copyOf(keys);
        } catch (SQLException e) {
            throw new JdbcStorageException(operation, e);
        }
    }
}
