package dev.tresor.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Base64 in lines (RFC 2045: 76 characters and CRLF), fast. Decoding: whole chunks go through the JDK's plain base64
 * decoder, which is intrinsified, with line breaks skipped before it; the JDK's own MIME decoder, which checks every
 * character for a line break, runs about eight times slower here. Encoding: where HotSpot has its base64 intrinsic,
 * blocks of 64 whole lines go through the JDK's plain encoder and are then spread into the sink as lines (2.7 times
 * faster than encoding them here); otherwise, and for the lines left over, whole lines are encoded six bytes at a time
 * straight into the sink (see {@link #encodeLine}); the last, shorter line goes through the JDK.
 */
public final class Base64Lines {
    private static final int LINE = 76;
    private static final int BYTES_PER_LINE = LINE / 4 * 3;
    /** Lines the JDK encodes at once when it has the intrinsic: small enough for the copies to stay in the cache. */
    private static final int BLOCK_LINES = 64;
    private static final Base64.Encoder PLAIN = Base64.getEncoder();
    /**
     * Whether HotSpot encodes base64 with its CPU intrinsic ({@code UseBASE64Intrinsics}, on where the processor has
     * the AVX-512 instructions it needs): about twice as fast as {@link #encodeLine}, lines and copies included. Where
     * it is off, or the flag cannot be read (another JVM, no {@code jdk.management}), {@link #encodeLine} does it all.
     */
    private static final boolean JDK_INTRINSIC = jdkIntrinsic();

    private Base64Lines() {
    }

    /**
     * Room the encoder needs for {@code bytes} of input: the base64 text plus a CRLF per line (one more than it
     * writes, since no CRLF follows the last line). Sizing a sink with it keeps the sink from growing, which for a
     * large attachment would briefly hold the old and the new array at once.
     */
    public static long encodedCapacity(long bytes) {
        return 4 * ((bytes + 2) / 3) + 2 * ((bytes + BYTES_PER_LINE - 1) / BYTES_PER_LINE);
    }

    /** An output stream that writes what it is given to the sink as base64 lines; {@link #close()} writes the rest. */
    public static OutputStream encoder(ByteSink sink) {
        return new Encoder(sink, JDK_INTRINSIC);
    }

    /** As {@link #encoder(ByteSink)}, choosing whether whole blocks go through the JDK's encoder (for tests). */
    static OutputStream encoder(ByteSink sink, boolean throughJdk) {
        return new Encoder(sink, throughJdk);
    }

    /**
     * An input stream of the bytes that the base64 text of {@code in} encodes. Line breaks and white space (CR, LF,
     * space, tab) are skipped; any other character outside the base64 alphabet, and text after the padding, make
     * {@code read} throw an {@link IOException} ("Corrupt base64"), wherever the reads of {@code in} happen to split
     * the text.
     *
     * <p>Why refuse rather than skip: RFC 2045 (6.8) has decoders ignore characters outside the alphabet, but adds that
     * such characters "probably indicate a transmission error, about which a warning message or even a message rejection
     * might be appropriate". What this decoder reads is the content of mail a security gateway decides on (CMS
     * envelopes and signatures, OpenPGP armor, attachments put into a PDF): text that is not base64 was damaged or
     * made to be read differently by different readers, and the gateway then says so (a failed verdict, the mail to
     * {@code onFailure}) instead of deciding on a guess.
     */
    public static InputStream decoder(InputStream in) {
        return new Decoder(in, Integer.MAX_VALUE);
    }

    /**
     * As {@link #decoder(InputStream)}, for input known to hold about {@code expectedCharacters}: its buffers are
     * no larger than that (a signature's few hundred characters need no 64 KiB chunks). More input is still read,
     * in chunks of that size.
     */
    public static InputStream decoder(InputStream in, int expectedCharacters) {
        return new Decoder(in, expectedCharacters);
    }

    /**
     * Whole lines are encoded straight from the caller's array into the sink; only a line's worth of bytes that does not
     * fill it waits in {@code line} for the next write.
     */
    private static final class Encoder extends OutputStream {
        private final ByteSink sink;
        private final byte[] line = new byte[BYTES_PER_LINE];
        private final boolean throughJdk;
        /** For {@link #encodeBlock}, made on first use: a small output never needs them. */
        private byte[] blockIn;
        private byte[] blockOut;
        private int filled;
        private boolean firstLine = true;

        Encoder(ByteSink sink, boolean throughJdk) {
            this.sink = sink;
            this.throughJdk = throughJdk;
        }

        @Override
        public void write(int b) {
            line[filled++] = (byte) b;
            if (filled == BYTES_PER_LINE) {
                encodeLines(line, 0, 1);
                filled = 0;
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (filled > 0) {
                int taken = Math.min(length, BYTES_PER_LINE - filled);
                System.arraycopy(bytes, offset, line, filled, taken);
                filled += taken;
                offset += taken;
                length -= taken;
                if (filled < BYTES_PER_LINE) {
                    return;
                }
                encodeLines(line, 0, 1);
                filled = 0;
            }
            int lines = length / BYTES_PER_LINE;
            if (lines > 0) {
                encodeLines(bytes, offset, lines);
            }
            int rest = length - lines * BYTES_PER_LINE;
            System.arraycopy(bytes, offset + lines * BYTES_PER_LINE, line, 0, rest);
            filled = rest;
        }

        @Override
        public void close() {
            if (filled > 0) {
                byte[] rest = new byte[filled];
                System.arraycopy(line, 0, rest, 0, filled);
                writeLines(Base64.getEncoder().encode(rest), -1);
                filled = 0;
            }
        }

        /** Whole lines, encoded straight into the sink with one reservation, a CRLF before each line but the first. */
        private void encodeLines(byte[] source, int from, int lines) {
            int at = from;
            int left = lines;
            if (throughJdk) {
                for (; left >= BLOCK_LINES; left -= BLOCK_LINES, at += BLOCK_LINES * BYTES_PER_LINE) {
                    encodeBlock(source, at);
                }
            }
            byte[] target = sink.reserve(left * (LINE + 2));
            int position = sink.size();
            for (int i = 0; i < left; i++, at += BYTES_PER_LINE) {
                if (!firstLine) {
                    target[position++] = '\r';
                    target[position++] = '\n';
                }
                firstLine = false;
                position = encodeLine(source, at, target, position);
            }
            sink.advance(position - sink.size());
        }

        /**
         * {@link #BLOCK_LINES} lines through the JDK's plain encoder (its API takes whole arrays, hence the copy in),
         * then spread into the sink as lines: two copies within the first-level cache cost less than encoding
         * without the intrinsic.
         */
        private void encodeBlock(byte[] source, int from) {
            int lines = BLOCK_LINES;
            int bytes = lines * BYTES_PER_LINE;
            if (blockIn == null) {
                blockIn = new byte[bytes];
                blockOut = new byte[lines * LINE];
            }
            System.arraycopy(source, from, blockIn, 0, bytes);
            PLAIN.encode(blockIn, blockOut);
            byte[] target = sink.reserve(lines * (LINE + 2));
            int position = sink.size();
            for (int line = 0; line < lines; line++) {
                if (!firstLine) {
                    target[position++] = '\r';
                    target[position++] = '\n';
                }
                firstLine = false;
                System.arraycopy(blockOut, line * LINE, target, position, LINE);
                position += LINE;
            }
            sink.advance(position - sink.size());
        }

        /** Copies the encoded text into the sink line by line, CRLF between lines, with one reservation. */
        private void writeLines(byte[] text, int length) {
            int end = length < 0 ? text.length : length;
            int lines = (end + LINE - 1) / LINE;
            byte[] target = sink.reserve(end + 2 * lines);
            int position = sink.size();
            for (int start = 0; start < end; start += LINE) {
                if (!firstLine) {
                    target[position++] = '\r';
                    target[position++] = '\n';
                }
                firstLine = false;
                int count = Math.min(LINE, end - start);
                System.arraycopy(text, start, target, position, count);
                position += count;
            }
            sink.advance(position - sink.size());
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    /** The two base64 characters of each 12-bit value, the first in the high byte. */
    private static final short[] CHARACTER_PAIRS = characterPairs();

    private static boolean jdkIntrinsic() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotSpot =
                java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return hotSpot != null && Boolean.parseBoolean(hotSpot.getVMOption("UseBASE64Intrinsics").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Encodes the 57 bytes of one line at {@code source[from]} as 76 characters at {@code target[position]}: six
     * bytes per step, read as one word (its last two bytes unused, and still inside the line), four table look-ups
     * of two characters each, one word written. The JDK's own encoder, which is not intrinsified on JDK 17, takes
     * one byte and one character at a time and is about twice as slow, with a copy for the line breaks on top.
     *
     * @return the position after the line
     */
    static int encodeLine(byte[] source, int from, byte[] target, int position) {
        int end = from + BYTES_PER_LINE - 3;
        for (; from < end; from += 6, position += 8) {
            long word = (long) LONGS.get(source, from);
            long characters = (long) pair((int) (word >>> 52)) << 48
                | (long) pair((int) (word >>> 40)) << 32
                | (long) pair((int) (word >>> 28)) << 16
                | pair((int) (word >>> 16));
            LONGS.set(target, position, characters);
        }
        int last = (source[from] & 0xFF) << 16 | (source[from + 1] & 0xFF) << 8 | source[from + 2] & 0xFF;
        INTS.set(target, position, pair(last >>> 12) << 16 | pair(last));
        return position + 4;
    }

    private static int pair(int twelveBits) {
        return CHARACTER_PAIRS[twelveBits & 0xFFF] & 0xFFFF;
    }

    private static short[] characterPairs() {
        byte[] alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
        short[] pairs = new short[4096];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = (short) (alphabet[i >>> 6] << 8 | alphabet[i & 63]);
        }
        return pairs;
    }

    private static final class Decoder extends InputStream {
        /** Base64 characters decoded at once: a multiple of 4, so a full chunk is whole quanta. */
        private static final int TEXT_CHUNK = 64 * 1024;

        private final InputStream in;
        private final byte[] raw;
        private final byte[] text;
        private final byte[] decoded;
        private int textFilled;
        private int decodedStart;
        private int decodedEnd;
        private boolean endOfInput;
        private boolean padded;

        /** @param expected how many characters the input holds, if known; a chunk never needs to be larger */
        Decoder(InputStream in, int expected) {
            this.in = in;
            int chunk = (int) Math.min(TEXT_CHUNK, ((long) Math.max(expected, 64) + 3) / 4 * 4);
            this.raw = new byte[chunk];
            this.text = new byte[chunk];
            this.decoded = new byte[chunk / 4 * 3];
        }

        @Override
        public int read() throws IOException {
            while (decodedStart == decodedEnd) {
                if (!fill()) {
                    return -1;
                }
            }
            return decoded[decodedStart++] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            while (decodedStart == decodedEnd) {
                if (!fill()) {
                    return -1;
                }
            }
            int count = Math.min(length, decodedEnd - decodedStart);
            System.arraycopy(decoded, decodedStart, buffer, offset, count);
            decodedStart += count;
            return count;
        }

        @Override
        public int available() {
            return decodedEnd - decodedStart;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        /** Collects a full chunk of base64 characters (or the last, shorter one) and decodes it; false at the end. */
        private boolean fill() throws IOException {
            while (textFilled < text.length && !endOfInput) {
                int read = in.read(raw, 0, text.length - textFilled);
                if (read < 0) {
                    endOfInput = true;
                } else {
                    textFilled = filter(read, textFilled);
                }
            }
            if (textFilled == 0) {
                return false;
            }
            decodedEnd = decode(textFilled == text.length ? text : Arrays.copyOf(text, textFilled));
            decodedStart = 0;
            textFilled = 0;
            return true;
        }

        /**
         * Appends the base64 characters of {@code raw[0, read)} to the text, a word at a time. Each word is stored
         * whole and the position advances past its printable prefix (the inside of a base64 line); the first
         * character that is not printable is skipped if it is white space (CR, LF, a space, a tab), otherwise kept,
         * and the next word read from just after it, so a standard 76-character line followed by CRLF is copied as ten
         * words with one check at the end. Every character that is not white space is kept here and in
         * {@link #filterBytes}, whichever path meets it, and refused by the decoder if it is not base64: the text is
         * the same however the input was split into reads. The text never advances faster than the input, so a
         * whole-word store ends within the chunk when its read does.
         */
        private int filter(int read, int filled) {
            int i = 0;
            while (i + Long.BYTES <= read) {
                if (i + LINE + 2 <= read && raw[i + LINE] == '\r' && raw[i + LINE + 1] == '\n' && copiedLine(i, filled)) {
                    i += LINE + 2;
                    filled += LINE;
                    continue;
                }
                long word = Words.get(raw, i);
                Words.set(text, filled, word);
                long marked = Words.notPrintable(word);
                if (marked == 0) {
                    i += Long.BYTES;
                    filled += Long.BYTES;
                } else {
                    int printable = Words.firstMarked(marked);
                    filled += printable + KEPT[raw[i + printable] & 0xFF];
                    i += printable + 1;
                }
            }
            return filterBytes(i, read, filled);
        }

        /**
         * Copies the 76 characters at {@code raw[from]}, which a CRLF follows, to the text: ten independent words (the
         * last overlapping), no branch between them. True if all were printable, so that the copy stands; otherwise
         * the caller goes on word by word from {@code from}, overwriting it.
         */
        private boolean copiedLine(int from, int filled) {
            long marked = 0;
            for (int k = 0; k < LINE - Long.BYTES; k += Long.BYTES) {
                long word = Words.get(raw, from + k);
                Words.set(text, filled + k, word);
                marked |= Words.notPrintable(word);
            }
            long last = Words.get(raw, from + LINE - Long.BYTES);
            Words.set(text, filled + LINE - Long.BYTES, last);
            return (marked | Words.notPrintable(last)) == 0;
        }

        private int filterBytes(int from, int to, int filled) {
            for (int i = from; i < to; i++) {
                byte c = raw[i];
                text[filled] = c;
                filled += KEPT[c & 0xFF];
            }
            return filled;
        }

        /**
         * Decodes one chunk. A chunk that ended in padding ends the data: the JDK refuses text after the padding within
         * a chunk, and this refuses it in the chunks after, so that where a chunk ends changes nothing.
         */
        private int decode(byte[] quanta) throws IOException {
            if (padded) {
                throw new IOException("Corrupt base64: text after the padding");
            }
            padded = quanta[quanta.length - 1] == '=';
            try {
                return Base64.getDecoder().decode(quanta, decoded);
            } catch (IllegalArgumentException e) {
                throw new IOException("Corrupt base64: " + e.getMessage(), e);
            }
        }

        /** 0 for white space (CR, LF, space, tab), which is skipped; 1 for every other character, which is kept. */
        private static final byte[] KEPT = keptCharacters();

        private static byte[] keptCharacters() {
            byte[] table = new byte[256];
            Arrays.fill(table, (byte) 1);
            for (char c : new char[] {'\r', '\n', ' ', '\t'}) {
                table[c] = 0;
            }
            return table;
        }
    }
}
