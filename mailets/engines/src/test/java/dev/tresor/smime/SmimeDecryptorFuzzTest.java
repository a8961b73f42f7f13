package dev.tresor.smime;

import static org.assertj.core.api.Assertions.assertThat;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.FuzzMaterial;
import dev.tresor.fuzz.Refusals;

/**
 * {@link SmimeDecryptor#decrypt}, what DecryptSmime calls for every inbound mail, with a real key offered for every
 * RecipientInfo. Seeds: mails enveloped (AES-CBC, AES-GCM) by openssl for that key, base64 and binary, so the fuzzer
 * mutates the CMS itself. Contract: a decrypted message, or a {@link SmimeException} that says why, in bounded time.
 */
class SmimeDecryptorFuzzTest {
    private static final SmimeDecryptor DECRYPTOR = new SmimeDecryptor();

    @FuzzTest(maxDuration = "10m")
    void anyMailShouldDecryptOrGiveAClearReason(byte[] input) throws MessagingException {
        MimeMessage message;
        try {
            message = FuzzMaterial.parse(input);
        } catch (MessagingException e) {
            return;
        }
        try {
            SmimeDecryptor.Decrypted decrypted = DECRYPTOR.decrypt(message, FuzzMaterial.smimeKeys());
            assertThat(decrypted.message()).isNotNull();
            assertThat(decrypted.key()).isNotNull();
        } catch (SmimeException e) {
            Refusals.assertClear(e);
        }
    }
}
