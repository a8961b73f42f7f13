package dev.tresor.mime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * MIME canonical form (RFC 5751, 3.1.1) checks and conversion for content about to be signed: every line ends with
 * CRLF, and for a signature to survive relays the content must also be 7-bit (no byte above 127, no NUL, lines of at
 * most 998 octets), since a relay may re-encode 8-bit content and break the signature.
 */
public final class Canonical {
    private static final int MAX_LINE = 998;
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LFS = LOW_BITS * '\n';
    private static final long CRS = LOW_BITS * '\r';

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
     * One pass over the content. Eight bytes are tested at a time (no byte above 127 or zero, no CR, no LF); only the
     * words that hold one of those, about one in ten for 76-character lines, are looked at byte by byte.
     */
    public static Scan scan(byte[] bytes, int offset, int length) {
        int end = offset + length;
        boolean crlf = true;
        boolean clean = true;
        boolean longLine = false;
        int lineStart = offset;
        int i = offset;
        while (i < end) {
            if (i + Long.BYTES <= end && isPlainWord((long) WORDS.get(bytes, i))) {
                i += Long.BYTES;
                continue;
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
        while (i + Long.BYTES <= end && !hasZeroByte((long) WORDS.get(bytes, i) ^ LFS)) {
            i += Long.BYTES;
        }
        for (; i < end; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** No byte of the word is above 127, zero, CR or LF. */
    private static boolean isPlainWord(long word) {
        return (word & HIGH_BITS) == 0 && !hasZeroByte(word) && !hasZeroByte(word ^ LFS) && !hasZeroByte(word ^ CRS);
    }

    /** Whether any byte of the word is zero (exact: the lowest zero byte always shows; higher ones may not). */
    private static boolean hasZeroByte(long word) {
        return ((word - LOW_BITS) & ~word & HIGH_BITS) != 0;
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
