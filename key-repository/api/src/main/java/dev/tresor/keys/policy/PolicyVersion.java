package dev.tresor.keys.policy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a scope's history: the settings it had from {@code time} on (empty: the scope was removed), the
 * version number (1, 2, … per tenant and scope) and who changed it.
 */
public final class PolicyVersion {
    private final PolicyScope scope;
    private final int version;
    private final Optional<PolicySettings> settings;
    private final Instant time;
    private final String changedBy;

    public PolicyVersion(PolicyScope scope, int version, Optional<PolicySettings> settings, Instant time,
                         String changedBy) {
        this.scope = Objects.requireNonNull(scope);
        this.version = version;
        this.settings = Objects.requireNonNull(settings);
        this.time = Objects.requireNonNull(time);
        this.changedBy = Objects.requireNonNull(changedBy);
    }

    public PolicyScope scope() {
        return scope;
    }

    public int version() {
        return version;
    }

    /** The settings from this version on; empty when this version removed the scope. */
    public Optional<PolicySettings> settings() {
        return settings;
    }

    public Instant time() {
        return time;
    }

    /** Who made the change (the WebAdmin token's subject, or "admin" without authentication). */
    public String changedBy() {
        return changedBy;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PolicyVersion)) {
            return false;
        }
        PolicyVersion other = (PolicyVersion) o;
        return version == other.version && scope.equals(other.scope) && settings.equals(other.settings)
            && time.equals(other.time) && changedBy.equals(other.changedBy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scope, version, settings, time, changedBy);
    }

    @Override
    public String toString() {
        return scope + " v" + version + " " + settings.map(Object::toString).orElse("(removed)") + " at " + time
            + " by " + changedBy;
    }
}
