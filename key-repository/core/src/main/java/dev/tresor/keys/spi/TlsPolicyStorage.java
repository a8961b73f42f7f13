package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;

import dev.tresor.keys.TenantId;

/**
 * TLS policies per normalised recipient domain, in their one-line form ({@code TlsPolicy#asString}).
 * One of the vaults of a {@link KeyStorage}, under its rules.
 */
public interface TlsPolicyStorage {
    void putTlsPolicy(TenantId tenant, String domain, String policy, Instant updatedAt);

    Optional<String> tlsPolicy(TenantId tenant, String domain);

    /** Every policy of the tenant, ordered by domain. */
    SortedMap<String, String> tlsPolicies(TenantId tenant);

    /** @return false if the tenant had no policy for the domain */
    boolean deleteTlsPolicy(TenantId tenant, String domain);
}
