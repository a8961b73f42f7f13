package dev.tresor.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * {@link Base64Lines} against the JDK's base64 codec. The first byte of the input seeds how the text is read (the sizes
 * of the reads underneath the decoder, of the reads taken from it, and the size hint) and how the bytes are handed to
 * the encoder; the rest is the text. Contract: the decoder answers with bytes or an {@link IOException} that says the
 * base64 is corrupt, the same answer however the input is read, and the JDK MIME decoder's answer wherever the two
 * follow the same rule ({@link Base64Reference}); the encoder writes what the JDK's MIME encoder writes.
 */
class Base64LinesFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void decodingShouldDependOnTheTextOnly(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        long splits = input[0];
        byte[] text = Arrays.copyOfRange(input, 1, input.length);

        Decoded whole = decode(Base64Lines.decoder(new ByteArrayInputStream(text)), new Random(splits));
        Decoded pieces = decode(Base64Lines.decoder(new PiecewiseInputStream(text, new Random(splits)), sizeHint(text, splits)),
            new Random(~splits));

        assertThat(pieces).as("read in pieces").isEqualTo(whole);
        Base64Reference.expected(text).ifPresent(expected -> assertThat(whole).as("the JDK's MIME decoder").isEqualTo(expected));
        assertThat(encode(text, new Random(splits))).isEqualTo(Base64.getMimeEncoder().encodeToString(text));
    }

    /** A hint from a tenth of the text to twice its size: the decoder must not depend on it. */
    private static int sizeHint(byte[] text, long seed) {
        return (int) (text.length / 10 + Math.floorMod(seed * 7919, text.length * 2L + 1));
    }

    private static Decoded decode(InputStream decoder, Random reads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (decoder) {
            byte[] buffer = new byte[200];
            while (true) {
                if (reads.nextInt(4) == 0) {
                    int b = decoder.read();
                    if (b < 0) {
                        break;
                    }
                    out.write(b);
                } else {
                    int read = decoder.read(buffer, 0, 1 + reads.nextInt(buffer.length));
                    if (read < 0) {
                        break;
                    }
                    out.write(buffer, 0, read);
                }
            }
        } catch (IOException e) {
            assertThat(e).hasMessageStartingWith("Corrupt base64");
            return Decoded.refused();
        }
        return Decoded.of(out.toByteArray());
    }

    private static String encode(byte[] data, Random writes) throws IOException {
        ByteSink sink = new ByteSink(16);
        try (OutputStream encoder = Base64Lines.encoder(sink)) {
            int offset = 0;
            while (offset < data.length) {
                if (writes.nextInt(8) == 0) {
                    encoder.write(data[offset++]);
                } else {
                    int length = Math.min(data.length - offset, 1 + writes.nextInt(300));
                    encoder.write(data, offset, length);
                    offset += length;
                }
            }
        }
        return new String(sink.toByteArray(), StandardCharsets.US_ASCII);
    }

    /** Hands out the bytes in reads of random sizes, as a socket or a mail store might. */
    static final class PiecewiseInputStream extends InputStream {
        private final byte[] bytes;
        private final Random sizes;
        private int position;

        PiecewiseInputStream(byte[] bytes, Random sizes) {
            this.bytes = bytes;
            this.sizes = sizes;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position == bytes.length) {
                return -1;
            }
            int count = Math.min(Math.min(length, bytes.length - position), 1 + sizes.nextInt(100));
            System.arraycopy(bytes, position, buffer, offset, count);
            position += count;
            return count;
        }
    }
}
