package dev.tresor.attributes;

import java.util.Locale;

/**
 * The {@code X-Tresor-*} header namespace: every header Tresor writes on a mail starts with {@value #PREFIX}, so that
 * {@code StripTresorHeaders} can remove, at ingress, each one a sender forged. The headers themselves are defined with
 * their attribute families ({@link SmimeSignature#HEADER}, {@link PgpSignature#HEADER}, {@link DecryptionOutcome#HEADER},
 * {@link InboundTls#HEADER}, {@link AppliedProtections#HEADER}).
 */
public final class TresorHeaders {
    public static final String PREFIX = "X-Tresor-";
    private static final String LOWER_CASE_PREFIX = PREFIX.toLowerCase(Locale.ROOT);

    private TresorHeaders() {
    }

    /** Whether a header of this name is Tresor's, whatever its case and surrounding blanks. */
    public static boolean isTresorHeader(String name) {
        return name.trim().toLowerCase(Locale.ROOT).startsWith(LOWER_CASE_PREFIX);
    }

    /**
     * Text safe inside a quoted header parameter: printable ASCII only, a double quote turned into a single one, any
     * other character (a backslash, a line break, non-ASCII) into {@code ?}, so it can neither end the quoted string
     * nor start a new header line.
     */
    static String quotable(String text) {
        StringBuilder safe = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            safe.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : c == '"' ? '\'' : '?');
        }
        return safe.toString();
    }
}
