package dev.tresor.keys;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.regex.Pattern;

/** The SHA-256 fingerprint of a certificate's DER encoding, as 64 lower-case hex digits: its identity in a vault. */
public final class Fingerprint implements Comparable<Fingerprint> {
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

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

    public static Fingerprint sha256(byte[] encoded) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(encoded);
            char[] chars = new char[digest.length * 2];
            for (int i = 0; i < digest.length; i++) {
                chars[2 * i] = HEX[(digest[i] >> 4) & 0xf];
                chars[2 * i + 1] = HEX[digest[i] & 0xf];
            }
            return new Fingerprint(new String(chars));
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
