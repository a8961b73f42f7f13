package dev.tresor.keys.repository;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.AuditEvent.Operation;
import dev.tresor.keys.AuditLog;
import dev.tresor.keys.DomainName;
import dev.tresor.keys.DomainOwnershipException;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantDirectory;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.spi.TenantStorage;

final class StoredTenantDirectory implements TenantDirectory {
    private final TenantStorage storage;
    private final AuditLog audit;
    private final Clock clock;

    StoredTenantDirectory(TenantStorage storage, AuditLog audit, Clock clock) {
        this.storage = storage;
        this.audit = audit;
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
        return storage.allTenants();
    }

    @Override
    public void mapDomain(String domain, TenantId tenant) {
        String canonical = DomainName.canonical(domain);
        Optional<TenantId> before = storage.tenantOfDomain(canonical);
        TenantId owner = storage.mapDomain(canonical, tenant);
        if (!owner.equals(tenant)) {
            throw new DomainOwnershipException(canonical, Optional.of(owner), "Domain '" + canonical
                + "' belongs to tenant '" + owner.asString() + "'; mapping it to '" + tenant.asString()
                + "' would move it, and with it the keys that protect its mail: move it explicitly");
        }
        if (before.isEmpty()) {
            record(tenant, Operation.MAP_DOMAIN, "domain " + canonical + " mapped");
        }
    }

    @Override
    public void moveDomain(String domain, TenantId from, TenantId to) {
        String canonical = DomainName.canonical(domain);
        if (from.equals(to) && storage.tenantOfDomain(canonical).equals(Optional.of(from))) {
            return;
        }
        if (!storage.moveDomain(canonical, from, to)) {
            Optional<TenantId> owner = storage.tenantOfDomain(canonical);
            throw new DomainOwnershipException(canonical, owner, "Domain '" + canonical + "' is not owned by tenant '"
                + from.asString() + "': " + owner.map(other -> "tenant '" + other.asString() + "' owns it")
                .orElse("no tenant owns it"));
        }
        record(from, Operation.UNMAP_DOMAIN, "domain " + canonical + " moved to tenant " + to.asString());
        record(to, Operation.MAP_DOMAIN, "domain " + canonical + " moved from tenant " + from.asString());
    }

    @Override
    public boolean unmapDomain(String domain) {
        String normalised = EmailAddress.normaliseDomain(domain);
        Optional<TenantId> owner = storage.tenantOfDomain(normalised);
        if (!storage.unmapDomain(normalised)) {
            return false;
        }
        owner.ifPresent(tenant -> record(tenant, Operation.UNMAP_DOMAIN, "domain " + normalised + " unmapped"));
        return true;
    }

    private void record(TenantId tenant, Operation operation, String detail) {
        audit.append(AuditEvent.of(clock.instant(), tenant, operation).withDetail(detail));
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
