package dev.tresor.keys.webadmin;

import java.util.List;

/** A tenant, the domains it owns and the tenants whose public certificates it may use (federation grantors). */
public final class TenantResponse {
    private final String tenant;
    private final List<String> domains;
    private final List<String> federationGrantors;

    TenantResponse(String tenant, List<String> domains, List<String> federationGrantors) {
        this.tenant = tenant;
        this.domains = List.copyOf(domains);
        this.federationGrantors = List.copyOf(federationGrantors);
    }

    public String getTenant() {
        return tenant;
    }

    public List<String> getDomains() {
        return domains;
    }

    public List<String> getFederationGrantors() {
        return federationGrantors;
    }
}
