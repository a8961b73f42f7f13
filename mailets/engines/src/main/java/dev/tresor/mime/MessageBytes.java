package dev.tresor.mime;

import java.io.InputStream;

import javax.mail.util.SharedByteArrayInputStream;

/** A whole message, header and body, as the first {@link #length()} bytes of an array that nobody changes any more. */
public final class MessageBytes {
    private final byte[] array;
    private final int length;

    MessageBytes(byte[] array, int length) {
        if (length < 0 || length > array.length) {
            throw new IllegalArgumentException("Cannot take " + length + " bytes of an array of " + array.length);
        }
        this.array = array;
        this.length = length;
    }

    public int length() {
        return length;
    }

    /**
     * A new stream over the bytes; javax.mail parses from it without a copy (it is a
     * {@link javax.mail.internet.SharedInputStream}).
     */
    public InputStream newStream() {
        return new SharedByteArrayInputStream(array, 0, length);
    }
}
