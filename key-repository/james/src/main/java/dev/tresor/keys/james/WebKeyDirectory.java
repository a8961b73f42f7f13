package dev.tresor.keys.james;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The OpenPGP Web Key Directory's name for a mail address (draft-koch-openpgp-webkey-service, section 3.1): the
 * z-base-32 encoding of the SHA-1 of the lower-cased local part, 32 characters, as {@code gpg-wks-client
 * --print-wkd-hash} prints it.
 */
final class WebKeyDirectory {
    private static final char[] Z_BASE_32 = "ybndrfg8ejkmcpqxot1uwisza345h769".toCharArray();

    private WebKeyDirectory() {
    }

    static String hash(String localPart) {
        return zBase32(sha1(localPart.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
    }

    /** Five bits per character, most significant first; the last character is padded with zero bits. */
    static String zBase32(byte[] data) {
        StringBuilder text = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                text.append(Z_BASE_32[(buffer >> (bits - 5)) & 0x1f]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            text.append(Z_BASE_32[(buffer << (5 - bits)) & 0x1f]);
        }
        return text.toString();
    }

    private static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-1", e);
        }
    }
}
