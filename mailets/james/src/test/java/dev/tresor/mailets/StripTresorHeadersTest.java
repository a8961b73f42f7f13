package dev.tresor.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StripTresorHeadersTest {
    private StripTresorHeaders mailet;

    @BeforeEach
    void setUp() throws MessagingException {
        mailet = new StripTresorHeaders();
        mailet.init(FakeMailetConfig.builder().mailetName("StripTresorHeaders").build());
    }

    @Test
    void serviceShouldRemoveEveryTresorHeaderWhateverItsCase() throws Exception {
        FakeMail mail = mailWithHeaders(
            "X-Tresor-Signature: valid",
            "x-tresor-inbound-tls: yes",
            "X-TRESOR-Protection: smime",
            "X-Tresor-Signature: valid; signer=ceo@acme.example");

        mailet.service(mail);

        assertThat(mail.getMessage().getHeader("X-Tresor-Signature")).isNull();
        assertThat(mail.getMessage().getHeader("X-Tresor-Inbound-TLS")).isNull();
        assertThat(mail.getMessage().getHeader("X-Tresor-Protection")).isNull();
    }

    @Test
    void serviceShouldKeepOtherHeadersAndTheBody() throws Exception {
        FakeMail mail = mailWithHeaders("X-Tresor-Signature: valid", "X-Tresorish: not ours", "X-Mailer: test");

        mailet.service(mail);

        MimeMessage message = mail.getMessage();
        assertThat(message.getHeader("X-Tresorish", null)).isEqualTo("not ours");
        assertThat(message.getHeader("X-Mailer", null)).isEqualTo("test");
        assertThat(message.getSubject()).isEqualTo("hello");
        assertThat(message.getContent()).asString().contains("body text");
    }

    @Test
    void serviceShouldLeaveHeadersOfBodyPartsUntouched() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        MimeBodyPart part = new MimeBodyPart();
        part.setText("attached");
        part.setHeader("X-Tresor-Signature", "inside an attachment");
        message.setContent(new MimeMultipart(part));
        message.setHeader("X-Tresor-Signature", "forged");
        message.saveChanges();
        FakeMail mail = FakeMail.builder().name("mail").mimeMessage(message).build();

        mailet.service(mail);

        assertThat(mail.getMessage().getHeader("X-Tresor-Signature")).isNull();
        MimeMultipart content = (MimeMultipart) mail.getMessage().getContent();
        assertThat(content.getBodyPart(0).getHeader("X-Tresor-Signature")).containsExactly("inside an attachment");
    }

    @Test
    void serviceShouldNotRewriteAMailWithoutTresorHeaders() throws Exception {
        FakeMail mail = mailWithHeaders("X-Mailer: test");
        String before = asString(mail.getMessage());

        mailet.service(mail);

        assertThat(asString(mail.getMessage())).isEqualTo(before);
    }

    @Test
    void initShouldRejectUnknownParameters() {
        StripTresorHeaders misconfigured = new StripTresorHeaders();

        assertThatThrownBy(() -> misconfigured.init(FakeMailetConfig.builder()
                .mailetName("StripTresorHeaders")
                .setProperty("prefix", "X-Other-")
                .build()))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("prefix");
    }

    private static FakeMail mailWithHeaders(String... headers) throws Exception {
        String raw = String.join("\r\n", headers) + "\r\n"
            + "From: partner@partner.example\r\n"
            + "To: alice@acme.example\r\n"
            + "Subject: hello\r\n"
            + "\r\n"
            + "body text\r\n";
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        return FakeMail.builder().name("mail").mimeMessage(message).build();
    }

    private static String asString(MimeMessage message) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }
}
