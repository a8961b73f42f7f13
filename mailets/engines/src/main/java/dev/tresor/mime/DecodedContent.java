package dev.tresor.mime;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import javax.mail.MessagingException;
import javax.mail.Part;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

/**
 * The decoded body of a part, as {@link Part#getInputStream()} or {@link MimeUtility#decode} give it, except that a
 * damaged transfer encoding is an {@link IOException}. javax.mail's decoders throw unchecked exceptions for some
 * damaged input (its uudecoder a {@code StringIndexOutOfBoundsException} for a short {@code begin} line, found by
 * DetectionFuzzTest's 10-minute run); every caller of ours already reads a damaged body as an {@link IOException}.
 */
public final class DecodedContent {
    private DecodedContent() {
    }

    /** {@code part.getInputStream()}, its decoder's failures as {@link IOException}. */
    public static InputStream of(Part part) throws MessagingException, IOException {
        return new Guarded(part.getInputStream());
    }

    /**
     * The decoded body of a message read from its raw body, as {@link #of} decodes it. James's message class gives the
     * raw body as a stream from its source, whereas {@code getInputStream()} first parses, and so copies, the whole
     * message; for a look at the start of a large body that copy was most of the cost. An unknown transfer encoding is
     * an {@link IOException}, as it is for {@link #of}. A message built in memory, which has no raw body, is read as
     * {@link #of} reads it.
     */
    public static InputStream ofRawBody(MimeMessage message) throws MessagingException, IOException {
        String encoding = message.getEncoding();
        InputStream raw;
        try {
            raw = message.getRawInputStream();
        } catch (MessagingException e) {
            // built in memory, never parsed from bytes: it has no raw body until written
            return of(message);
        }
        if (encoding == null) {
            return new Guarded(raw);
        }
        try {
            return decode(raw, encoding);
        } catch (MessagingException e) {
            raw.close();
            throw new IOException("unknown transfer encoding " + encoding, e);
        }
    }

    /** {@code MimeUtility.decode(raw, encoding)}, its decoder's failures as {@link IOException}. */
    public static InputStream decode(InputStream raw, String encoding) throws MessagingException {
        return new Guarded(MimeUtility.decode(raw, encoding));
    }

    private static final class Guarded extends FilterInputStream {
        Guarded(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                throw damaged(e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return in.read(buffer, offset, length);
            } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                throw damaged(e);
            }
        }

        @Override
        public long skip(long count) throws IOException {
            try {
                return in.skip(count);
            } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                throw damaged(e);
            }
        }

        private static IOException damaged(RuntimeException cause) {
            return new IOException("the body's transfer encoding is damaged", cause);
        }
    }
}
