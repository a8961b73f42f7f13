package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.Statements.update;

import java.util.List;
import java.util.Optional;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.PrivateKeyStorage;
import dev.tresor.keys.spi.StorageChange;

/**
 * Private keys, as the key protection layer sealed them, in table {@code tresor_private_keys}: a row may only
 * belong to a certificate of its own tenant.
 */
final class JdbcPrivateKeyStorage implements PrivateKeyStorage {
    private final JdbcDatabase database;
    private final String upsertPrivateKey;

    JdbcPrivateKeyStorage(JdbcDatabase database) {
        this.database = database;
        this.upsertPrivateKey = database.dialect().upsert("tresor_private_keys",
            List.of("tenant", "fingerprint", "protected_blob"), List.of("tenant", "fingerprint"));
    }

    @Override
    public void putPrivateKey(TenantId tenant, Fingerprint certificate, byte[] protectedBlob) {
        database.change("store the private key of " + certificate + " of " + tenant,
            () -> database.tenantExists(tenant)
                ? new IllegalArgumentException("Tenant '" + tenant + "' holds no certificate " + certificate)
                : new UnknownTenantException(tenant),
            connection -> update(connection, upsertPrivateKey, tenant.asString(), certificate.asString(), protectedBlob),
            always -> true, StorageChange.tenant(tenant));
    }

    @Override
    public Optional<byte[]> privateKey(TenantId tenant, Fingerprint certificate) {
        return database.blob("read the private key of " + certificate + " of " + tenant,
            "SELECT protected_blob FROM tresor_private_keys WHERE tenant = ? AND fingerprint = ?",
            tenant.asString(), certificate.asString());
    }
}
