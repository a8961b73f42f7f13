package dev.tresor.smime;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;

/** How {@link SmimeSigner} signs: format, digest and RSA padding. Defaults: detached, SHA-256, PKCS#1 v1.5. */
public final class SigningOptions {
    /** Detached {@code multipart/signed} is readable by clients without S/MIME; opaque hides the content from relays. */
    public enum Format {
        DETACHED, OPAQUE
    }

    /** SHA-2 only: SHA-1 signatures are refused by current clients (RFC 8551, 2.1). */
    public enum Digest {
        SHA256("SHA-256", "sha-256", NISTObjectIdentifiers.id_sha256),
        SHA384("SHA-384", "sha-384", NISTObjectIdentifiers.id_sha384),
        SHA512("SHA-512", "sha-512", NISTObjectIdentifiers.id_sha512);

        private final String jcaName;
        private final String micalg;
        private final ASN1ObjectIdentifier oid;

        Digest(String jcaName, String micalg, ASN1ObjectIdentifier oid) {
            this.jcaName = jcaName;
            this.micalg = micalg;
            this.oid = oid;
        }

        public String jcaName() {
            return jcaName;
        }

        /** The {@code micalg} parameter of {@code multipart/signed} (RFC 8551, 3.5.3.2). */
        public String micalg() {
            return micalg;
        }

        public ASN1ObjectIdentifier oid() {
            return oid;
        }

        /** Parses {@code SHA-256}, {@code sha256}, ... */
        public static Digest parse(String text) {
            String normalised = text.trim().toUpperCase(Locale.ROOT).replace("-", "");
            return Arrays.stream(values())
                .filter(digest -> digest.name().equals(normalised))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unsupported digest '" + text + "', expected one of "
                    + Arrays.stream(values()).map(Digest::jcaName).collect(Collectors.joining(", "))));
        }
    }

    public enum RsaPadding {
        PKCS1, PSS
    }

    public static final SigningOptions DEFAULT = new SigningOptions(Format.DETACHED, Digest.SHA256, RsaPadding.PKCS1);

    private final Format format;
    private final Digest digest;
    private final RsaPadding rsaPadding;

    public SigningOptions(Format format, Digest digest, RsaPadding rsaPadding) {
        this.format = Objects.requireNonNull(format);
        this.digest = Objects.requireNonNull(digest);
        this.rsaPadding = Objects.requireNonNull(rsaPadding);
    }

    public Format format() {
        return format;
    }

    public Digest digest() {
        return digest;
    }

    public RsaPadding rsaPadding() {
        return rsaPadding;
    }

    public SigningOptions withFormat(Format newFormat) {
        return new SigningOptions(newFormat, digest, rsaPadding);
    }

    public SigningOptions withDigest(Digest newDigest) {
        return new SigningOptions(format, newDigest, rsaPadding);
    }

    public SigningOptions withRsaPadding(RsaPadding newPadding) {
        return new SigningOptions(format, digest, newPadding);
    }

    @Override
    public String toString() {
        return "SigningOptions[" + format + ", " + digest.jcaName() + ", RSA " + rsaPadding + "]";
    }
}
