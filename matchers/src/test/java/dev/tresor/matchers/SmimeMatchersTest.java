package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.TestPki;
import dev.tresor.mime.Mime;
import dev.tresor.smime.EncryptionOptions;
import dev.tresor.smime.SigningOptions;
import dev.tresor.smime.SmimeEncryptor;
import dev.tresor.smime.SmimeFixtures;
import dev.tresor.smime.SmimeSigner;

class SmimeMatchersTest {
    private static final String DETACHED = "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; "
        + "micalg=sha-256; boundary=b";
    private static final String LABELLED_ENVELOPED = "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m";
    private static final TestPki CA = TestPki.ca("Matcher test CA");
    private static final TestPki.Issued ALICE = CA.issue("alice@partner.example");
    private static final TestPki.Issued BOB = CA.issue("bob@acme.example");
    private static final String PLAIN = "Content-Type: text/plain";

    @Test
    void isSmimeSignedShouldMatchDetachedAndOpaqueSignaturesOnly() throws Exception {
        GenericMatcher matcher = init(new IsSmimeSigned(), "IsSmimeSigned", null);

        assertThat(matcher.match(mail(DETACHED))).containsExactly(new MailAddress("bob@acme.example"), new MailAddress("carol@acme.example"));
        assertThat(matcher.match(mail(opaqueSigned()))).hasSize(2);
        assertThat(matcher.match(mail(encrypted()))).isEmpty();
        assertThat(matcher.match(mail(PLAIN))).isEmpty();
        assertThat(matcher.match(mail("Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=b"))).isEmpty();
    }

    @Test
    void isSmimeEncryptedShouldMatchARealEnvelopeAndAnythingElseThatOnlyLooksEncrypted() throws Exception {
        GenericMatcher matcher = init(new IsSmimeEncrypted(), "IsSmimeEncrypted", null);

        assertThat(matcher.match(mail(encrypted()))).hasSize(2);
        assertThat(matcher.match(mail(LABELLED_ENVELOPED))).as("plain text labelled enveloped-data: DecryptSmime's verdict")
            .hasSize(2);
        assertThat(matcher.match(mail("Content-Type: application/pkcs7-mime\r\nContent-Transfer-Encoding: base64")))
            .as("garbage base64 without smime-type").hasSize(2);
        assertThat(matcher.match(mail(opaqueSigned()))).isEmpty();
        assertThat(matcher.match(mail(PLAIN))).isEmpty();
    }

    @Test
    void hasValidSmimeSignatureShouldMatchOnlyAValidVerdictOfVerifySmime() throws Exception {
        GenericMatcher matcher = init(new HasValidSmimeSignature(), "HasValidSmimeSignature", null);

        assertThat(matcher.match(withVerdict(mail(DETACHED), "valid"))).hasSize(2);
        assertThat(matcher.match(withVerdict(mail(DETACHED), "untrusted"))).isEmpty();
        assertThat(matcher.match(withVerdict(mail(DETACHED), "invalid"))).isEmpty();
        assertThat(matcher.match(mail(DETACHED))).as("not verified: no attribute").isEmpty();
    }

    @Test
    void aConditionShouldBeRefused() {
        assertThatThrownBy(() -> init(new IsSmimeSigned(), "IsSmimeSigned", "strict")).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> init(new HasValidSmimeSignature(), "HasValidSmimeSignature", "x")).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> init(new IsSmimeEncrypted(), "IsSmimeEncrypted", "x")).isInstanceOf(MessagingException.class);
    }

    private static Mail withVerdict(Mail mail, String status) {
        mail.setAttribute(new Attribute(AttributeName.of("tresor.smime.signature"), AttributeValue.of(Map.<String, AttributeValue<?>>of(
            "status", AttributeValue.of(status), "reason", AttributeValue.of("test")))));
        return mail;
    }

    private static GenericMatcher init(GenericMatcher matcher, String name, String condition) throws MessagingException {
        matcher.init(FakeMatcherConfig.builder().matcherName(name).condition(condition).build());
        return matcher;
    }

    private static Mail mail(String contentType) throws MessagingException {
        String raw = "From: alice@partner.example\r\nTo: bob@acme.example\r\nMIME-Version: 1.0\r\n" + contentType + "\r\n\r\nbody\r\n";
        return mail(new MimeMessage(Mime.SESSION, new SharedByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))));
    }

    private static Mail mail(MimeMessage message) throws MessagingException {
        return FakeMail.builder().name("m").mimeMessage(message).sender("alice@partner.example")
            .recipients("bob@acme.example", "carol@acme.example").build();
    }

    private static MimeMessage plain() throws MessagingException {
        return SmimeFixtures.textMail("alice@partner.example", "bob@acme.example", "body\n");
    }

    private static MimeMessage opaqueSigned() throws Exception {
        return new SmimeSigner(SigningOptions.DEFAULT.withFormat(SigningOptions.Format.OPAQUE))
            .sign(plain(), ALICE.privateKey(), ALICE.chain());
    }

    private static MimeMessage encrypted() throws Exception {
        return new SmimeEncryptor(EncryptionOptions.DEFAULT).encrypt(plain(), java.util.List.of(BOB.certificate()));
    }
}
