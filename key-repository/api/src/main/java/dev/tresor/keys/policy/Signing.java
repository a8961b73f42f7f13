package dev.tresor.keys.policy;

import java.util.Locale;

/** What a policy demands of the sender's signature on outgoing mail. */
public enum Signing {
    /** Signed, or held with a notice to the sender when no usable key exists; never sent unsigned. */
    FORCE,
    /** Signed when the sender has a usable key. */
    IF_POSSIBLE,
    /** Never signed by the gateway. */
    NEVER;

    public String asString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Signing parse(String text) {
        return PolicyText.parse(Signing.class, values(), Signing::asString, "signing", text);
    }
}
