package dev.tresor.pgp;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import dev.tresor.keys.PgpFingerprint;

/** What an OpenPGP signature says about a message, from the recipient tenant's point of view. Immutable. */
public final class PgpVerdict {

    public enum Status {
        /** Intact, by a key the tenant holds, valid when it signed, with a valid user id naming the From address. */
        VALID,
        /** The signature does not cover this content, is malformed or weak, or the signer is not who the mail claims. */
        INVALID,
        /** Intact or not, the tenant holds no key with the signer's key id. */
        UNKNOWN_KEY,
        /** The signer's key was revoked (by its holder or by the tenant's administrator). */
        REVOKED,
        /** The signer's key had expired, or was not yet valid, when the signature was made. */
        EXPIRED,
        /** The message is not signed with OpenPGP. */
        NONE;

        /** {@code valid}, {@code unknown-key}, ...: as written in attributes and headers. */
        public String asText() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Status parse(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    private static final List<Status> SEVERITY = List.of(Status.NONE, Status.VALID, Status.UNKNOWN_KEY, Status.EXPIRED,
        Status.INVALID, Status.REVOKED);

    private final Status status;
    private final String reason;
    private final Optional<PgpFingerprint> signer;
    private final Optional<String> userId;
    private final Optional<Instant> signingTime;

    private PgpVerdict(Status status, String reason, Optional<PgpFingerprint> signer, Optional<String> userId,
                       Optional<Instant> signingTime) {
        this.status = Objects.requireNonNull(status);
        this.reason = Objects.requireNonNull(reason);
        this.signer = signer;
        this.userId = userId;
        this.signingTime = signingTime;
    }

    /**
     * The most alarming of several verdicts on one mail (e.g. one per recipient tenant): none, valid, unknown key,
     * expired, invalid, revoked, in rising order.
     */
    public static PgpVerdict worst(Collection<PgpVerdict> verdicts) {
        return verdicts.stream()
            .max(Comparator.comparingInt(verdict -> SEVERITY.indexOf(verdict.status())))
            .orElseThrow(() -> new IllegalArgumentException("No verdicts"));
    }

    public static PgpVerdict notSigned() {
        return new PgpVerdict(Status.NONE, "the message is not signed with OpenPGP", Optional.empty(), Optional.empty(),
            Optional.empty());
    }

    static PgpVerdict of(Status status, String reason) {
        return new PgpVerdict(status, reason, Optional.empty(), Optional.empty(), Optional.empty());
    }

    static PgpVerdict of(Status status, String reason, PgpFingerprint signer, Optional<String> userId, Instant signingTime) {
        return new PgpVerdict(status, reason, Optional.of(signer), userId, Optional.of(signingTime));
    }

    public Status status() {
        return status;
    }

    public boolean isValid() {
        return status == Status.VALID;
    }

    public String reason() {
        return reason;
    }

    /** The fingerprint of the signer's key (its primary key), when the tenant holds it. */
    public Optional<PgpFingerprint> signer() {
        return signer;
    }

    /** The signer's user id that names the From address, when there is one. */
    public Optional<String> userId() {
        return userId;
    }

    public Optional<Instant> signingTime() {
        return signingTime;
    }

    @Override
    public String toString() {
        return status.asText() + signer.map(fingerprint -> " " + fingerprint).orElse("") + userId.map(id -> " " + id).orElse("")
            + ": " + reason;
    }
}
