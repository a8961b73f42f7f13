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
     * One pass over the content, eight bytes at a time: a word without a byte above 127, a zero, a CR or an LF is
     * skipped whole, otherwise the scan jumps straight to the first such byte (about two per line).
     */
    public static Scan scan(byte[] bytes, int offset, int length) {
        int end = offset + length;
        boolean crlf = true;
        boolean clean = true;
        boolean longLine = false;
        int lineStart = offset;
        int i = offset;
        while (i < end) {
            if (i + Long.BYTES <= end) {
                long word = (long) WORDS.get(bytes, i);
                long special = (word & HIGH_BITS) | zeroBytes(word) | zeroBytes(word ^ LFS) | zeroBytes(word ^ CRS);
                if (special == 0) {
                    i += Long.BYTES;
                    continue;
                }
                i += firstMarkedByte(special);
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
            long lineFeeds = zeroBytes((long) WORDS.get(bytes, i) ^ LFS);
            if (lineFeeds != 0) {
                return i + firstMarkedByte(lineFeeds);
            }
        }
        for (; i < end; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The high bit of each zero byte of the word. The lowest marked byte is always a zero byte (a borrow only runs
     * upwards), which is all the callers use.
     */
    private static long zeroBytes(long word) {
        return (word - LOW_BITS) & ~word & HIGH_BITS;
    }

    /** Offset, in a little-endian word, of the first byte whose high bit the mask sets. */
    private static int firstMarkedByte(long mask) {
        return Long.numberOfTrailingZeros(mask) >>> 3;
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
