package dev.tresor.mime;

import java.util.Base64;
import java.util.Optional;

/**
 * The plain reference that {@link Base64LinesFuzzTest} holds {@link Base64Lines} to. The rule lives here and nowhere
 * else, so that the fuzz test follows when the decoder's rule changes.
 *
 * <p>Both decoders skip line breaks and white space. A character outside the alphabet is refused by
 * {@code Base64Lines} wherever it stands (issue 12, defect 10: RFC 2045 6.8 allows refusing it, and a gateway deciding
 * on the text should not guess), while the JDK's MIME decoder skips it; so such a text must be refused. Padding in
 * the wrong place ({@code GSA==}, text after {@code =}) is refused by {@code Base64Lines} and read leniently by the
 * JDK: there the reference says nothing, and only the independence from read sizes is checked; so too for white
 * space between the two {@code =} of the padding, which only {@code Base64Lines} skips. Every other text must
 * decode as the JDK's MIME decoder decodes it.
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
        StringBuilder significant = new StringBuilder(text.length);
        for (byte c : text) {
            if (skippedByBoth(c)) {
                continue;
            }
            if (ALPHABET.indexOf(c) < 0 && c != '=') {
                return Optional.of(Decoded.refused());
            }
            significant.append((char) c);
        }
        if (!paddedOnlyAtTheEnd(significant) || skippedBetweenThePads(text)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Decoded.of(Base64.getMimeDecoder().decode(text)));
        } catch (IllegalArgumentException e) {
            return Optional.of(Decoded.refused());
        }
    }

    /**
     * White space or a line break between the two {@code =} of the padding ({@code DD=<TAB>=}): {@code Base64Lines}
     * skips it there as everywhere, the JDK's MIME decoder wants the second {@code =} at once and refuses (found by the
     * fuzz test's 10-minute run), so the reference says nothing.
     */
    private static boolean skippedBetweenThePads(byte[] text) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '=') {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        for (int i = first + 1; first >= 0 && i < last; i++) {
            if (skippedByBoth(text[i])) {
                return true;
            }
        }
        return false;
    }

    /** No {@code =} at all, or one or two closing a whole last quantum. */
    private static boolean paddedOnlyAtTheEnd(CharSequence significant) {
        int firstPad = significant.toString().indexOf('=');
        if (firstPad < 0) {
            return true;
        }
        int pads = significant.length() - firstPad;
        boolean onlyPadsAfter = significant.subSequence(firstPad, significant.length()).chars().allMatch(c -> c == '=');
        return onlyPadsAfter && pads <= 2 && significant.length() % 4 == 0;
    }
}
