package dev.tresor.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.SharedInputStream;

/**
 * A new message made of pieces: text written by an engine, and ranges of arrays it already holds, such as the body of
 * the message being signed, taken as they are rather than copied. A signed megabyte then costs no second megabyte of
 * memory, nor the time to zero and fill it. The ranges are shared: nothing may write to them afterwards.
 */
public final class Pieces {
    private final List<byte[]> arrays = new ArrayList<>();
    private final List<int[]> ranges = new ArrayList<>();

    /** Adds what the sink holds now; the sink must not be written to afterwards. */
    public Pieces add(ByteSink sink) {
        return add(sink.array(), 0, sink.size());
    }

    /** Adds {@code array[start, end)}. */
    public Pieces add(byte[] array, int start, int end) {
        if (start < 0 || end < start || end > array.length) {
            throw new IndexOutOfBoundsException("range " + start + ".." + end + " of " + array.length);
        }
        if (end > start) {
            arrays.add(array);
            ranges.add(new int[] {start, end});
        }
        return this;
    }

    public long size() {
        long size = 0;
        for (int[] range : ranges) {
            size += range[1] - range[0];
        }
        return size;
    }

    /** The pieces as one message whose body stays these pieces (see {@link ParsedMessage}). */
    public MimeMessage toMessage() throws MessagingException {
        int count = arrays.size();
        byte[][] pieceArrays = arrays.toArray(new byte[0][]);
        int[] starts = new int[count];
        long[] offsets = new long[count + 1];
        for (int i = 0; i < count; i++) {
            starts[i] = ranges.get(i)[0];
            offsets[i + 1] = offsets[i] + ranges.get(i)[1] - starts[i];
        }
        return new ParsedMessage(new MessageBytes() {
            @Override
            public long length() {
                return offsets[count];
            }

            @Override
            public InputStream newStream() {
                return new Stream(pieceArrays, starts, offsets, 0, offsets[count]);
            }
        });
    }

    /**
     * The pieces as one stream from {@code from} to {@code to} in their joined positions; javax.mail reads the headers
     * from it and keeps the body as a {@link #newStream} of the rest, as it does with a {@code SharedByteArrayInputStream}.
     */
    static final class Stream extends InputStream implements SharedInputStream {
        private final byte[][] arrays;
        private final int[] starts;
        /** offsets[i]: the joined position where piece i begins; offsets[count]: the total. */
        private final long[] offsets;
        private final long from;
        private final long to;
        private long position;
        private long mark;
        private int piece;

        Stream(byte[][] arrays, int[] starts, long[] offsets, long from, long to) {
            this.arrays = arrays;
            this.starts = starts;
            this.offsets = offsets;
            // clamped to the pieces, as a SharedByteArrayInputStream is to its array
            this.to = Math.min(to, offsets[arrays.length]);
            this.from = Math.min(from, this.to);
            this.position = this.from;
            this.mark = this.from;
            this.piece = pieceAt(this.from);
        }

        private int pieceAt(long joined) {
            int i = 0;
            while (i < arrays.length && offsets[i + 1] <= joined) {
                i++;
            }
            return i;
        }

        @Override
        public int read() {
            if (position >= to) {
                return -1;
            }
            while (offsets[piece + 1] <= position) {
                piece++;
            }
            int b = arrays[piece][starts[piece] + (int) (position - offsets[piece])] & 0xFF;
            position++;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position >= to) {
                return -1;
            }
            int total = 0;
            while (total < length && position < to) {
                while (offsets[piece + 1] <= position) {
                    piece++;
                }
                long pieceEnd = Math.min(offsets[piece + 1], to);
                int count = (int) Math.min(length - total, pieceEnd - position);
                System.arraycopy(arrays[piece], starts[piece] + (int) (position - offsets[piece]), buffer, offset + total, count);
                total += count;
                position += count;
            }
            return total;
        }

        /** Writes the rest straight from the pieces, in {@link Chunked} pieces, without a buffer between. */
        @Override
        public long transferTo(OutputStream out) throws IOException {
            long total = 0;
            while (position < to) {
                while (offsets[piece + 1] <= position) {
                    piece++;
                }
                long pieceEnd = Math.min(offsets[piece + 1], to);
                int count = (int) (pieceEnd - position);
                Chunked.write(arrays[piece], starts[piece] + (int) (position - offsets[piece]), count, out);
                total += count;
                position += count;
            }
            return total;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, to - position));
            position += skipped;
            piece = pieceAt(position);
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, to - position);
        }

        @Override
        public boolean markSupported() {
            return true;
        }

        @Override
        public void mark(int readLimit) {
            mark = position;
        }

        @Override
        public void reset() {
            position = mark;
            piece = pieceAt(position);
        }

        /** Relative to this stream's start, as {@code SharedByteArrayInputStream.getPosition()} is. */
        @Override
        public long getPosition() {
            return position - from;
        }

        @Override
        public InputStream newStream(long start, long end) {
            if (start < 0) {
                throw new IllegalArgumentException("start < 0");
            }
            long newTo = end == -1 ? to : from + end;
            return new Stream(arrays, starts, offsets, from + start, newTo);
        }
    }
}
