package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.Statements.prepare;
import static dev.tresor.keys.jdbc.Statements.update;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.PolicyStorage;
import dev.tresor.keys.spi.StorageChange;

/**
 * Policies in table {@code tresor_policies}, one row per version of a scope. The next version number is taken in
 * the insert itself; two admins changing one scope at the same instant make one of them fail on the primary key
 * rather than overwrite the other silently.
 */
final class JdbcPolicyStorage implements PolicyStorage {
    private final JdbcDatabase database;

    JdbcPolicyStorage(JdbcDatabase database) {
        this.database = database;
    }

    @Override
    public int appendPolicy(TenantId tenant, String scope, Optional<String> settings, Instant changedAt,
                            String changedBy) {
        return database.change("store policy " + scope + " of " + tenant, () -> new UnknownTenantException(tenant),
            connection -> {
                update(connection, "INSERT INTO tresor_policies (tenant, scope, version, settings, changed_at, changed_by) "
                        + "SELECT ?, ?, COALESCE(MAX(version), 0) + 1, ?, ?, ? FROM tresor_policies "
                        + "WHERE tenant = ? AND scope = ?",
                    tenant.asString(), scope, settings.orElse(null), changedAt, changedBy, tenant.asString(), scope);
                try (PreparedStatement statement = prepare(connection,
                    "SELECT MAX(version) FROM tresor_policies WHERE tenant = ? AND scope = ?", tenant.asString(), scope);
                     ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getInt(1);
                }
            }, always -> true, StorageChange.tenant(tenant));
    }

    @Override
    public SortedMap<String, String> currentPolicies(TenantId tenant) {
        return database.run("read the policies of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection,
                "SELECT p.scope, p.settings FROM tresor_policies p WHERE p.tenant = ? AND p.version = "
                    + "(SELECT MAX(q.version) FROM tresor_policies q WHERE q.tenant = p.tenant AND q.scope = p.scope)",
                tenant.asString());
                 ResultSet rows = statement.executeQuery()) {
                SortedMap<String, String> current = new TreeMap<>();
                while (rows.next()) {
                    String settings = rows.getString(2);
                    if (settings != null) {
                        current.put(rows.getString(1), settings);
                    }
                }
                return current;
            }
        });
    }

    @Override
    public List<PolicyRow> policyHistory(TenantId tenant, String scope) {
        return database.run("read the history of policy " + scope + " of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection,
                "SELECT version, settings, changed_at, changed_by FROM tresor_policies WHERE tenant = ? AND scope = ? "
                    + "ORDER BY version DESC", tenant.asString(), scope);
                 ResultSet rows = statement.executeQuery()) {
                List<PolicyRow> history = new ArrayList<>();
                while (rows.next()) {
                    history.add(new PolicyRow(scope, rows.getInt(1), Optional.ofNullable(rows.getString(2)),
                        Timestamps.get(rows, "changed_at"), rows.getString(4)));
                }
                return history;
            }
        });
    }
}
