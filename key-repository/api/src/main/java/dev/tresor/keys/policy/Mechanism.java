package dev.tresor.keys.policy;

import java.util.Locale;

/** A way to protect a mail for one recipient; a policy lists them in order of preference. */
public enum Mechanism {
    SMIME, PGP, PDF;

    public String asString() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mechanism parse(String text) {
        return PolicyText.parse(Mechanism.class, values(), Mechanism::asString, "mechanism", text);
    }
}
