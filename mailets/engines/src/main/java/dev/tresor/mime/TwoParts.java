package dev.tresor.mime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import javax.mail.MessagingException;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

/**
 * The two body parts of a {@code multipart/signed} or {@code multipart/encrypted} message (RFC 1847), found by their
 * delimiter lines in the raw body, which is read once, rather than by javax.mail's multipart parser, which copies every
 * part again. Each part is the exact bytes between two delimiters (the line break before a delimiter belongs to it);
 * a part's length is negative when its delimiters leave no room for it, which callers judge.
 */
public final class TwoParts {
    /** Why a body is not two parts between delimiters. */
    public static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        private final String boundary;

        private Malformed(String boundary) {
            super(boundary == null ? "no boundary parameter" : "not two body parts between '--" + boundary + "' delimiters");
            this.boundary = boundary;
        }

        /** True when the content type names no boundary; false when the delimiters do not enclose two parts. */
        public boolean noBoundary() {
            return boundary == null;
        }

        /** The boundary whose delimiters do not enclose two parts. */
        public String boundary() {
            return boundary;
        }
    }

    private final RawBytes body;
    private final String boundary;
    private final Delimiters delimiters;
    private final int first;
    private final int second;
    private final int last;

    private TwoParts(RawBytes body, String boundary, Delimiters delimiters, int first, int second, int last) {
        this.body = body;
        this.boundary = boundary;
        this.delimiters = delimiters;
        this.first = first;
        this.second = second;
        this.last = last;
    }

    public static TwoParts read(MimeMessage message) throws MessagingException, IOException, Malformed {
        String boundary = MimeEntity.of(message).contentType().getParameter("boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw new Malformed(null);
        }
        RawBytes body;
        try (InputStream raw = message.getRawInputStream()) {
            body = RawBytes.read(raw, message.getSize());
        }
        Delimiters delimiters = new Delimiters(body.array(), body.start(), body.end(),
            ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
        int first = delimiters.next(body.start());
        int second = first < 0 ? -1 : delimiters.next(delimiters.lineEnd(first));
        int last = second < 0 ? -1 : delimiters.next(delimiters.lineEnd(second));
        if (last < 0) {
            throw new Malformed(boundary);
        }
        return new TwoParts(body, boundary, delimiters, first, second, last);
    }

    public String boundary() {
        return boundary;
    }

    /** The array the offsets refer to: it holds the raw body, and may be the message's own array: read only. */
    public byte[] bytes() {
        return body.array();
    }

    public int firstStart() {
        return delimiters.lineEnd(first);
    }

    public int firstLength() {
        return delimiters.lineBreakBefore(second) - firstStart();
    }

    public int secondStart() {
        return delimiters.lineEnd(second);
    }

    public int secondLength() {
        return delimiters.lineBreakBefore(last) - secondStart();
    }

    /** Whether the delimiter after the second part is the close delimiter, so that no third part follows. */
    public boolean closed() {
        int after = last + 2 + boundary.length();
        return after + 1 < body.end() && body.array()[after] == '-' && body.array()[after + 1] == '-';
    }

    /** The first part as a view of the body's bytes (empty when its length is negative). */
    public MimeBodyPart firstPart() throws MessagingException {
        return view(firstStart(), firstLength());
    }

    public MimeBodyPart secondPart() throws MessagingException {
        return view(secondStart(), secondLength());
    }

    private MimeBodyPart view(int start, int length) throws MessagingException {
        return new MimeBodyPart(new SharedByteArrayInputStream(body.array(), start, Math.max(0, length)));
    }
}
