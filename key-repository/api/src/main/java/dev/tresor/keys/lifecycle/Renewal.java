package dev.tresor.keys.lifecycle;

import java.util.Objects;

/** One key renewed: the one superseded (kept to decrypt) and the one that replaces it. */
public final class Renewal {
    private final IssuedKey superseded;
    private final IssuedKey replacement;

    public Renewal(IssuedKey superseded, IssuedKey replacement) {
        this.superseded = Objects.requireNonNull(superseded);
        this.replacement = Objects.requireNonNull(replacement);
    }

    public IssuedKey superseded() {
        return superseded;
    }

    public IssuedKey replacement() {
        return replacement;
    }

    @Override
    public String toString() {
        return "Renewal[" + superseded.id() + " -> " + replacement.id() + " for " + replacement.address() + "]";
    }
}
