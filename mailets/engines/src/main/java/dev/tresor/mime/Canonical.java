package dev.tresor.mime;

/**
 * MIME canonical form (RFC 5751, 3.1.1) checks and conversion for content about to be signed: every line ends with
 * CRLF, and for a signature to survive relays the content must also be 7-bit (no byte above 127, no NUL, lines of at
 * most 998 octets), since a relay may re-encode 8-bit content and break the signature.
 */
public final class Canonical {
    private static final int MAX_LINE = 998;
    /** The line length of base64 bodies (RFC 2045), the shape the scan recognises whole. */
    private static final int BASE64_LINE = 76;

    /** What a scan found; content that is both {@link #isCrlf()} and {@link #isSevenBit()} can be signed as it is. */
    public static final class Scan {
        private final boolean crlf;
        private final boolean sevenBit;

        private Scan(boolean crlf, boolean sevenBit) {
            this.crlf = crlf;
            this.sevenBit = sevenBit;
        }

        public boolean isCrlf() {
            return crlf;
        }

        public boolean isSevenBit() {
            return sevenBit;
        }
    }

    private Canonical() {
    }

    /**
     * One pass over the content, eight bytes at a time: a word of printable ASCII is skipped whole, otherwise the scan
     * jumps straight to its first other byte (for base64 lines, the CR and LF; for text, also the spaces).
     */
    public static Scan scan(byte[] bytes, int offset, int length) {
        int end = offset + length;
        boolean crlf = true;
        boolean clean = true;
        boolean longLine = false;
        int lineStart = offset;
        int i = offset;
        while (i < end) {
            // the common line of base64 bodies: 76 printable characters and CRLF, checked as a whole
            if (i + BASE64_LINE + 2 <= end && bytes[i + BASE64_LINE] == '\r' && bytes[i + BASE64_LINE + 1] == '\n'
                && Words.allPrintable(bytes, i, BASE64_LINE)) {
                int lineFeed = i + BASE64_LINE + 1;
                longLine |= lineFeed - lineStart > MAX_LINE + 1;
                lineStart = lineFeed + 1;
                i = lineFeed + 1;
                continue;
            }
            if (i + Long.BYTES <= end) {
                long special = Words.notPrintable(Words.get(bytes, i));
                if (special == 0) {
                    i += Long.BYTES;
                    continue;
                }
                i += Words.firstMarked(special);
            }
            byte b = bytes[i];
            clean &= b > 0;
            if (b == '\n') {
                crlf &= i > offset && bytes[i - 1] == '\r';
                longLine |= i - lineStart > MAX_LINE + 1;
                lineStart = i + 1;
            } else if (b == '\r' && (i + 1 == end || bytes[i + 1] != '\n')) {
                crlf = false;
            }
            i++;
        }
        longLine |= end - lineStart > MAX_LINE;
        return new Scan(crlf, clean && !longLine);
    }

    /** The index of the first LF in {@code bytes[from, end)}, or -1; eight bytes are tested at a time. */
    public static int indexOfLineFeed(byte[] bytes, int from, int end) {
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long lineFeeds = Words.lineFeeds(Words.get(bytes, i));
            if (lineFeeds != 0) {
                return i + Words.firstMarked(lineFeeds);
            }
        }
        for (; i < end; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first byte {@code b} in {@code [from, end)}, eight bytes at a time, or -1. */
    public static int indexOf(byte[] bytes, int from, int end, byte b) {
        long pattern = Words.repeated(b);
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long found = Words.equal(Words.get(bytes, i), pattern);
            if (found != 0) {
                return i + Words.firstMarked(found);
            }
        }
        for (; i < end; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first byte in {@code [from, end)} that is {@code a} or {@code b}, eight bytes at a time, or -1. */
    public static int indexOfEither(byte[] bytes, int from, int end, byte a, byte b) {
        long first = Words.repeated(a);
        long second = Words.repeated(b);
        int i = from;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            long word = Words.get(bytes, i);
            long found = Words.equal(word, first) | Words.equal(word, second);
            if (found != 0) {
                return i + Words.firstMarked(found);
            }
        }
        for (; i < end; i++) {
            if (bytes[i] == a || bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Copies the bytes to the sink with every bare LF or bare CR turned into CRLF. */
    public static void toCrlf(byte[] bytes, int offset, int length, ByteSink sink) {
        int end = offset + length;
        int runStart = offset;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (i == offset || bytes[i - 1] != '\r') {
                    sink.write(bytes, runStart, i - runStart);
                    sink.crlf();
                    runStart = i + 1;
                }
            } else if (b == '\r' && (i + 1 == end || bytes[i + 1] != '\n')) {
                sink.write(bytes, runStart, i - runStart);
                sink.crlf();
                runStart = i + 1;
            }
        }
        sink.write(bytes, runStart, end - runStart);
    }
}
