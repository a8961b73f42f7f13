package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tresor.mime.Mime;

/**
 * A Content-Type nobody can parse is, by RFC 2045, text/plain: no detection matcher may throw on it (James would send
 * the mail to its error processor), and none may take it for a protected format.
 */
class UnparsableContentTypeTest {
    private static final List<GenericMatcher> DETECTION = List.of(
        new IsSmimeSigned(), new IsSmimeEncrypted(), new IsPgpEncrypted(), new IsPgpSigned(),
        new HasValidSmimeSignature(), new IsNestedTooDeeply());

    @ParameterizedTest
    @ValueSource(strings = {";;;==//\"\"", "multipart/signed; protocol=\"application/pkcs7-signature", "/", "application/pkcs7-mime;;=="})
    void noDetectionMatcherShouldThrowOnAnUnparsableContentTypeNorMatchIt(String contentType) throws Exception {
        for (GenericMatcher matcher : DETECTION) {
            matcher.init(FakeMatcherConfig.builder().matcherName(matcher.getClass().getSimpleName()).build());
            Mail mail = mail(contentType);

            assertThat(matcher.match(mail)).as(matcher.getClass().getSimpleName() + " on Content-Type: " + contentType)
                .isEmpty();
        }
    }

    private static Mail mail(String contentType) throws MessagingException {
        String raw = "From: alice@partner.example\r\nTo: bob@acme.example\r\nMIME-Version: 1.0\r\nContent-Type: " + contentType
            + "\r\n\r\nbody\r\n";
        MimeMessage message = new MimeMessage(Mime.SESSION, new SharedByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII)));
        return FakeMail.builder().name("m").mimeMessage(message).sender("alice@partner.example")
            .recipients("bob@acme.example").build();
    }
}
