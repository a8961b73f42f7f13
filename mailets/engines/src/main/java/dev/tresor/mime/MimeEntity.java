package dev.tresor.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.ParameterList;
import javax.mail.internet.ParseException;

/**
 * A message taken apart the way S/MIME and PGP/MIME need it: the {@code Content-*} headers travel inside the protected
 * part, every other header stays on the outside, and the body is the raw, still transfer-encoded bytes.
 *
 * <p>Header lines are kept exactly as they arrived (folding included), so that what is signed is what was received.
 */
public final class MimeEntity {
    private final List<String> contentHeaders;
    private final List<String> envelopeHeaders;
    private final ContentType contentType;
    private final Optional<String> transferEncoding;
    private final MimeMessage message;

    private MimeEntity(List<String> contentHeaders, List<String> envelopeHeaders, ContentType contentType,
                       Optional<String> transferEncoding, MimeMessage message) {
        this.contentHeaders = contentHeaders;
        this.envelopeHeaders = envelopeHeaders;
        this.contentType = contentType;
        this.transferEncoding = transferEncoding;
        this.message = message;
    }

    public static MimeEntity of(MimeMessage message) throws MessagingException {
        List<String> content = new ArrayList<>();
        List<String> envelope = new ArrayList<>();
        for (String line : Collections.list(message.getAllHeaderLines())) {
            if (isContentHeader(line)) {
                content.add(line);
            } else {
                envelope.add(line);
            }
        }
        return new MimeEntity(content, envelope, contentType(message), transferEncoding(message), message);
    }

    public static boolean isContentHeader(String headerLine) {
        return headerLine.regionMatches(true, 0, "Content-", 0, 8);
    }

    private static ContentType contentType(MimeMessage message) throws MessagingException {
        return parsed(message.getHeader("Content-Type", null));
    }

    /**
     * A Content-Type value read the way RFC 2045 (5.2) says: a missing or syntactically invalid one means
     * {@code text/plain; charset=us-ascii}. Never throws: what a sender wrote is data, not a reason to stop the mail.
     */
    public static ContentType parsed(String value) {
        if (value != null) {
            try {
                return new ContentType(value);
            } catch (ParseException e) {
                // RFC 2045 default below
            }
        }
        ParameterList charset = new ParameterList();
        charset.set("charset", "us-ascii");
        return new ContentType("text", "plain", charset);
    }

    private static Optional<String> transferEncoding(MimeMessage message) throws MessagingException {
        return Optional.ofNullable(message.getHeader("Content-Transfer-Encoding", null))
            .map(value -> value.trim().toLowerCase(Locale.ROOT));
    }

    /** The {@code Content-*} header lines, as received; empty when the message relies on the text/plain default. */
    public List<String> contentHeaders() {
        return contentHeaders;
    }

    /** Every other header line (From, To, Subject, Message-ID, MIME-Version, Received, ...), in order. */
    public List<String> envelopeHeaders() {
        return envelopeHeaders;
    }

    public ContentType contentType() {
        return contentType;
    }

    public Optional<String> transferEncoding() {
        return transferEncoding;
    }

    public boolean isMimeType(String baseType) {
        return contentType.match(baseType);
    }

    /** The body's size as javax.mail knows it, to size buffers; 0 when unknown. */
    public int bodySizeHint() {
        try {
            return Math.max(0, message.getSize());
        } catch (MessagingException e) {
            return 0;
        }
    }

    /** The raw body, still transfer-encoded; each call opens a new stream. */
    public InputStream rawBody() throws MessagingException {
        return message.getRawInputStream();
    }

    /** Writes the raw body into the sink and returns its length. */
    public int copyBody(ByteSink sink) throws MessagingException, IOException {
        try (InputStream body = rawBody()) {
            return Math.toIntExact(sink.readFrom(body));
        }
    }

    /** Writes the envelope headers, CRLF-terminated, leaving out {@code MIME-Version} (the caller writes its own). */
    public void writeEnvelopeHeaders(ByteSink sink) {
        for (String line : envelopeHeaders) {
            if (!isMimeVersion(line)) {
                sink.headerLine(line);
            }
        }
    }

