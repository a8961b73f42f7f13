package dev.tresor.smime;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import javax.mail.internet.MimeBodyPart;

import dev.tresor.keys.EmailAddress;

/**
 * What {@link SmimeVerifier} found out about a message's signature. Immutable.
 *
 * <p>{@link #signedContent()} is the entity that was signed (its {@code Content-*} headers and body), present whenever
 * the CMS structure could be read, so that a mailet can replace the signed message by its content. It shares the bytes
 * of the verified message and must not be modified.
 */
public final class SmimeVerdict {

    /** The outcome, from the recipient's point of view. */
    public enum Status {
        /** Signature intact, signer certificate trusted, fit for e-mail signing, naming the From address, not revoked. */
        VALID,
        /** The signature does not cover this content, the CMS is corrupt, or the signer is not who the mail claims. */
        INVALID,
        /** Cryptographically intact, but the signer's certificate cannot be trusted (no path, expired, revocation unknown). */
        UNTRUSTED,
        /** The signer's certificate (or one of its issuers) is on its CA's revocation list. */
        REVOKED,
        /** The message is not S/MIME signed. */
        NONE;

        /** {@code valid}, {@code invalid}, ...: as written in attributes and headers. */
        public String asText() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status parse(String text) {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
    }

    private static final List<Status> SEVERITY = List.of(Status.NONE, Status.VALID, Status.UNTRUSTED, Status.INVALID,
        Status.REVOKED);

    private final Status status;
    private final String reason;
    private final Optional<X509Certificate> signer;
    private final List<X509Certificate> signerChain;
    private final Optional<EmailAddress> signerAddress;
    private final Optional<Instant> signingTime;
    private final Optional<MimeBodyPart> signedContent;

    private SmimeVerdict(Status status, String reason, Optional<X509Certificate> signer, List<X509Certificate> signerChain,
                             Optional<EmailAddress> signerAddress, Optional<Instant> signingTime,
                             Optional<MimeBodyPart> signedContent) {
        this.status = Objects.requireNonNull(status);
        this.reason = Objects.requireNonNull(reason);
        this.signer = signer;
        this.signerChain = List.copyOf(signerChain);
        this.signerAddress = signerAddress;
        this.signingTime = signingTime;
        this.signedContent = signedContent;
    }

    /**
     * The most alarming of several verdicts on one mail (e.g. one per recipient tenant): none, valid, untrusted,
     * invalid, revoked, in rising order.
     */
    public static SmimeVerdict worst(Collection<SmimeVerdict> verdicts) {
        return verdicts.stream()
            .max(Comparator.comparingInt(verdict -> SEVERITY.indexOf(verdict.status())))
            .orElseThrow(() -> new IllegalArgumentException("No verdicts"));
    }

    public static SmimeVerdict notSigned() {
        return new SmimeVerdict(Status.NONE, "the message is not S/MIME signed", Optional.empty(), List.of(),
            Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A message whose signature could not even be read: no signer to name. */
    public static SmimeVerdict unreadable(String reason) {
        return new SmimeVerdict(Status.INVALID, reason, Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
            Optional.empty());
    }

    static SmimeVerdict of(Status status, String reason, X509Certificate signer, List<X509Certificate> chain,
                               Optional<EmailAddress> signerAddress, Optional<Instant> signingTime) {
        return new SmimeVerdict(status, reason, Optional.of(signer), chain, signerAddress, signingTime, Optional.empty());
    }

    SmimeVerdict withSignedContent(MimeBodyPart content) {
        return new SmimeVerdict(status, reason, signer, signerChain, signerAddress, signingTime, Optional.of(content));
    }

    public Status status() {
        return status;
    }

    public boolean isValid() {
        return status == Status.VALID;
    }

    /** A sentence for the recipient or the admin: why the verdict is what it is, or what was not checked. */
    public String reason() {
        return reason;
    }

    public Optional<X509Certificate> signer() {
        return signer;
    }

    /**
     * The signer's certificate first, then its issuers: the validated path up to and including the trust anchor when
     * the signer is trusted, otherwise the signer's certificate and the issuers the message carried.
     */
    public List<X509Certificate> signerChain() {
        return signerChain;
    }

    /** The From address the certificate was matched with, or else the certificate's first address. */
    public Optional<EmailAddress> signerAddress() {
        return signerAddress;
    }

    /** The signing time the signer claimed (a signed attribute), when present. */
    public Optional<Instant> signingTime() {
        return signingTime;
    }

    public Optional<MimeBodyPart> signedContent() {
        return signedContent;
    }

    @Override
    public String toString() {
        return "SmimeVerdict[" + status.asText() + signerAddress.map(address -> ", signer=" + address).orElse("")
            + ", " + reason + "]";
    }
}
