package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.JdbcDatabase.strings;
import static dev.tresor.keys.jdbc.Statements.insertIfAbsent;
import static dev.tresor.keys.jdbc.Statements.update;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.StorageChange;
import dev.tresor.keys.spi.TenantStorage;

/**
 * Tenants, their domains and federation grants in tables {@code tresor_tenants}, {@code tresor_domains} and
 * {@code tresor_grants}.
 */
final class JdbcTenantStorage implements TenantStorage {
    private final JdbcDatabase database;
    private final String insertTenant;
    private final String insertDomain;
    private final String insertGrant;

    JdbcTenantStorage(JdbcDatabase database) {
        this.database = database;
        this.insertTenant = database.dialect().insertIfAbsent("tresor_tenants", List.of("tenant", "created_at"), List.of("tenant"));
        this.insertDomain = database.dialect().insertIfAbsent("tresor_domains", List.of("domain", "tenant"), List.of("domain"));
        this.insertGrant = database.dialect().insertIfAbsent("tresor_grants", List.of("grantee", "grantor"),
            List.of("grantee", "grantor"));
    }

    @Override
    public boolean createTenant(TenantId tenant, Instant createdAt) {
        return database.change("create tenant " + tenant, null,
            connection -> insertIfAbsent(connection, insertTenant, tenant.asString(), createdAt) > 0,
            Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    @Override
    public boolean tenantExists(TenantId tenant) {
        return database.tenantExists(tenant);
    }

    @Override
    public List<TenantId> allTenants() {
        // Sorted here, not by the database, whose collation may not sort like TenantId.
        return database.run("list tenants", connection -> strings(connection, "SELECT tenant FROM tresor_tenants")).stream()
            .map(TenantId::of)
            .sorted()
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public TenantId mapDomain(String domain, TenantId tenant) {
        return database.change("map domain " + domain, () -> new UnknownTenantException(tenant), connection -> {
            // The owner can unmap it between our insert and our read; then the domain is free again: try again.
            while (true) {
                insertIfAbsent(connection, insertDomain, domain, tenant.asString());
                Optional<String> owner = strings(connection, "SELECT tenant FROM tresor_domains WHERE domain = ?", domain)
                    .stream()
                    .findFirst();
                if (owner.isPresent()) {
                    return TenantId.of(owner.get());
                }
            }
        }, owner -> owner.equals(tenant), StorageChange.domain(domain));
    }

    @Override
    public boolean moveDomain(String domain, TenantId from, TenantId to) {
        return database.change("move domain " + domain, () -> new UnknownTenantException(to),
            connection -> update(connection, "UPDATE tresor_domains SET tenant = ? WHERE domain = ? AND tenant = ?",
                to.asString(), domain, from.asString()) > 0, Boolean::booleanValue, StorageChange.domain(domain));
    }

    @Override
    public boolean unmapDomain(String domain) {
        return database.change("unmap domain " + domain, null,
            connection -> update(connection, "DELETE FROM tresor_domains WHERE domain = ?", domain) > 0,
            Boolean::booleanValue, StorageChange.domain(domain));
    }

    @Override
    public Optional<TenantId> tenantOfDomain(String domain) {
        return database.run("look up domain " + domain,
            connection -> strings(connection, "SELECT tenant FROM tresor_domains WHERE domain = ?", domain)).stream()
            .findFirst()
            .map(TenantId::of);
    }

    @Override
    public List<String> domainsOf(TenantId tenant) {
        return database.run("list domains of " + tenant,
            connection -> strings(connection, "SELECT domain FROM tresor_domains WHERE tenant = ?", tenant.asString()))
            .stream()
            .sorted()
            .collect(Collectors.toUnmodifiableList());
    }

    // federation

    @Override
    public void grant(TenantId grantor, TenantId grantee) {
        database.change("grant " + grantee + " the directory of " + grantor,
            () -> new UnknownTenantException(database.tenantExists(grantor) ? grantee : grantor),
            connection -> insertIfAbsent(connection, insertGrant, grantee.asString(), grantor.asString()) > 0,
            Boolean::booleanValue, StorageChange.tenant(grantee), StorageChange.tenant(grantor));
    }

    @Override
    public boolean revokeGrant(TenantId grantor, TenantId grantee) {
        return database.change("revoke the grant of " + grantor + " to " + grantee, null,
            connection -> update(connection, "DELETE FROM tresor_grants WHERE grantee = ? AND grantor = ?",
                grantee.asString(), grantor.asString()) > 0,
            Boolean::booleanValue, StorageChange.tenant(grantee), StorageChange.tenant(grantor));
    }

    @Override
    public Set<TenantId> grantorsOf(TenantId grantee) {
        return tenantSet(database.run("list grantors of " + grantee, connection ->
            strings(connection, "SELECT grantor FROM tresor_grants WHERE grantee = ?", grantee.asString())));
    }

    @Override
    public Set<TenantId> granteesOf(TenantId grantor) {
        return tenantSet(database.run("list grantees of " + grantor, connection ->
            strings(connection, "SELECT grantee FROM tresor_grants WHERE grantor = ?", grantor.asString())));
    }

    private static Set<TenantId> tenantSet(List<String> tenants) {
        return tenants.stream().map(TenantId::of).collect(Collectors.toUnmodifiableSet());
    }
}
