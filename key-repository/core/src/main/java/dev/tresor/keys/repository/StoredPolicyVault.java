package dev.tresor.keys.repository;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.AuditLog;
import dev.tresor.keys.PolicyVault;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;
import dev.tresor.keys.policy.PolicyVersion;
import dev.tresor.keys.policy.TenantPolicies;
import dev.tresor.keys.spi.PolicyStorage;

/**
 * Policies stored as versions of {@code field=value} lines. A stored version that no longer parses is an error, never
 * "no policy": reading it as absent would let mail leave with less protection than the admin set.
 */
final class StoredPolicyVault implements PolicyVault {
    private final PolicyStorage storage;
    private final AuditLog audit;
    private final Clock clock;

    StoredPolicyVault(PolicyStorage storage, AuditLog audit, Clock clock) {
        this.storage = storage;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public PolicyVersion set(TenantId tenant, PolicyScope scope, PolicySettings settings, String changedBy) {
        settings.checkFor(scope);
        Instant now = clock.instant();
        int version = storage.appendPolicy(tenant, scope.asString(), Optional.of(write(settings)), now, changedBy);
        audit.append(AuditEvent.of(now, tenant, AuditEvent.Operation.SET_POLICY)
            .withDetail(scope.asString() + " v" + version + " " + settings + " by " + changedBy));
        return new PolicyVersion(scope, version, Optional.of(settings), now, changedBy);
    }

    @Override
    public boolean remove(TenantId tenant, PolicyScope scope, String changedBy) {
        if (!storage.currentPolicies(tenant).containsKey(scope.asString())) {
            return false;
        }
        Instant now = clock.instant();
        int version = storage.appendPolicy(tenant, scope.asString(), Optional.empty(), now, changedBy);
        audit.append(AuditEvent.of(now, tenant, AuditEvent.Operation.REMOVE_POLICY)
            .withDetail(scope.asString() + " v" + version + " removed by " + changedBy));
        return true;
    }

    @Override
    public Optional<PolicySettings> get(TenantId tenant, PolicyScope scope) {
        return Optional.ofNullable(storage.currentPolicies(tenant).get(scope.asString()))
            .map(text -> read(tenant, scope, text));
    }

    @Override
    public TenantPolicies of(TenantId tenant) {
        Map<PolicyScope, PolicySettings> scopes = new LinkedHashMap<>();
        storage.currentPolicies(tenant).forEach((text, settings) -> {
            PolicyScope scope = scope(tenant, text);
            scopes.put(scope, read(tenant, scope, settings));
        });
        try {
            return TenantPolicies.of(scopes);
        } catch (IllegalArgumentException e) {
            throw unreadable(tenant, "policies", e);
        }
    }

    @Override
    public List<PolicyVersion> history(TenantId tenant, PolicyScope scope) {
        return storage.policyHistory(tenant, scope.asString()).stream()
            .map(row -> new PolicyVersion(scope, row.version(),
                row.settings().map(text -> read(tenant, scope, text)), row.changedAt(), row.changedBy()))
            .collect(Collectors.toList());
    }

    /** One {@code field=value} line per set field; values never hold a line break (PolicySettings refuses them). */
    static String write(PolicySettings settings) {
        return settings.toMap().entrySet().stream()
            .map(entry -> entry.getKey() + "=" + entry.getValue())
            .collect(Collectors.joining("\n"));
    }

    /** The stored settings, checked as {@link #set} checked them: a field the scope cannot hold is unreadable too. */
    static PolicySettings read(TenantId tenant, PolicyScope scope, String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int equals = line.indexOf('=');
            if (equals <= 0) {
                throw unreadable(tenant, scope.asString(),
                    new IllegalArgumentException("line without field name: " + line));
            }
            fields.put(line.substring(0, equals), line.substring(equals + 1));
        }
        try {
            return PolicySettings.fromMap(fields).checkFor(scope);
        } catch (IllegalArgumentException e) {
            throw unreadable(tenant, scope.asString(), e);
        }
    }

    private static PolicyScope scope(TenantId tenant, String text) {
        try {
            return PolicyScope.parse(text);
        } catch (IllegalArgumentException e) {
            throw unreadable(tenant, text, e);
        }
    }

    private static IllegalStateException unreadable(TenantId tenant, String scope, IllegalArgumentException cause) {
        return new IllegalStateException("The stored policy " + scope + " of tenant " + tenant.asString()
            + " is unreadable: " + cause.getMessage(), cause);
    }
}
