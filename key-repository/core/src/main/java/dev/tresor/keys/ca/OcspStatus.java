package dev.tresor.keys.ca;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.tresor.keys.lifecycle.RevocationReason;

/**
 * What a tenant CA knows about one of its serial numbers, as its OCSP responder tells it (RFC 6960, 2.2): issued and
 * not revoked ({@link #good()}), revoked ({@link #revoked}), or never issued by this CA ({@link #unknown()}). A
 * serial the CA never issued must be answered {@code unknown}, never {@code good} (S/MIME Baseline Requirements 4.9.10).
 */
public final class OcspStatus {
    /** The three answers of RFC 6960. */
    public enum Kind {
        GOOD, REVOKED, UNKNOWN
    }

    private static final OcspStatus GOOD = new OcspStatus(Kind.GOOD, null, null);
    private static final OcspStatus UNKNOWN = new OcspStatus(Kind.UNKNOWN, null, null);

    private final Kind kind;
    private final Instant revokedAt;
    private final RevocationReason reason;

    private OcspStatus(Kind kind, Instant revokedAt, RevocationReason reason) {
        this.kind = kind;
        this.revokedAt = revokedAt;
        this.reason = reason;
    }

    public static OcspStatus good() {
        return GOOD;
    }

    public static OcspStatus revoked(Instant revokedAt, RevocationReason reason) {
        return new OcspStatus(Kind.REVOKED, Objects.requireNonNull(revokedAt, "revokedAt"), Objects.requireNonNull(reason, "reason"));
    }

    public static OcspStatus unknown() {
        return UNKNOWN;
    }

    public Kind kind() {
        return kind;
    }

    /** When the certificate was revoked; present exactly for {@link Kind#REVOKED}. */
    public Optional<Instant> revokedAt() {
        return Optional.ofNullable(revokedAt);
    }

    /** Why; present exactly for {@link Kind#REVOKED}. */
    public Optional<RevocationReason> reason() {
        return Optional.ofNullable(reason);
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof OcspStatus) {
            OcspStatus that = (OcspStatus) o;
            return kind == that.kind && Objects.equals(revokedAt, that.revokedAt) && reason == that.reason;
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, revokedAt, reason);
    }

    @Override
    public String toString() {
        return kind == Kind.REVOKED ? "revoked at " + revokedAt + " (" + reason.asString() + ")" : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
