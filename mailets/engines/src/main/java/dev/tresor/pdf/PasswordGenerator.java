package dev.tresor.pdf;

import java.security.SecureRandom;

/**
 * Passwords for recipients without a pre-shared one, read out by the sender over the phone: by default 16 characters
 * from an alphabet without look-alikes (no 0/O, 1/l/I), about 92 bits.
 */
public final class PasswordGenerator {
    public static final String DEFAULT_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    public static final int DEFAULT_LENGTH = 16;
    private static final int MIN_BITS = 64;

    private final SecureRandom random = new SecureRandom();
    private final int length;
    private final char[] alphabet;

    /** @throws IllegalArgumentException when the alphabet repeats characters or the password would have under 64 bits */
    public PasswordGenerator(int length, String alphabet) {
        if (alphabet.codePoints().distinct().count() != alphabet.length() || alphabet.length() < 2) {
            throw new IllegalArgumentException("the alphabet must have at least two distinct characters, each once");
        }
        if (alphabet.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("the alphabet must be printable ASCII without space (readable over the phone)");
        }
        double bits = length * (Math.log(alphabet.length()) / Math.log(2));
        if (bits < MIN_BITS) {
            throw new IllegalArgumentException(length + " characters of a " + alphabet.length() + "-character alphabet give "
                + (int) bits + " bits, at least " + MIN_BITS + " are needed");
        }
        if (length > 128) {
            throw new IllegalArgumentException("at most 128 characters");
        }
        this.length = length;
        this.alphabet = alphabet.toCharArray();
    }

    public static PasswordGenerator defaults() {
        return new PasswordGenerator(DEFAULT_LENGTH, DEFAULT_ALPHABET);
    }

    public char[] generate() {
        char[] password = new char[length];
        for (int i = 0; i < length; i++) {
            password[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return password;
    }
}
