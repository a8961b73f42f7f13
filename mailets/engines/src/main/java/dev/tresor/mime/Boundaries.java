package dev.tresor.mime;

import java.security.SecureRandom;

/** MIME boundaries that cannot occur in the content they enclose: 96 random bits, hex, never in base64's alphabet. */
public final class Boundaries {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Boundaries() {
    }

    /** E.g. {@code ----=_Tresor_Signed_4f0c...}; the {@code =_} sequence cannot appear in quoted-printable or base64. */
    public static String random(String purpose) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        StringBuilder boundary = new StringBuilder("----=_Tresor_").append(purpose).append('_');
        for (byte b : bytes) {
            boundary.append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
        return boundary.toString();
    }
}
