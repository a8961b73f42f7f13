package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.List;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.TenantId;

/**
 * The certificates a tenant trusts as roots of S/MIME signature chains.
 * One of the vaults of a {@link KeyStorage}, under its rules.
 */
public interface TrustAnchorStorage {
    /** @return false if the tenant already trusts this certificate */
    boolean insertTrustAnchor(TenantId tenant, Fingerprint fingerprint, byte[] der, Instant addedAt);

    List<byte[]> trustAnchors(TenantId tenant);

    boolean deleteTrustAnchor(TenantId tenant, Fingerprint fingerprint);
}
