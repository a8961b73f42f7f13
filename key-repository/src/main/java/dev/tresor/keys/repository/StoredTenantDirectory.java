package dev.tresor.keys.repository;

import java.time.Clock;
import java.util.List;
import java.util.Set;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantDirectory;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.spi.KeyStorage;

final class StoredTenantDirectory implements TenantDirectory {
    private final KeyStorage storage;
    private final Clock clock;

    StoredTenantDirectory(KeyStorage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    @Override
    public boolean create(TenantId tenant) {
        return storage.createTenant(tenant, clock.instant());
    }

    @Override
    public boolean exists(TenantId tenant) {
        return storage.tenantExists(tenant);
    }

    @Override
    public List<TenantId> list() {
        return storage.tenants();
    }

    @Override
    public void mapDomain(String domain, TenantId tenant) {
        storage.mapDomain(EmailAddress.normaliseDomain(domain), tenant);
    }

    @Override
    public boolean unmapDomain(String domain) {
        return storage.unmapDomain(EmailAddress.normaliseDomain(domain));
    }

    @Override
    public TenantId tenantOf(String domain) {
        String normalised = EmailAddress.normaliseDomain(domain);
        return storage.tenantOfDomain(normalised).orElseGet(() -> TenantId.of(normalised));
    }

    @Override
    public List<String> domains(TenantId tenant) {
        return storage.domainsOf(tenant);
    }

    @Override
    public void grantFederation(TenantId grantor, TenantId grantee) {
        if (grantor.equals(grantee)) {
            throw new IllegalArgumentException("A tenant cannot federate with itself: " + grantor);
        }
        storage.grant(grantor, grantee);
    }

    @Override
    public boolean revokeFederation(TenantId grantor, TenantId grantee) {
        return storage.revokeGrant(grantor, grantee);
    }

    @Override
    public Set<TenantId> federatedWith(TenantId grantee) {
        return storage.grantorsOf(grantee);
    }
}
