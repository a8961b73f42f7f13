package dev.tresor.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Base64;

/**
 * Base64 in lines (RFC 2045: 76 characters and CRLF), fast: whole chunks go through the JDK's plain base64 codec, which
 * is intrinsified, and line breaks are added or skipped around it. The JDK's own MIME decoder, which checks every
 * character for a line break, runs about eight times slower here.
 */
public final class Base64Lines {
    private static final int LINE = 76;
    private static final int BYTES_PER_LINE = LINE / 4 * 3;
    private static final int LINES_PER_CHUNK = 1024;

    private Base64Lines() {
    }

    /** An output stream that writes what it is given to the sink as base64 lines; {@link #close()} writes the rest. */
    public static OutputStream encoder(ByteSink sink) {
        return new Encoder(sink);
    }

    /** An input stream of the bytes that the base64 text of {@code in} encodes; characters outside base64 are skipped. */
    public static InputStream decoder(InputStream in) {
        return new Decoder(in);
    }

    private static final class Encoder extends OutputStream {
        private final ByteSink sink;
        private final byte[] chunk = new byte[BYTES_PER_LINE * LINES_PER_CHUNK];
        private final byte[] encoded = new byte[LINE * LINES_PER_CHUNK];
        private int filled;
        private boolean firstLine = true;

        Encoder(ByteSink sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) {
            chunk[filled++] = (byte) b;
            if (filled == chunk.length) {
                flushChunk(filled);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            while (length > 0) {
                int taken = Math.min(length, chunk.length - filled);
                System.arraycopy(bytes, offset, chunk, filled, taken);
                filled += taken;
                offset += taken;
                length -= taken;
                if (filled == chunk.length) {
                    flushChunk(filled);
                }
            }
        }

        @Override
        public void close() {
            if (filled > 0) {
                byte[] rest = new byte[filled];
                System.arraycopy(chunk, 0, rest, 0, filled);
                writeLines(Base64.getEncoder().encode(rest), -1);
                filled = 0;
            }
        }

        private void flushChunk(int length) {
            int written = Base64.getEncoder().encode(chunk, encoded);
            writeLines(encoded, written);
            filled = 0;
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

    private static final class Decoder extends InputStream {
        /** Base64 characters decoded at once: a multiple of 4, so a full chunk is whole quanta. */
        private static final int TEXT_CHUNK = 64 * 1024;

        private final InputStream in;
        private final byte[] raw = new byte[TEXT_CHUNK];
        private final byte[] text = new byte[TEXT_CHUNK];
        private final byte[] decoded = new byte[TEXT_CHUNK / 4 * 3];
        private int textFilled;
        private int decodedStart;
        private int decodedEnd;
        private boolean endOfInput;

        Decoder(InputStream in) {
            this.in = in;
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
         * Appends the base64 characters of {@code raw[0, read)} to the text. A word of printable ASCII (the inside of
         * a base64 line) is copied whole; the others byte by byte, where the position advances only past base64
         * characters, so line breaks and white space drop out without a branch. A printable character outside the
         * alphabet is copied and then refused by the decoder: base64 text holds none.
         */
        private int filter(int read, int filled) {
            int i = 0;
            for (; i + Long.BYTES <= read; i += Long.BYTES) {
                long word = Words.get(raw, i);
                if (Words.notPrintable(word) == 0) {
                    Words.set(text, filled, word);
                    filled += Long.BYTES;
                } else {
                    filled = filterBytes(i, i + Long.BYTES, filled);
                }
            }
            return filterBytes(i, read, filled);
        }

        private int filterBytes(int from, int to, int filled) {
            for (int i = from; i < to; i++) {
                byte c = raw[i];
                text[filled] = c;
                filled += BASE64_CHARACTER[c & 0xFF];
            }
            return filled;
        }

        private int decode(byte[] quanta) throws IOException {
            try {
                return Base64.getDecoder().decode(quanta, decoded);
            } catch (IllegalArgumentException e) {
                throw new IOException("Corrupt base64: " + e.getMessage(), e);
            }
        }

        /** 1 for the characters of base64 and its padding, 0 for everything else (line breaks, spaces). */
        private static final byte[] BASE64_CHARACTER = base64Characters();

        private static byte[] base64Characters() {
            byte[] table = new byte[256];
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
            for (int i = 0; i < alphabet.length(); i++) {
                table[alphabet.charAt(i)] = 1;
            }
            return table;
        }
    }
}
