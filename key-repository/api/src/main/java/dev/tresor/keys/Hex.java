package dev.tresor.keys;

/**
 * Bytes as hex digits, two per byte: lower-case, the form fingerprints, identifiers and checksums are stored and
 * compared in, or upper-case, the way gpg prints OpenPGP fingerprints. Tresor's one hex encoder.
 */
public final class Hex {
    private static final char[] LOWER = "0123456789abcdef".toCharArray();
    private static final char[] UPPER = "0123456789ABCDEF".toCharArray();

    private Hex() {
    }

    /** E.g. {@code 0a1f}. */
    public static String encode(byte[] bytes) {
        return encode(bytes, LOWER);
    }

    /** E.g. {@code 0A1F}. */
    public static String encodeUpperCase(byte[] bytes) {
        return encode(bytes, UPPER);
    }

    private static String encode(byte[] bytes, char[] digits) {
        char[] chars = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            chars[2 * i] = digits[(bytes[i] >> 4) & 0xf];
            chars[2 * i + 1] = digits[bytes[i] & 0xf];
        }
        return new String(chars);
    }
}
