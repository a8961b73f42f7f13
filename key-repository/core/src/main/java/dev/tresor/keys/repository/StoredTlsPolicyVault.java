package dev.tresor.keys.repository;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TlsPolicy;
import dev.tresor.keys.TlsPolicyVault;
import dev.tresor.keys.spi.TlsPolicyStorage;

/**
 * TLS policies stored in their one-line form. A stored line that no longer parses is an error, never "no policy":
 * reading it as absent would let mail leave with less protection than the admin set.
 */
final class StoredTlsPolicyVault implements TlsPolicyVault {
    private final TlsPolicyStorage storage;
    private final Clock clock;

    StoredTlsPolicyVault(TlsPolicyStorage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    @Override
    public void set(TenantId tenant, String domain, TlsPolicy policy) {
        storage.putTlsPolicy(tenant, EmailAddress.normaliseDomain(domain), policy.asString(), clock.instant());
    }

    @Override
    public Optional<TlsPolicy> get(TenantId tenant, String domain) {
        String normalised = EmailAddress.normaliseDomain(domain);
        return storage.tlsPolicy(tenant, normalised).map(line -> parse(tenant, normalised, line));
    }

    @Override
    public Map<String, TlsPolicy> all(TenantId tenant) {
        Map<String, TlsPolicy> policies = new LinkedHashMap<>();
        storage.tlsPolicies(tenant).forEach((domain, line) -> policies.put(domain, parse(tenant, domain, line)));
        return policies;
    }

    @Override
    public boolean remove(TenantId tenant, String domain) {
        return storage.deleteTlsPolicy(tenant, EmailAddress.normaliseDomain(domain));
    }

    private static TlsPolicy parse(TenantId tenant, String domain, String line) {
        try {
            return TlsPolicy.parse(line);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The stored TLS policy of tenant " + tenant.asString() + " for " + domain
                + " is unreadable: " + e.getMessage(), e);
        }
    }
}
