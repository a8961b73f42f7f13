package dev.tresor.keys.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Origin;

/**
 * An active certificate or OpenPGP key of a tenant's vault that expires soon: what an admin must act on when Tresor
 * does not renew it itself (imported and harvested keys). Immutable.
 */
public final class ExpiringKey {
    private final KeyKind kind;
    private final String fingerprint;
    private final List<EmailAddress> addresses;
    private final Origin origin;
    private final boolean ownKey;
    private final Instant notAfter;

    public ExpiringKey(KeyKind kind, String fingerprint, List<EmailAddress> addresses, Origin origin, boolean ownKey,
                       Instant notAfter) {
        this.kind = Objects.requireNonNull(kind);
        this.fingerprint = Objects.requireNonNull(fingerprint);
        this.addresses = List.copyOf(addresses);
        this.origin = Objects.requireNonNull(origin);
        this.ownKey = ownKey;
        this.notAfter = Objects.requireNonNull(notAfter);
    }

    public KeyKind kind() {
        return kind;
    }

    public String fingerprint() {
        return fingerprint;
    }

    public List<EmailAddress> addresses() {
        return addresses;
    }

    public Origin origin() {
        return origin;
    }

    /** The tenant holds the private key: one of its own users' keys, not a partner's. */
    public boolean ownKey() {
        return ownKey;
    }

    public Instant notAfter() {
        return notAfter;
    }

    @Override
    public String toString() {
        return "ExpiringKey[" + kind.asString() + " " + fingerprint + " " + addresses + ", " + origin + ", until " + notAfter + "]";
    }
}
