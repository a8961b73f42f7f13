package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.Statements.insertIfAbsent;
import static dev.tresor.keys.jdbc.Statements.prepare;
import static dev.tresor.keys.jdbc.Statements.update;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.StorageChange;
import dev.tresor.keys.spi.TrustAnchorStorage;

/**
 * Trust anchors in table {@code tresor_trust_anchors}.
 */
final class JdbcTrustAnchorStorage implements TrustAnchorStorage {
    private final JdbcDatabase database;
    private final String insertTrustAnchor;

    JdbcTrustAnchorStorage(JdbcDatabase database) {
        this.database = database;
        this.insertTrustAnchor = database.dialect().insertIfAbsent("tresor_trust_anchors",
            List.of("tenant", "fingerprint", "der", "added_at"), List.of("tenant", "fingerprint"));
    }

    @Override
    public boolean insertTrustAnchor(TenantId tenant, Fingerprint fingerprint, byte[] der, Instant addedAt) {
        return database.change("add trust anchor " + fingerprint + " to " + tenant, () -> new UnknownTenantException(tenant),
            connection -> insertIfAbsent(connection, insertTrustAnchor, tenant.asString(), fingerprint.asString(), der,
                addedAt) > 0, Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    @Override
    public List<byte[]> trustAnchors(TenantId tenant) {
        return database.run("list trust anchors of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection,
                "SELECT der FROM tresor_trust_anchors WHERE tenant = ? ORDER BY tenant, fingerprint", tenant.asString());
                 ResultSet rows = statement.executeQuery()) {
                List<byte[]> anchors = new ArrayList<>();
                while (rows.next()) {
                    anchors.add(rows.getBytes(1));
                }
                return List.copyOf(anchors);
            }
        });
    }

    @Override
    public boolean deleteTrustAnchor(TenantId tenant, Fingerprint fingerprint) {
        return database.change("remove trust anchor " + fingerprint + " of " + tenant, null,
            connection -> update(connection, "DELETE FROM tresor_trust_anchors WHERE tenant = ? AND fingerprint = ?",
                tenant.asString(), fingerprint.asString()) > 0, Boolean::booleanValue, StorageChange.tenant(tenant));
    }
}
