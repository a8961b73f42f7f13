package dev.tresor.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

import dev.tresor.attributes.DecryptionOutcome;
import dev.tresor.mailets.support.UndecryptedMail;

/**
 * The root processor's header mailets on a multipart whose boundary never occurs, in James's own message class: the
 * header changes, the body leaves as it came, and nothing throws (a throw sends the mail to James's error processor).
 */
class BrokenMultipartHeadersTest {
    private static final String BODY =
        "--not-the-declared-boundary\r\n\r\nno part starts with the declared boundary\r\n";
    private static final String RAW = "From: partner@partner.example\r\n"
        + "To: alice@acme.example\r\n"
        + "Subject: broken\r\n"
        + "X-Tresor-Signature: valid\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"declared-but-never-used\"\r\n"
        + "\r\n"
        + BODY;

    @Test
    void markInboundTlsShouldAddItsHeaderToABrokenMultipartAndKeepTheBody() throws Exception {
        MarkInboundTls mailet = new MarkInboundTls();
        mailet.init(FakeMailetConfig.builder().mailetName("MarkInboundTls").build());
        Mail mail = jamesMail();

        mailet.service(mail);

        String written = written(mail.getMessage());
        assertThat(written).contains("X-Tresor-Inbound-TLS: yes\r\n").endsWith("\r\n\r\n" + BODY);
    }

    @Test
    void stripTresorHeadersShouldRemoveAForgedVerdictFromABrokenMultipartAndKeepTheBody() throws Exception {
        StripTresorHeaders mailet = new StripTresorHeaders();
        mailet.init(FakeMailetConfig.builder().mailetName("StripTresorHeaders").build());
        Mail mail = jamesMail();

        mailet.service(mail);

        String written = written(mail.getMessage());
        assertThat(written).doesNotContainIgnoringCase("X-Tresor-Signature").endsWith("\r\n\r\n" + BODY);
    }

    @Test
    void anUndecryptableBrokenMultipartShouldBeDeliveredWithItsFailedVerdict() throws Exception {
        // given a multipart/encrypted-looking mail whose boundary never occurs, which a decryptor cannot open
        Mail mail = jamesMail();

        // when the decrypting mailets record the failure (no onFailure processor: delivered as it came)
        new UndecryptedMail(DecryptionOutcome.SMIME, Optional.empty()).handle(mail, "the encrypted content is damaged");

        // then the verdict is in the header and the body leaves untouched
        assertThat(written(mail.getMessage()))
            .contains("X-Tresor-Decryption: failed; reason=\"the encrypted content is damaged\"\r\n")
            .endsWith("\r\n\r\n" + BODY);
    }

    /** James's own Mail: its setMessage copies the message, so a change made after it would be lost. */
    private static Mail jamesMail() throws Exception {
        return MailImpl.builder().name("broken").mimeMessage(jamesMessage()).build();
    }

    private static MimeMessage jamesMessage() throws Exception {
        return new MimeMessageWrapper(MimeMessageInputStreamSource.create("broken",
            new ByteArrayInputStream(RAW.getBytes(StandardCharsets.US_ASCII))));
    }

    private static String written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
