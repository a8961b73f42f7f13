package dev.tresor.mime;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import dev.tresor.pgp.PgpForm;

class DecodedContentTest {
    /** A uuencoded body whose {@code begin} line is too short: javax.mail's decoder throws StringIndexOutOfBounds. */
    private static final String SHORT_BEGIN_LINE = "From: alice@globex.example\r\n"
        + "To: bob@acme.example\r\n"
        + "Content-Type: text/plain\r\n"
        + "Content-Transfer-Encoding: x-uuencode\r\n"
        + "\r\n"
        + "begin\r\n"
        + "M\r\n";

    @Test
    void aDamagedUuencodedBodyShouldBeAnIOExceptionNotAnIndexOutOfBounds() throws Exception {
        MimeMessage message = parse(SHORT_BEGIN_LINE);

        assertThatThrownBy(message.getInputStream()::read).isInstanceOf(IndexOutOfBoundsException.class);
        try (InputStream body = DecodedContent.of(message)) {
            assertThatThrownBy(body::read)
                .isInstanceOf(IOException.class)
                .hasMessage("the body's transfer encoding is damaged");
        }
    }

    /** DetectionFuzzTest's 10-minute run: PgpForm let javax.mail's StringIndexOutOfBoundsException escape. */
    @Test
    void pgpDetectionShouldAnswerForADamagedUuencodedBody() throws Exception {
        assertThat(PgpForm.of(parse(SHORT_BEGIN_LINE))).isEqualTo(PgpForm.NONE);
    }

    @Test
    void anIntactBodyShouldReadAsJavaMailDecodesIt() throws Exception {
        MimeMessage message = parse("Content-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "caf=C3=A9 =3D ok\r\n");

        try (InputStream body = DecodedContent.of(message)) {
            assertThat(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("café = ok\r\n");
        }
    }

    @Test
    void theRawBodyShouldDecodeAsTheParsedContentDoes() throws Exception {
        for (String encoding : new String[] {"quoted-printable", "base64", "7bit", "8bit", "binary"}) {
            MimeMessage original = new MimeMessage(Session.getInstance(new Properties()));
            original.setText("caf\u00e9 = ok\r\n-----BEGIN PGP MESSAGE-----\r\n", "UTF-8");
            original.setHeader("Content-Transfer-Encoding", encoding);
            java.io.ByteArrayOutputStream written = new java.io.ByteArrayOutputStream();
            original.writeTo(written);
            MimeMessage message = parse(written.toString(java.nio.charset.StandardCharsets.ISO_8859_1));

            try (InputStream raw = DecodedContent.ofRawBody(message); InputStream parsed = DecodedContent.of(message)) {
                assertThat(raw.readAllBytes()).as(encoding).isEqualTo(parsed.readAllBytes());
            }
        }
    }

    @Test
    void theRawBodyOfAMessageWithoutTransferEncodingShouldBeTheBodyAsItIs() throws Exception {
        try (InputStream body = DecodedContent.ofRawBody(parse("Content-Type: text/plain\r\n\r\nas it is\r\n"))) {
            assertThat(new String(body.readAllBytes(), US_ASCII)).isEqualTo("as it is\r\n");
        }
    }

    @Test
    void anUnknownTransferEncodingShouldBeAnIOExceptionFromTheRawBodyToo() throws Exception {
        MimeMessage message = parse("Content-Type: text/plain\r\nContent-Transfer-Encoding: x-unheard-of\r\n\r\nbody\r\n");

        assertThatThrownBy(() -> DecodedContent.ofRawBody(message)).isInstanceOf(IOException.class)
            .hasMessageContaining("x-unheard-of");
        assertThat(PgpForm.of(message)).isEqualTo(PgpForm.NONE);
    }

    @Test
    void aMessageBuiltInMemoryShouldBeReadThroughItsContent() throws Exception {
        MimeMessage built = new MimeMessage(Session.getInstance(new Properties()));
        built.setText("built, never written", "UTF-8");

        try (InputStream body = DecodedContent.ofRawBody(built)) {
            assertThat(new String(body.readAllBytes(), US_ASCII)).isEqualTo("built, never written");
        }
    }

    private static MimeMessage parse(String text) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(text.getBytes(US_ASCII)));
    }
}
