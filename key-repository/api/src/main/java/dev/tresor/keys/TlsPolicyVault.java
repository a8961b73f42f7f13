package dev.tresor.keys;

import java.util.Map;
import java.util.Optional;

/**
 * Each tenant's TLS policies for the recipient domains it sends to: "mail to bank.example only over verified TLS".
 * Domains are normalised (lower case, IDN as punycode, no trailing dot), so {@code Bank.Example.} and
 * {@code bank.example} name one policy.
 */
public interface TlsPolicyVault {

    /** Sets or replaces the tenant's policy for the domain. */
    void set(TenantId tenant, String domain, TlsPolicy policy);

    Optional<TlsPolicy> get(TenantId tenant, String domain);

    /** Every policy of the tenant, by domain in alphabetical order. */
    Map<String, TlsPolicy> all(TenantId tenant);

    /** @return false if the tenant had no policy for the domain */
    boolean remove(TenantId tenant, String domain);
}
