package dev.tresor.pdf;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import dev.tresor.mime.ByteSink;
import dev.tresor.smime.SmimeFixtures;

/**
 * Wraps a mail with a large random attachment into a PDF and the outgoing mail around it, both in memory as PdfWrap
 * builds them, writes the PDF taken back out of that mail to the file named by the second argument and prints the heap
 * used. Run in a JVM of its own with a
 * small heap ({@link LargePdfWrapTest}).
 */
public final class LargePdfWrap {
    private LargePdfWrap() {
    }

    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        Path target = Path.of(args[1]);
        MimeMessage message = SmimeFixtures.mailWithAttachment("alice@acme.example", "bob@partner.example",
            SmimeFixtures.randomBytes(size, 25));
        ByteSink pdf = new ByteSink(size + size / 8);
        PdfWrapper.Result result = new PdfWrapper(PdfFonts.defaults(), PdfProtection.DEFAULT).wrap(message, "large".toCharArray(), pdf);
        MimeMessage outgoing = ProtectedMail.compose(message, new MailTemplates(Optional.empty(), "en")
            .render(MailTemplates.Kind.RECIPIENT, "acme", Map.of("subject", "large")), "message.pdf", pdf, new javax.mail.Header("X-Marker", "large"));
        message = null;
        pdf = null;
        MimeMultipart parts = (MimeMultipart) outgoing.getContent();
        try (InputStream in = parts.getBodyPart(1).getInputStream(); OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
        Runtime runtime = Runtime.getRuntime();
        System.out.println("wrapped: " + size + " bytes in " + result.attachments() + " attachment, PDF " + Files.size(target) + " bytes, heap limit "
            + runtime.maxMemory() / (1024 * 1024) + " MiB, used " + (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024) + " MiB");
    }
}
