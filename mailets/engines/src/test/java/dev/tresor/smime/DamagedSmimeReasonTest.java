package dev.tresor.smime;

import static dev.tresor.smime.SmimeFixtures.bytes;
import static dev.tresor.smime.SmimeFixtures.parse;
import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.TestPki;

/**
 * What DecryptSmime and VerifySmime write into X-Tresor-Decryption and X-Tresor-Signature for damaged input: a plain
 * sentence, never the name of a library exception (the exception goes to the log only).
 */
class DamagedSmimeReasonTest {
    static final Pattern EXCEPTION_NAME = Pattern.compile("[a-z]+\\.[a-z]+\\..*Exception");
    private static final TestPki CA = TestPki.ca("Damaged input CA");
    private static final TestPki.Issued BOB = CA.issuing("bob@partner.example").rsa().build();

    @Test
    void aTruncatedEnvelopeShouldFailWithAPlainSentence() throws Exception {
        // given an envelope cut in the middle of its base64 body (whole lines: the base64 is fine, the CMS is not)
        MimeMessage plain = textMail("alice@acme.example", "bob@partner.example", "Secret plans\n".repeat(200));
        MimeMessage encrypted = new SmimeEncryptor(EncryptionOptions.DEFAULT)
            .encrypt(plain, List.of(BOB.certificate()));
        MimeMessage truncated = parse(truncated(bytes(encrypted)));

        // when it is decrypted
        SmimeException failure = catchThrowableOfType(
            () -> new SmimeDecryptor().decrypt(truncated, SmimeFixtures.keyLookup(BOB)), SmimeException.class);

        // then the reason says what is wrong in words, and names no exception
        assertThat(failure.getMessage()).doesNotContainPattern(EXCEPTION_NAME).contains("damaged");
    }

    @Test
    void aTruncatedOpaqueSignatureShouldGetAVerdictInPlainWords() throws Exception {
        MimeMessage plain = textMail("bob@partner.example", "alice@acme.example", "Signed\n".repeat(200));
        MimeMessage signed = new SmimeSigner(SigningOptions.DEFAULT.withFormat(SigningOptions.Format.OPAQUE))
            .sign(plain, BOB.privateKey(), BOB.chain());
        MimeMessage truncated = parse(truncated(bytes(signed)));

        SmimeVerdict verdict = new SmimeVerifier(new HttpCrlFetcher(Duration.ofSeconds(2)), Clock.systemUTC())
            .verify(truncated, VerificationOptions.trusting("tenant acme", List.of(CA.certificate())));

        assertThat(verdict.status()).isNotEqualTo(SmimeVerdict.Status.VALID);
        assertThat(verdict.reason()).doesNotContainPattern(EXCEPTION_NAME);
    }

    /** The header and the first half of the body's lines. */
    static byte[] truncated(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        int body = text.indexOf("\r\n\r\n") + 4;
        String[] lines = text.substring(body).split("\r\n");
        StringBuilder kept = new StringBuilder(text.substring(0, body));
        for (int i = 0; i < lines.length / 2; i++) {
            kept.append(lines[i]).append("\r\n");
        }
        return kept.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
