package dev.tresor.keys.policy;

import java.util.Locale;

/** What a policy demands of outgoing mail to a partner, in decreasing strength. */
public enum Encryption {
    /** If any recipient of the mail cannot be protected, the mail goes to nobody and the sender is told. */
    MANDATORY_ALL,
    /** Each recipient is protected by the preference order; one who cannot be is refused, never sent clear text. */
    MANDATORY,
    /** Protected when a mechanism is available, else sent as it is, and that is recorded. */
    OPPORTUNISTIC,
    /** Never encrypted, even when a key is available. */
    NEVER;

    public String asString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isMandatory() {
        return this == MANDATORY_ALL || this == MANDATORY;
    }

    public static Encryption parse(String text) {
        return PolicyText.parse(Encryption.class, values(), Encryption::asString, "encryption", text);
    }
}
