package dev.tresor.keys;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The SHA-256 fingerprint of a certificate's DER encoding, as 64 lower-case hex digits: its identity in a vault. The
 * one place a SHA-256 fingerprint is computed ({@link #of(X509Certificate)}, {@link #sha256}), TLS pins included.
 */
public final class Fingerprint implements Comparable<Fingerprint> {
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final String hex;

    private Fingerprint(String hex) {
        this.hex = hex;
    }

    public static Fingerprint of(String hex) {
        String normalised = hex.trim().replace(":", "").toLowerCase(Locale.ROOT);
        if (!HEX_SHA256.matcher(normalised).matches()) {
            throw new IllegalArgumentException("Not a SHA-256 fingerprint (64 hex digits): '" + hex + "'");
        }
        return new Fingerprint(normalised);
    }

    /** The fingerprint of a certificate. */
    public static Fingerprint of(X509Certificate certificate) {
        try {
            return sha256(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("Cannot encode certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /** The SHA-256 of any encoding (a certificate's DER, a public key's SubjectPublicKeyInfo). */
    public static Fingerprint sha256(byte[] encoded) {
        try {
            return new Fingerprint(Hex.encode(MessageDigest.getInstance("SHA-256").digest(encoded)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    public String asString() {
        return hex;
    }

    @Override
    public int compareTo(Fingerprint other) {
        return hex.compareTo(other.hex);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint && ((Fingerprint) o).hex.equals(hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    @Override
    public String toString() {
        return hex;
    }
}
