package dev.tresor.tls;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TlsPolicy;

/**
 * TLS policies written in configuration: {@code bank.example: verify min=TLSv1.3; partner.example: encrypt}, one
 * {@code domain: policy} per entry, entries separated by semicolons.
 */
public final class TlsPolicies {
    private final Map<String, TlsPolicy> byDomain;

    private TlsPolicies(Map<String, TlsPolicy> byDomain) {
        this.byDomain = Map.copyOf(byDomain);
    }

    public static TlsPolicies none() {
        return new TlsPolicies(Map.of());
    }

    /** @throws IllegalArgumentException naming the entry that is not {@code domain: policy} */
    public static TlsPolicies parse(String text) {
        Map<String, TlsPolicy> policies = new LinkedHashMap<>();
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("'" + entry.trim() + "' is not 'domain: policy'");
            }
            String domain;
            try {
                domain = EmailAddress.normaliseDomain(entry.substring(0, colon));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid domain in '" + entry.trim() + "': " + e.getMessage(), e);
            }
            TlsPolicy policy;
            try {
                policy = TlsPolicy.parse(entry.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid policy for " + domain + ": " + e.getMessage(), e);
            }
            if (policies.put(domain, policy) != null) {
                throw new IllegalArgumentException("Two policies for " + domain);
            }
        }
        return new TlsPolicies(policies);
    }

    public Optional<TlsPolicy> forDomain(String domain) {
        return Optional.ofNullable(byDomain.get(EmailAddress.normaliseDomain(domain)));
    }
}
