package dev.tresor.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import javax.mail.util.SharedByteArrayInputStream;

/**
 * The bytes of a stream as one array range, read without a copy when the stream can hand over its own array.
 *
 * <p>javax.mail keeps a parsed message's body in one array and gives it out as a {@code SharedByteArrayInputStream},
 * whose {@code transferTo} (from {@code ByteArrayInputStream}) passes its whole remaining array range in a single
 * {@code write}. Taking that range saves allocating, zeroing and filling a copy of a body that is only read: for a
 * megabyte, about as long as the SHA-256 of a tenth of it. Only those two classes are trusted to write once from their
 * own array; any other stream (which may reuse one buffer for every piece) is copied as it arrives. The range is shared
 * with the message: it must never be written to.
 */
public final class RawBytes {
    private final byte[] array;
    private final int start;
    private final int end;

    private RawBytes(byte[] array, int start, int end) {
        this.array = array;
        this.start = start;
        this.end = end;
    }

    /**
     * Reads {@code in} to its end.
     *
     * @param sizeHint the expected number of bytes, to size a copy when one is needed
     */
    public static RawBytes read(InputStream in, int sizeHint) throws IOException {
        RawBytes shared = ifShared(in);
        if (shared != null) {
            return shared;
        }
        ByteSink copy = new ByteSink(Math.max(0, sizeHint) + 16);
        copy.readFrom(in);
        return new RawBytes(copy.array(), 0, copy.size());
    }

    /**
     * The rest of {@code in} when it is a byte array stream, which gives its bytes without a copy; null for any other
     * stream, which the caller had better stream than hold whole.
     */
    public static RawBytes ifShared(InputStream in) throws IOException {
        if (in.getClass() != SharedByteArrayInputStream.class && in.getClass() != ByteArrayInputStream.class) {
            return null;
        }
        // available() is exactly what is left; a first write of all of it is the stream's own array
        Taker taker = new Taker(in.available());
        in.transferTo(taker);
        return taker.result();
    }

    /** The array the range is in; read only. */
    public byte[] array() {
        return array;
    }

    /** Index of the first byte. */
    public int start() {
        return start;
    }

    /** Index after the last byte. */
    public int end() {
        return end;
    }

    public int length() {
        return end - start;
    }

    /**
     * Takes the range of a first write that holds everything; copies pieces as they arrive otherwise (newer JDKs copy a
     * byte array stream's content through a buffer of their own, reused for every piece).
     */
    private static final class Taker extends OutputStream {
        private final int expected;
        private byte[] whole;
        private int offset;
        private ByteSink copy;

        Taker(int expected) {
            this.expected = expected;
        }

        @Override
        public void write(int b) {
            copying().write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (length == 0) {
                return;
            }
            if (whole == null && copy == null && length == expected) {
                this.whole = bytes;
                this.offset = offset;
                return;
            }
            copying().write(bytes, offset, length);
        }

        private ByteSink copying() {
            if (whole != null) {
                // more than the stream said it held: keep what was taken, then copy the rest
                copy = new ByteSink(expected + 8192);
                copy.write(whole, offset, expected);
                whole = null;
            } else if (copy == null) {
                copy = new ByteSink(expected + 16);
            }
            return copy;
        }

        RawBytes result() {
            if (whole != null) {
                return new RawBytes(whole, offset, offset + expected);
            }
            if (copy == null) {
                return new RawBytes(new byte[0], 0, 0);
            }
            return new RawBytes(copy.array(), 0, copy.size());
        }
    }
}
