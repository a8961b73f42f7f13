package dev.tresor.keys.lifecycle;

import java.util.Locale;

import dev.tresor.keys.policy.PolicyText;

/** What Tresor issues to a local user: an S/MIME certificate from the tenant CA, or an OpenPGP key. */
public enum KeyKind {
    SMIME, OPENPGP;

    public String asString() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KeyKind parse(String text) {
        return PolicyText.parse(KeyKind.class, values(), KeyKind::asString, "kind", text);
    }
}
