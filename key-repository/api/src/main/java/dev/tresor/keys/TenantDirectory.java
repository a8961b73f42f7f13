package dev.tresor.keys;

import java.util.List;
import java.util.Set;

/**
 * Tenants, the domains they own, and the federation grants between them.
 *
 * <p>A domain that no tenant owns is its own tenant: {@code tenantOf("partner.example")} is the tenant
 * {@code partner.example}, whose vault is empty until someone creates it. James domain aliases are resolved to their
 * domain by the caller before asking ({@code dev.tresor.keys.james.TenantResolver}).
 */
public interface TenantDirectory {

    /** @return false if it existed already */
    boolean create(TenantId tenant);

    boolean exists(TenantId tenant);

    List<TenantId> list();

    /**
     * Gives a domain that no tenant owns to the tenant, in its canonical form ({@link DomainName}); does nothing if
     * the tenant owns it already. Never takes a domain from another tenant: that would silently change whose keys
     * protect the domain's mail (see {@link #moveDomain}). Recorded in the tenant's audit log.
     *
     * @throws IllegalArgumentException if {@code domain} is not a host name
     * @throws DomainOwnershipException if another tenant owns the domain ({@link DomainOwnershipException#owner()})
     * @throws UnknownTenantException if the tenant does not exist
     */
    void mapDomain(String domain, TenantId tenant);

    /**
     * Moves a domain, deliberately, from the tenant that owns it to another: mail of the domain is then protected
     * with the new tenant's keys only. Recorded in both tenants' audit logs. Does nothing if {@code from} and
     * {@code to} are the same tenant and it owns the domain.
     *
     * @throws IllegalArgumentException if {@code domain} is not a host name
     * @throws DomainOwnershipException if {@code from} does not own the domain (another tenant or none does)
     * @throws UnknownTenantException if {@code to} does not exist
     */
    void moveDomain(String domain, TenantId from, TenantId to);

    /**
     * Takes the domain from its tenant: it is its own tenant again. Recorded in that tenant's audit log.
     *
     * @return false if the domain was not mapped
     */
    boolean unmapDomain(String domain);

    /** The tenant owning the domain: the mapped one, or the domain itself as a tenant. */
    TenantId tenantOf(String domain);

    List<String> domains(TenantId tenant);

    /** Lets {@code grantee} use the public certificates and keys of {@code grantor}. Nothing else crosses. */
    void grantFederation(TenantId grantor, TenantId grantee);

    boolean revokeFederation(TenantId grantor, TenantId grantee);

    /** The tenants whose public directory {@code grantee} may use. */
    Set<TenantId> federatedWith(TenantId grantee);
}
