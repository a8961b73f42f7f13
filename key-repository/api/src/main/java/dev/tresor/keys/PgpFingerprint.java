package dev.tresor.keys;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The fingerprint of an OpenPGP key (its primary key, or one of its subkeys), as upper-case hex the way gpg prints it:
 * 40 digits for a v4 key, 64 for a v6 key. Spaces and colons are accepted on input and dropped.
 */
public final class PgpFingerprint implements Comparable<PgpFingerprint> {
    private static final Pattern V4_OR_V6 = Pattern.compile("[0-9A-F]{40}|[0-9A-F]{64}");

    private final String hex;

    private PgpFingerprint(String hex) {
        this.hex = hex;
    }

    public static PgpFingerprint of(String hex) {
        String normalised = hex.replace(" ", "").replace(":", "").toUpperCase(Locale.ROOT);
        if (!V4_OR_V6.matcher(normalised).matches()) {
            throw new IllegalArgumentException("Not an OpenPGP fingerprint (40 or 64 hex digits): '" + hex + "'");
        }
        return new PgpFingerprint(normalised);
    }

    public String asString() {
        return hex;
    }

    /** The key id this fingerprint implies: its last 8 bytes for a v4 key, its first 8 bytes for a v6 key. */
    public long keyId() {
        String digits = hex.length() == 40 ? hex.substring(24) : hex.substring(0, 16);
        return Long.parseUnsignedLong(digits, 16);
    }

    @Override
    public int compareTo(PgpFingerprint other) {
        return hex.compareTo(other.hex);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PgpFingerprint && ((PgpFingerprint) o).hex.equals(hex);
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
