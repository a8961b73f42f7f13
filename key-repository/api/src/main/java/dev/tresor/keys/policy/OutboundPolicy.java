package dev.tresor.keys.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.PgpFingerprint;

/**
 * What applies to one outgoing mail from one sender to one recipient, every field resolved through the scopes
 * ({@link TenantPolicies#outbound}). {@code decidedBy} names the scope that set the encryption, for the log and the
 * sender's notice.
 */
public final class OutboundPolicy {
    private final Encryption encryption;
    private final List<Mechanism> mechanisms;
    private final Optional<Fingerprint> gatewayCertificate;
    private final Optional<PgpFingerprint> gatewayPgpKey;
    private final Signing signing;
    private final PolicyScope decidedBy;

    OutboundPolicy(Encryption encryption, List<Mechanism> mechanisms, Optional<Fingerprint> gatewayCertificate,
                   Optional<PgpFingerprint> gatewayPgpKey, Signing signing, PolicyScope decidedBy) {
        this.encryption = Objects.requireNonNull(encryption);
        this.mechanisms = List.copyOf(mechanisms);
        this.gatewayCertificate = gatewayCertificate;
        this.gatewayPgpKey = gatewayPgpKey;
        this.signing = Objects.requireNonNull(signing);
        this.decidedBy = Objects.requireNonNull(decidedBy);
    }

    public Encryption encryption() {
        return encryption;
    }

    /** The mechanisms in order of preference; only these may protect the mail. */
    public List<Mechanism> mechanisms() {
        return mechanisms;
    }

    public Optional<Fingerprint> gatewayCertificate() {
        return gatewayCertificate;
    }

    public Optional<PgpFingerprint> gatewayPgpKey() {
        return gatewayPgpKey;
    }

    public Signing signing() {
        return signing;
    }

    /** The scope whose setting decided {@link #encryption()} ({@code default} when nothing was set at all). */
    public PolicyScope decidedBy() {
        return decidedBy;
    }

    /** The same policy, made mandatory by a trigger (a stronger setting stays). */
    public OutboundPolicy escalated() {
        if (encryption.isMandatory()) {
            return this;
        }
        List<Mechanism> order = mechanisms.isEmpty() ? PolicySettings.defaultMechanisms() : mechanisms;
        return new OutboundPolicy(Encryption.MANDATORY, order, gatewayCertificate, gatewayPgpKey, signing, decidedBy);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OutboundPolicy)) {
            return false;
        }
        OutboundPolicy other = (OutboundPolicy) o;
        return encryption == other.encryption && mechanisms.equals(other.mechanisms)
            && gatewayCertificate.equals(other.gatewayCertificate) && gatewayPgpKey.equals(other.gatewayPgpKey)
            && signing == other.signing && decidedBy.equals(other.decidedBy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(encryption, mechanisms, gatewayCertificate, gatewayPgpKey, signing, decidedBy);
    }

    @Override
    public String toString() {
        return "encryption=" + encryption.asString() + " mechanisms=" + mechanisms + " signing=" + signing.asString()
            + " decidedBy=" + decidedBy;
    }
}
