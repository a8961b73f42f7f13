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

    /** Gives the domain to the tenant (moving it from another tenant if needed). */
    void mapDomain(String domain, TenantId tenant);

    /** @return false if the domain was not mapped */
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
