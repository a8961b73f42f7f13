package dev.tresor.keys.policy;

import java.util.Locale;

/** What happens to incoming mail that breaks an inbound requirement of its partner's policy. */
public enum InboundAction {
    /** Returned to the sender with the reason; the local recipient never sees it. */
    REJECT,
    /** Kept in the tenant's quarantine with the reason, for an admin to release or delete. */
    QUARANTINE;

    public String asString() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static InboundAction parse(String text) {
        return PolicyText.parse(InboundAction.class, values(), InboundAction::asString, "inboundAction", text);
    }
}
