package dev.tresor.keys.policy;

import java.util.Objects;

/** What incoming mail from one partner must have, resolved through the partner scopes ({@link TenantPolicies#inbound}). */
public final class InboundPolicy {
    private final boolean requireSignature;
    private final boolean requireEncryption;
    private final boolean requireTls;
    private final InboundAction action;
    private final PolicyScope decidedBy;

    InboundPolicy(boolean requireSignature, boolean requireEncryption, boolean requireTls, InboundAction action,
                  PolicyScope decidedBy) {
        this.requireSignature = requireSignature;
        this.requireEncryption = requireEncryption;
        this.requireTls = requireTls;
        this.action = Objects.requireNonNull(action);
        this.decidedBy = Objects.requireNonNull(decidedBy);
    }

    public boolean requireSignature() {
        return requireSignature;
    }

    public boolean requireEncryption() {
        return requireEncryption;
    }

    public boolean requireTls() {
        return requireTls;
    }

    public boolean requiresAnything() {
        return requireSignature || requireEncryption || requireTls;
    }

    public InboundAction action() {
        return action;
    }

    /** The most specific scope that set any inbound field ({@code default} when none did). */
    public PolicyScope decidedBy() {
        return decidedBy;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof InboundPolicy)) {
            return false;
        }
        InboundPolicy other = (InboundPolicy) o;
        return requireSignature == other.requireSignature && requireEncryption == other.requireEncryption
            && requireTls == other.requireTls && action == other.action && decidedBy.equals(other.decidedBy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(requireSignature, requireEncryption, requireTls, action, decidedBy);
    }

    @Override
    public String toString() {
        return "requireSignature=" + requireSignature + " requireEncryption=" + requireEncryption + " requireTls="
            + requireTls + " action=" + action.asString() + " decidedBy=" + decidedBy;
    }
}
