package dev.tresor.keys.spi;

import java.util.Optional;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.TenantId;

/**
 * Private keys, one per certificate the tenant holds, encrypted by the key protection layer.
 * One of the vaults of a {@link KeyStorage}, under its rules.
 */
public interface PrivateKeyStorage {
    /** Stores or replaces the private key of a certificate the tenant holds. */
    void putPrivateKey(TenantId tenant, Fingerprint certificate, byte[] protectedBlob);

    Optional<byte[]> privateKey(TenantId tenant, Fingerprint certificate);
}
