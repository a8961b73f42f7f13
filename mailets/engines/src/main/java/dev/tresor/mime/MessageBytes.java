package dev.tresor.mime;

import java.io.InputStream;

import javax.mail.util.SharedByteArrayInputStream;

/**
 * A whole message, header and body, as bytes nobody changes any more: one array ({@link ByteSink}) or the pieces of
 * several ({@link Pieces}). Each {@link #newStream()} reads them from the start; javax.mail parses from it without a
 * copy, since it is a {@link javax.mail.internet.SharedInputStream}.
 */
public abstract class MessageBytes {
    MessageBytes() {
    }

    /** The first {@code length} bytes of {@code array}. */
    static MessageBytes of(byte[] array, int length) {
        if (length < 0 || length > array.length) {
            throw new IllegalArgumentException("Cannot take " + length + " bytes of an array of " + array.length);
        }
        return new MessageBytes() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public InputStream newStream() {
                return new SharedByteArrayInputStream(array, 0, length);
            }
        };
    }

    public abstract long length();

    public abstract InputStream newStream();
}