    /** A {@code MIME-Version} field, however its name is spelt ("Mime-Version", "MIME-Version :"). */
    private static boolean isMimeVersion(String headerLine) {
        int colon = headerLine.indexOf(':');
        boolean continuation = headerLine.startsWith(" ") || headerLine.startsWith("\t");
        return colon > 0 && !continuation && headerLine.substring(0, colon).trim().equalsIgnoreCase("MIME-Version");
    }

    /** Writes the content headers, CRLF-terminated; a message without any gets the explicit RFC 2045 default. */
    public void writeContentHeaders(ByteSink sink) {
        if (contentHeaders.isEmpty()) {
            sink.ascii("Content-Type: text/plain; charset=us-ascii").crlf();
        }
        for (String line : contentHeaders) {
            sink.headerLine(line);
        }
    }

    /**
     * Writes the entity as it is (content headers, blank line, raw body), as encryption takes it, in pieces of at most
     * 64 KiB; a body javax.mail holds in an array is written from there (see {@link RawBytes}), any other is streamed.
     */
    public void writeEntity(OutputStream out) throws MessagingException, IOException {
        ByteSink headers = new ByteSink(1024);
        writeContentHeaders(headers);
        headers.crlf();
        Chunked.write(headers.array(), 0, headers.size(), out);
        try (InputStream body = rawBody()) {
            RawBytes shared = RawBytes.ifShared(body);
            if (shared != null) {
                Chunked.write(shared.array(), shared.start(), shared.length(), out);
            } else {
                Chunked.copy(body, out);
            }
        }
    }

    /**
     * The entity in the canonical 7-bit form that S/MIME and PGP/MIME sign: content headers, blank line and body, with
     * CRLF line ends (a relay may re-encode 8-bit content and so break a signature). A body that is canonical already
     * (the common case) is not copied: the result then refers to the message's own body bytes (see {@link RawBytes}),
     * which must not be written to. Other content is converted once: line ends to CRLF, 8-bit parts re-encoded.
     */
    public Signable signable() throws MessagingException, IOException {
        ByteSink head = new ByteSink(1024);
        writeContentHeaders(head);
        head.crlf();
        RawBytes body;
        try (InputStream in = rawBody()) {
            body = RawBytes.read(in, bodySizeHint());
        }
        Canonical.Scan headScan = Canonical.scan(head.array(), 0, head.size());
        Canonical.Scan bodyScan = Canonical.scan(body.array(), body.start(), body.length());
        if (headScan.isSevenBit() && headScan.isCrlf() && bodyScan.isSevenBit() && bodyScan.isCrlf()) {
            return new Signable(head, body.array(), body.start(), body.end());
        }
        ByteSink written = new ByteSink(head.size() + body.length() + 16);
        written.write(head.array(), 0, head.size());
        written.write(body.array(), body.start(), body.length());
        ByteSink converted;
        if (headScan.isSevenBit() && bodyScan.isSevenBit()) {
            converted = new ByteSink(written.size() + written.size() / 16 + 16);
            Canonical.toCrlf(written.array(), 0, written.size(), converted);
        } else {
            converted = SevenBit.encode(written.array(), written.size());
        }
        return new Signable(converted, new byte[0], 0, 0);
    }

    /** The signable entity: text of its own, then a range of the message's body (possibly empty). */
    public static final class Signable {
        private final ByteSink head;
        private final byte[] body;
        private final int bodyStart;
        private final int bodyEnd;

        private Signable(ByteSink head, byte[] body, int bodyStart, int bodyEnd) {
            this.head = head;
            this.body = body;
            this.bodyStart = bodyStart;
            this.bodyEnd = bodyEnd;
        }

        public long length() {
            return head.size() + (long) (bodyEnd - bodyStart);
        }

        /** Writes the signed bytes, in pieces of at most 64 KiB. */
        public void writeTo(OutputStream out) throws IOException {
            Chunked.write(head.array(), 0, head.size(), out);
            Chunked.write(body, bodyStart, bodyEnd - bodyStart, out);
        }

        /** Adds the signed bytes to a message being built, the body as a shared range. */
        public void addTo(Pieces pieces) {
            pieces.add(head).add(body, bodyStart, bodyEnd);
        }
    }

}
