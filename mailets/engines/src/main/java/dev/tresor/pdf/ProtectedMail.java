package dev.tresor.pdf;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import dev.tresor.mime.Base64Lines;
import dev.tresor.mime.Boundaries;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.MimeEntity;

/**
 * The mail a PdfWrap recipient receives: the original's headers (From, To, Cc, Date, Message-ID, threading, ...) with
 * the template's subject, and as content only a short text and the PDF. Nothing of the original content or its
 * attachments is left outside the PDF.
 *
 * <pre>
 * multipart/mixed
 * ├── text/plain; charset=utf-8          the explanation (base64)
 * └── application/pdf; name="..."        the protected mail (base64)
 * </pre>
 *
 * <p>The caller names a marker header that sets the wrapped mail apart (PdfWrap's {@code X-Tresor-Protection: pdf}, so
 * that the chain and an admin can tell it from others); any header of that name in the original is left out.
 */
public final class ProtectedMail {
    private ProtectedMail() {
    }

    /**
     * @param pdfName an ASCII file name, checked by the caller's configuration
     * @param marker the header that marks the wrapped mail, an ASCII name and value
     */
    public static MimeMessage compose(MimeMessage original, MailTemplates.Text text, String pdfName, ByteSink pdf, Header marker)
        throws MessagingException {
        // sized for the whole base64 text of the PDF, so that the sink never grows: a 25 MB attachment has to fit
        // in a 256 MiB heap beside the original and the PDF, and growing would hold two copies for a moment
        ByteSink out = new ByteSink(Math.toIntExact(Base64Lines.encodedCapacity(pdf.size()) + 16 * 1024));
        for (String line : MimeEntity.of(original).envelopeHeaders()) {
            if (!startsWith(line, "MIME-Version:") && !startsWith(line, "Subject:") && !startsWith(line, marker.getName() + ":")) {
                out.headerLine(line);
            }
        }
        String boundary = Boundaries.random("Pdf");
        out.headerLine("Subject: " + encoded(text.subject()));
        out.headerLine(marker.getName() + ": " + marker.getValue());
        out.headerLine("MIME-Version: 1.0");
        out.headerLine("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"");
        out.crlf();
        out.ascii("--" + boundary).crlf();
        out.ascii("Content-Type: text/plain; charset=utf-8").crlf();
        out.ascii("Content-Transfer-Encoding: base64").crlf().crlf();
        byte[] explanation = text.body().replace("\r\n", "\n").replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        base64(out, explanation, explanation.length);
        out.crlf().ascii("--" + boundary).crlf();
        out.ascii("Content-Type: application/pdf; name=\"" + pdfName + "\"").crlf();
        out.ascii("Content-Disposition: attachment; filename=\"" + pdfName + "\"").crlf();
        out.ascii("Content-Transfer-Encoding: base64").crlf().crlf();
        base64(out, pdf.array(), pdf.size());
        out.crlf().ascii("--" + boundary + "--").crlf();
        return out.toMessage();
    }

    private static void base64(ByteSink sink, byte[] bytes, int length) {
        try (OutputStream encoder = Base64Lines.encoder(sink)) {
            encoder.write(bytes, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean startsWith(String line, String name) {
        return line.regionMatches(true, 0, name, 0, name.length());
    }

    private static String encoded(String subject) {
        try {
            return MimeUtility.fold(9, MimeUtility.encodeText(subject, "UTF-8", null));
        } catch (UnsupportedEncodingException e) {
            throw new IllegalStateException("UTF-8 is always supported", e);
        }
    }
}
