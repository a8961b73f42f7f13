package dev.tresor.mime;

import java.util.Base64;
import java.util.Optional;

/**
 * The plain reference that {@link Base64LinesFuzzTest} holds {@link Base64Lines} to: the JDK's MIME decoder, on the
 * texts for which both follow the same rule. That rule lives here and nowhere else, so that the fuzz test follows
 * when the decoder's rule changes.
 *
 * <p>Both skip line breaks and white space. What a printable character outside the alphabet means is not yet one rule
 * (issue 12, defect 10): the JDK's MIME decoder skips it, as RFC 2045 (6.8) says; {@code Base64Lines} refuses it on one
 * read path and skips it on the other. Texts holding one are therefore only checked for a decoding that does not depend
 * on how the input is read; once {@code Base64Lines} skips them too, {@link #skippedByBoth} may answer true for every
 * byte outside the alphabet.
 */
final class Base64Reference {
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private Base64Reference() {
    }

    /** The bytes both decoders skip wherever they stand. */
    static boolean skippedByBoth(byte c) {
        return c == '\r' || c == '\n' || c == ' ' || c == '\t';
    }

    /**
     * What {@code Base64Lines} must decode the text to ({@link Decoded#refused()} where it must refuse it), or empty
     * where the two rules differ and the reference says nothing.
     */
    static Optional<Decoded> expected(byte[] text) {
        for (byte c : text) {
            if (ALPHABET.indexOf(c) < 0 && c != '=' && !skippedByBoth(c)) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Decoded.of(Base64.getMimeDecoder().decode(text)));
        } catch (IllegalArgumentException e) {
            return Optional.of(Decoded.refused());
        }
    }
}
