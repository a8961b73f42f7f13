package dev.tresor.mime;

import java.security.SecureRandom;

import dev.tresor.keys.Hex;

/** MIME boundaries that cannot occur in the content they enclose: 96 random bits, hex, never in base64's alphabet. */
public final class Boundaries {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Boundaries() {
    }

    /** E.g. {@code ----=_Tresor_Signed_4f0c...}; the {@code =_} sequence cannot appear in quoted-printable or base64. */
    public static String random(String purpose) {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "----=_Tresor_" + purpose + '_' + Hex.encode(bytes);
    }
}
