package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.Statements.prepare;
import static dev.tresor.keys.jdbc.Statements.update;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.StorageChange;
import dev.tresor.keys.spi.TlsPolicyStorage;

/**
 * TLS policies in table {@code tresor_tls_policies}.
 */
final class JdbcTlsPolicyStorage implements TlsPolicyStorage {
    private final JdbcDatabase database;
    private final String upsertTlsPolicy;

    JdbcTlsPolicyStorage(JdbcDatabase database) {
        this.database = database;
        this.upsertTlsPolicy = database.dialect().upsert("tresor_tls_policies",
            List.of("tenant", "domain", "policy", "updated_at"), List.of("tenant", "domain"));
    }

    @Override
    public void putTlsPolicy(TenantId tenant, String domain, String policy, Instant updatedAt) {
        database.change("store the TLS policy for " + domain + " of " + tenant, () -> new UnknownTenantException(tenant),
            connection -> update(connection, upsertTlsPolicy, tenant.asString(), domain, policy, updatedAt),
            always -> true, StorageChange.tenant(tenant));
    }

    @Override
    public Optional<String> tlsPolicy(TenantId tenant, String domain) {
        return database.run("read the TLS policy for " + domain + " of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection,
                "SELECT policy FROM tresor_tls_policies WHERE tenant = ? AND domain = ?", tenant.asString(), domain);
                 ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
            }
        });
    }

    @Override
    public SortedMap<String, String> tlsPolicies(TenantId tenant) {
        return database.run("list the TLS policies of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection,
                "SELECT domain, policy FROM tresor_tls_policies WHERE tenant = ? ORDER BY tenant, domain", tenant.asString());
                 ResultSet rows = statement.executeQuery()) {
                SortedMap<String, String> policies = new TreeMap<>();
                while (rows.next()) {
                    policies.put(rows.getString(1), rows.getString(2));
                }
                return policies;
            }
        });
    }

    @Override
    public boolean deleteTlsPolicy(TenantId tenant, String domain) {
        return database.change("remove the TLS policy for " + domain + " of " + tenant, null,
            connection -> update(connection, "DELETE FROM tresor_tls_policies WHERE tenant = ? AND domain = ?",
                tenant.asString(), domain) > 0, Boolean::booleanValue, StorageChange.tenant(tenant));
    }
}
