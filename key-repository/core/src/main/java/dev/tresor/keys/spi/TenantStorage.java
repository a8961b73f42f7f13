package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.tresor.keys.TenantId;

/**
 * Tenants, the domains each owns, and federation grants (grantee may read grantor's public certificates and
 * keys).
 * One of the vaults of a {@link KeyStorage}, under its rules.
 */
public interface TenantStorage {
    /** @return false if the tenant already existed */
    boolean createTenant(TenantId tenant, Instant createdAt);

    boolean tenantExists(TenantId tenant);

    /** Every tenant, in {@link TenantId} order. */
    List<TenantId> allTenants();

    /**
     * Maps a normalised domain that no tenant owns to {@code tenant}; never takes it from another tenant (that is
     * {@link #moveDomain}). Atomic: of two tenants mapping the same free domain at once, one gets it.
     *
     * @return the tenant owning the domain afterwards: {@code tenant}, or the other tenant that already had it
     * @throws dev.tresor.keys.UnknownTenantException if {@code tenant} does not exist and the domain is free
     */
    TenantId mapDomain(String domain, TenantId tenant);

    /**
     * Moves a normalised domain from the tenant that owns it to another one, only if {@code from} owns it at that
     * moment (compare and set).
     *
     * @return false, changing nothing, if {@code from} does not own the domain
     * @throws dev.tresor.keys.UnknownTenantException if {@code to} does not exist
     */
    boolean moveDomain(String domain, TenantId from, TenantId to);

    /** @return false if the domain was not mapped */
    boolean unmapDomain(String domain);

    Optional<TenantId> tenantOfDomain(String domain);

    List<String> domainsOf(TenantId tenant);

    // federation: grantee may read grantor's public certificates and keys

    void grant(TenantId grantor, TenantId grantee);

    /** @return false if there was no such grant */
    boolean revokeGrant(TenantId grantor, TenantId grantee);

    Set<TenantId> grantorsOf(TenantId grantee);

    Set<TenantId> granteesOf(TenantId grantor);
}
