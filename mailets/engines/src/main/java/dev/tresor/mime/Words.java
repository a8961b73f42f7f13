package dev.tresor.mime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes at a time: the word tests behind Tresor's scans over message bytes (canonical form, line feeds, base64
 * text). Each test returns a mask with the high bit set in the bytes it finds; the lowest marked byte is always exact
 * (a borrow only runs towards higher bytes), which is the only one the callers use.
 */
final class Words {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long LINE_FEEDS = LOW_BITS * '\n';
    /** 0x21, '!', the first printable character after the space. */
    private static final long PRINTABLE_START = LOW_BITS * 0x21;

    private Words() {
    }

    static long get(byte[] bytes, int index) {
        return (long) LONGS.get(bytes, index);
    }

    static void set(byte[] bytes, int index, long word) {
        LONGS.set(bytes, index, word);
    }

    /** Bytes that are not printable ASCII: controls (CR, LF, NUL, tab), the space, and anything above 127. */
    static long notPrintable(long word) {
        // a byte below 0x21 borrows, so its high bit is set; a byte from 0x80 has it set already. A borrow only runs
        // on from a byte that is marked itself, so the lowest marked byte is exact.
        return ((word - PRINTABLE_START) | word) & HIGH_BITS;
    }

    /** Whether {@code bytes[from, from + length)}, eight bytes or more, are all printable: independent word tests. */
    static boolean allPrintable(byte[] bytes, int from, int length) {
        long last = get(bytes, from + length - Long.BYTES);
        long marked = (last - PRINTABLE_START) | last;
        for (int k = 0; k + Long.BYTES <= length; k += Long.BYTES) {
            long word = get(bytes, from + k);
            marked |= (word - PRINTABLE_START) | word;
        }
        return (marked & HIGH_BITS) == 0;
    }

    static long lineFeeds(long word) {
        long x = word ^ LINE_FEEDS;
        return (x - LOW_BITS) & ~x & HIGH_BITS;
    }

    /** Bytes equal to the byte {@code pattern} repeats ({@code 0x0101010101010101L * b}). */
    static long equal(long word, long pattern) {
        long x = word ^ pattern;
        return (x - LOW_BITS) & ~x & HIGH_BITS;
    }

    static long repeated(byte b) {
        return LOW_BITS * (b & 0xFF);
    }

    /** Offset, in the little-endian word, of the first byte the mask marks. */
    static int firstMarked(long mask) {
        return Long.numberOfTrailingZeros(mask) >>> 3;
    }
}
