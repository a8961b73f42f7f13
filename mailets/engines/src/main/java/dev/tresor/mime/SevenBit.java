package dev.tresor.mime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

/**
 * Re-encodes 8-bit and binary content so that it survives any relay unchanged: text parts become quoted-printable,
 * everything else base64; multiparts and attached messages are walked and keep their structure. Used only when a
 * message about to be signed is not 7-bit already (the fast path signs the bytes as they are). A message nested deeper
 * than {@link Nesting#LIMIT} levels is refused.
 */
public final class SevenBit {
    private SevenBit() {
    }

    /**
     * Returns the entity (content headers, blank line, body) as 7-bit bytes with CRLF line ends.
     *
     * @param entity content headers followed by the raw body, as one MIME entity
     */
    public static ByteSink encode(byte[] entity, int length) throws MessagingException, IOException {
        MimeMessage scratch = new MimeMessage(Mime.SESSION, new javax.mail.util.SharedByteArrayInputStream(entity, 0, length));
        if (Nesting.deeperThan(scratch, Nesting.LIMIT)) {
            // the walk below and javax.mail's saveChanges() recurse once per level
            throw new MessagingException("MIME parts nested deeper than " + Nesting.LIMIT + " levels");
        }
        reencode(scratch);
        scratch.saveChanges();
        ByteSink written = new ByteSink(length + length / 3 + 1024);
        scratch.writeTo(written);
        MimeMessage reparsed = written.toMessage();
        ByteSink result = new ByteSink(written.size());
        MimeEntity parsed = MimeEntity.of(reparsed);
        parsed.writeContentHeaders(result);
        result.crlf();
        ByteSink body = new ByteSink(written.size());
        parsed.copyBody(body);
        Canonical.toCrlf(body.array(), 0, body.size(), result);
        return result;
    }

    private static void reencode(Part part) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                reencode(multipart.getBodyPart(i));
            }
            part.setContent(multipart);
        } else if (part.isMimeType("message/rfc822")) {
            Object content = part.getContent();
            if (content instanceof MimeMessage) {
                MimeMessage attached = (MimeMessage) content;
                reencode(attached);
                attached.saveChanges();
                part.setContent(attached, "message/rfc822");
                setEncoding(part, "7bit");
            }
        } else if (needsEncoding(part)) {
            ByteSink decoded = new ByteSink(8192);
            try (InputStream in = DecodedContent.of(part)) {
                decoded.readFrom(in);
            }
            String contentType = part.getContentType();
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(decoded.toByteArray(), contentType)));
            part.setHeader("Content-Type", contentType);
            setEncoding(part, part.isMimeType("text/*") ? "quoted-printable" : "base64");
        }
    }

    private static boolean needsEncoding(Part part) throws MessagingException, IOException {
        String[] values = part.getHeader("Content-Transfer-Encoding");
        String encoding = values == null ? "7bit" : values[0].trim().toLowerCase(Locale.ROOT);
        if (encoding.equals("base64") || encoding.equals("quoted-printable")) {
            return false;
        }
        ByteSink raw = new ByteSink(4096);
        try (InputStream in = rawStream(part)) {
            raw.readFrom(in);
        }
        return !Canonical.scan(raw.array(), 0, raw.size()).isSevenBit();
    }

    private static InputStream rawStream(Part part) throws MessagingException {
        if (part instanceof MimeBodyPart) {
            return ((MimeBodyPart) part).getRawInputStream();
        }
        return ((MimeMessage) part).getRawInputStream();
    }

    private static void setEncoding(Part part, String encoding) throws MessagingException {
        part.setHeader("Content-Transfer-Encoding", encoding);
    }
}
