package dev.tresor.keys;

import java.util.List;
import java.util.Optional;

import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;
import dev.tresor.keys.policy.PolicyVersion;
import dev.tresor.keys.policy.TenantPolicies;

/**
 * Each tenant's policies: what must happen to which mail. Every change is kept (history per scope) and written to the
 * tenant's audit log ({@link AuditEvent.Operation#SET_POLICY}, {@link AuditEvent.Operation#REMOVE_POLICY}) with who
 * made it.
 */
public interface PolicyVault {

    /**
     * Sets (replaces) the settings of one scope, as a new version.
     *
     * @throws IllegalArgumentException if the scope cannot hold one of the fields
     * @throws UnknownTenantException if the tenant does not exist
     */
    PolicyVersion set(TenantId tenant, PolicyScope scope, PolicySettings settings, String changedBy);

    /** @return false if the scope had no settings */
    boolean remove(TenantId tenant, PolicyScope scope, String changedBy);

    Optional<PolicySettings> get(TenantId tenant, PolicyScope scope);

    /** Every current scope of the tenant, ready to resolve a mail's policy (what a mail's path asks, cached). */
    TenantPolicies of(TenantId tenant);

    /** Every version of one scope, newest first (removals included). */
    List<PolicyVersion> history(TenantId tenant, PolicyScope scope);
}
