package dev.tresor.mime;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

class HeaderOnlyTest {
    private static final String BROKEN_BODY = "--not-the-declared-boundary\r\n\r\nno part starts with it\r\n";

    @Test
    void withHeaderShouldWriteWhatSetHeaderOnAnEditableCopyWrites() throws Exception {
        String[] headers = {
            "From: a@acme.example\r\nSubject: none yet\r\n",
            "From: a@acme.example\r\nX-Tresor-Inbound-TLS: forged\r\nSubject: one\r\n",
            "From: a@acme.example\r\nx-tresor-inbound-tls: first\r\nSubject: two\r\nX-Tresor-Inbound-TLS: second\r\n",
            "From: a@acme.example\r\nSubject: folded\r\n continued\r\n"};
        for (String header : headers) {
            String raw = header + "Content-Type: multipart/mixed; boundary=\"never-used\"\r\n\r\n" + BROKEN_BODY;
            MimeMessage expected = HeaderOnly.editable(parse(raw));
            expected.setHeader("X-Tresor-Inbound-TLS", "yes");

            MimeMessage actual = HeaderOnly.withHeader(parse(raw), "X-Tresor-Inbound-TLS", "yes");

            // the one difference: setHeader keeps the spelling of the name it replaces, withHeader writes it as given
            assertThat(written(actual)).as(header)
                .isEqualTo(written(expected).replace("x-tresor-inbound-tls: yes", "X-Tresor-Inbound-TLS: yes"))
                .endsWith("\r\n\r\n" + BROKEN_BODY);
        }
    }

    @Test
    void theCopyShouldHandOnTheBytesItWasWrittenInto() throws Exception {
        MimeMessage copy = HeaderOnly.withHeader(parse("Subject: s\r\n\r\nbody\r\n"), "X-Tresor-Inbound-TLS", "yes");

        MessageBytes bytes = ((ParsedMessage) copy).bytes();

        assertThat(bytes).isSameAs(((ParsedMessage) copy).bytes());
        assertThat(new String(bytes.newStream().readAllBytes(), ISO_8859_1))
            .isEqualTo("Subject: s\r\nX-Tresor-Inbound-TLS: yes\r\n\r\nbody\r\n");
    }

    @Test
    void aChangedCopyShouldBeWrittenAnew() throws Exception {
        MimeMessage copy = HeaderOnly.editable(parse("Subject: s\r\n\r\nbody\r\n"));
        MessageBytes before = ((ParsedMessage) copy).bytes();

        copy.setHeader("Subject", "changed");

        MessageBytes after = ((ParsedMessage) copy).bytes();
        assertThat(after).isNotSameAs(before);
        assertThat(new String(after.newStream().readAllBytes(), ISO_8859_1)).isEqualTo("Subject: changed\r\n\r\nbody\r\n");
    }

    private static MimeMessage parse(String text) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(text.getBytes(ISO_8859_1)));
    }

    private static String written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(ISO_8859_1);
    }
}
