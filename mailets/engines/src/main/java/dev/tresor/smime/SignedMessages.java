package dev.tresor.smime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

import javax.mail.MessagingException;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;

import dev.tresor.mime.Boundaries;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.Canonical;
import dev.tresor.mime.MimeEntity;

/** New messages made from a verified one: without its signature, or with a verification report in front. */
public final class SignedMessages {
    private SignedMessages() {
    }

    /**
     * The message with its content replaced by the entity that was signed: the outer headers (From, Subject, ...) stay,
     * the signature goes. The body is copied once; the signed entity's bytes are reused as they are.
     */
    public static MimeMessage withoutSignature(MimeMessage signed, MimeBodyPart content) throws MessagingException, IOException {
        ByteSink out = new ByteSink(Math.max(0, content.getSize()) + 8192);
        MimeEntity.of(signed).writeEnvelopeHeaders(out);
        out.ascii("MIME-Version: 1.0").crlf();
        for (String line : Collections.list(content.getAllHeaderLines())) {
            out.headerLine(line);
        }
        out.crlf();
        try (InputStream body = content.getRawInputStream()) {
            out.readFrom(body);
        }
        return out.toMessage();
    }

    /**
     * A {@code multipart/mixed} message: the report first, then the original message, untouched, as
     * {@code message/rfc822}, where the recipient's client can still verify its signature. The outer headers are the
     * original's, so the mail still reads as from the same sender with the same subject.
     *
     * @param reportType {@code text/plain} or {@code text/html}
     */
    public static MimeMessage withReport(MimeMessage original, String report, String reportType)
        throws MessagingException, IOException {
        ByteSink originalBytes = new ByteSink(Math.max(0, original.getSize()) + 16 * 1024);
        original.writeTo(originalBytes);
        String boundary = Boundaries.random("Report");
        ByteSink out = new ByteSink(originalBytes.size() + report.length() * 2 + 16 * 1024);
        MimeEntity.of(original).writeEnvelopeHeaders(out);
        out.ascii("MIME-Version: 1.0").crlf()
            .ascii("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"").crlf()
            .crlf()
            .ascii("--" + boundary).crlf()
            .ascii("Content-Type: " + reportType + "; charset=utf-8").crlf()
            .ascii("Content-Transfer-Encoding: base64").crlf()
            .ascii("Content-Disposition: inline").crlf()
            .crlf()
            .base64(report.getBytes(StandardCharsets.UTF_8))
            .crlf()
            .ascii("--" + boundary).crlf()
            .ascii("Content-Type: message/rfc822").crlf();
        if (!Canonical.scan(originalBytes.array(), 0, originalBytes.size()).isSevenBit()) {
            out.ascii("Content-Transfer-Encoding: 8bit").crlf();
        }
        out.ascii("Content-Disposition: inline").crlf()
            .crlf()
            .write(originalBytes.array(), 0, originalBytes.size());
        out.crlf().ascii("--" + boundary + "--").crlf();
        return out.toMessage();
    }
}
