package dev.tresor.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

/**
 * The bytes of a message being built: an output stream over one growing array that becomes a {@link MimeMessage}
 * without another copy. Engines write the new message here once (headers, boundaries, protected content) and hand the
 * array to javax.mail, which parses the headers and keeps the body as a view of the same array.
 */
public final class ByteSink extends OutputStream {
    private byte[] buffer;
    private int size;

    public ByteSink(int expectedSize) {
        this.buffer = new byte[Math.max(256, expectedSize)];
    }

    @Override
    public void write(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }

    /** Writes ASCII text; header lines and boundaries are ASCII by construction. */
    public ByteSink ascii(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        write(bytes, 0, bytes.length);
        return this;
    }

    /**
     * Writes a header line as javax.mail read it: each char one byte (ISO-8859-1), so raw 8-bit header bytes come back
     * unchanged.
     */
    public ByteSink headerLine(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        write(bytes, 0, bytes.length);
        return crlf();
    }

    public ByteSink crlf() {
        ensure(2);
        buffer[size++] = '\r';
        buffer[size++] = '\n';
        return this;
    }

    /** Writes the bytes base64-encoded in lines of 76 characters (RFC 2045), without a final line break. */
    public ByteSink base64(byte[] bytes) {
        try (java.io.OutputStream encoder = Base64Lines.encoder(this)) {
            encoder.write(bytes);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return this;
    }

    /** Copies the stream to its end, reading straight into this buffer. */
    public long readFrom(InputStream in) throws IOException {
        long total = 0;
        while (true) {
            if (size == buffer.length) {
                // full: grow only if there is more, so a buffer of the exact size is never copied at the end
                int next = in.read();
                if (next < 0) {
                    return total;
                }
                ensure(8192);
                buffer[size++] = (byte) next;
                total++;
            }
            int read = in.read(buffer, size, buffer.length - size);
            if (read < 0) {
                return total;
            }
            size += read;
            total += read;
        }
    }

    /** Makes room for {@code more} bytes and returns the array; write there from {@link #size()} on, then {@link #advance}. */
    public byte[] reserve(int more) {
        ensure(more);
        return buffer;
    }

    public void advance(int written) {
        if (written < 0 || size + written > buffer.length) {
            throw new IllegalArgumentException("Cannot advance by " + written);
        }
        size += written;
    }

    /** Forgets everything written after the first {@code newSize} bytes. */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("Cannot truncate " + size + " bytes to " + newSize);
        }
        size = newSize;
    }

    public int size() {
        return size;
    }

    /** The underlying array; valid from 0 to {@link #size()} until the next write. */
    public byte[] array() {
        return buffer;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    public InputStream asInputStream() {
        return new SharedByteArrayInputStream(buffer, 0, size);
    }

    /** The bytes as a message whose body stays these bytes (see {@link ParsedMessage}). */
    public MimeMessage toMessage() throws MessagingException {
        return new ParsedMessage(MessageBytes.of(buffer, size));
    }

    private void ensure(int more) {
        long needed = (long) size + more;
        if (needed > buffer.length) {
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("Message larger than 2 GiB");
            }
            buffer = Arrays.copyOf(buffer, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 16, buffer.length + (long) (buffer.length >> 1))));
        }
    }
}
