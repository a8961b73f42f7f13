package dev.tresor.keys.webadmin;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.policy.HeaderTrigger;
import dev.tresor.keys.policy.InboundPolicy;
import dev.tresor.keys.policy.Mechanism;
import dev.tresor.keys.policy.OutboundPolicy;

/**
 * What a tenant's policies resolve to for one sender and one partner, every field filled in (inherited or built in),
 * so that an admin sees what applies without working out the inheritance.
 */
public final class EffectivePolicyResponse {
    private final Outbound outbound;
    private final Inbound inbound;
    private final Triggers triggers;

    EffectivePolicyResponse(OutboundPolicy outbound, InboundPolicy inbound, Optional<String> subjectTag,
                            Optional<HeaderTrigger> triggerHeader) {
        this.outbound = new Outbound(outbound);
        this.inbound = new Inbound(inbound);
        this.triggers = new Triggers(subjectTag, triggerHeader);
    }

    /** Mail from the sender to the recipient. */
    public Outbound getOutbound() {
        return outbound;
    }

    /** Mail from the recipient, as a partner, to the tenant's users. */
    public Inbound getInbound() {
        return inbound;
    }

    public Triggers getTriggers() {
        return triggers;
    }

    public static final class Outbound {
        private final OutboundPolicy policy;

        Outbound(OutboundPolicy policy) {
            this.policy = policy;
        }

        public String getEncryption() {
            return policy.encryption().asString();
        }

        public List<String> getMechanisms() {
            return policy.mechanisms().stream().map(Mechanism::asString).collect(Collectors.toList());
        }

        public Optional<String> getGatewayCertificate() {
            return policy.gatewayCertificate().map(Fingerprint::asString);
        }

        public Optional<String> getGatewayPgpKey() {
            return policy.gatewayPgpKey().map(PgpFingerprint::asString);
        }

        public String getSigning() {
            return policy.signing().asString();
        }

        /** The scope that set the encryption ({@code default} when nothing did). */
        public String getDecidedBy() {
            return policy.decidedBy().asString();
        }
    }

    public static final class Inbound {
        private final InboundPolicy policy;

        Inbound(InboundPolicy policy) {
            this.policy = policy;
        }

        public boolean getRequireSignature() {
            return policy.requireSignature();
        }

        public boolean getRequireEncryption() {
            return policy.requireEncryption();
        }

        public boolean getRequireTls() {
            return policy.requireTls();
        }

        public String getAction() {
            return policy.action().asString();
        }

        public String getDecidedBy() {
            return policy.decidedBy().asString();
        }
    }

    /** What makes a mail mandatory; null where the tenant switched the trigger off. */
    public static final class Triggers {
        private final Optional<String> subjectTag;
        private final Optional<HeaderTrigger> triggerHeader;

        Triggers(Optional<String> subjectTag, Optional<HeaderTrigger> triggerHeader) {
            this.subjectTag = subjectTag;
            this.triggerHeader = triggerHeader;
        }

        public Optional<String> getSubjectTag() {
            return subjectTag;
        }

        public Optional<String> getTriggerHeader() {
            return triggerHeader.map(HeaderTrigger::asString);
        }
    }
}
