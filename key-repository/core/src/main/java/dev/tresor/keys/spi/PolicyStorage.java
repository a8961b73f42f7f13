package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

import dev.tresor.keys.TenantId;

/**
 * Policies as versioned rows: per tenant and scope (its one-word form, {@code PolicyScope#asString}) an append-only
 * list of versions 1, 2, …, each holding the settings as text ({@code field=value} lines in field order) or nothing
 * when that version removed the scope. The current settings of a scope are its newest version's.
 * One of the vaults of a {@link KeyStorage}, under its rules.
 */
public interface PolicyStorage {

    /** One stored version. */
    final class PolicyRow {
        private final String scope;
        private final int version;
        private final Optional<String> settings;
        private final Instant changedAt;
        private final String changedBy;

        public PolicyRow(String scope, int version, Optional<String> settings, Instant changedAt, String changedBy) {
            this.scope = scope;
            this.version = version;
            this.settings = settings;
            this.changedAt = changedAt;
            this.changedBy = changedBy;
        }

        public String scope() {
            return scope;
        }

        public int version() {
            return version;
        }

        /** Empty: this version removed the scope. */
        public Optional<String> settings() {
            return settings;
        }

        public Instant changedAt() {
            return changedAt;
        }

        public String changedBy() {
            return changedBy;
        }
    }

    /**
     * Appends the next version of the scope.
     *
     * @param settings empty to record that the scope was removed
     * @return the version number given to it
     */
    int appendPolicy(TenantId tenant, String scope, Optional<String> settings, Instant changedAt, String changedBy);

    /** The settings of every scope whose newest version is not a removal, ordered by scope. */
    SortedMap<String, String> currentPolicies(TenantId tenant);

    /** Every version of the scope, newest first; empty if it never had one. */
    List<PolicyRow> policyHistory(TenantId tenant, String scope);
}
