package dev.tresor.keys.repository;

/** Lower-case hex, the form identifiers are stored and compared in. */
final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            chars[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            chars[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(chars);
    }
}
