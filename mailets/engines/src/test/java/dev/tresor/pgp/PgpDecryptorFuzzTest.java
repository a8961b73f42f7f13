package dev.tresor.pgp;

import static org.assertj.core.api.Assertions.assertThat;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.FuzzMaterial;
import dev.tresor.fuzz.Refusals;

/**
 * {@link PgpDecryptor#decrypt}, what DecryptPgp calls for every inbound mail, with a real key in a real key repository.
 * Seeds: PGP/MIME (armored and binary) and inline mails encrypted, and signed and encrypted, by gpg for that key.
 * Contract: a decrypted message, or a {@link PgpException} that says why, in bounded time and memory. The limits are
 * smaller than the default (same rule, smaller numbers) so that a decompression bomb costs the fuzzer megabytes, not
 * a hundred.
 */
class PgpDecryptorFuzzTest {
    private static final PgpDecryptor DECRYPTOR = new PgpDecryptor(new DecryptionLimits(4L * 1024 * 1024, 100, 256 * 1024));

    @FuzzTest(maxDuration = "10m")
    void anyMailShouldDecryptOrGiveAClearReason(byte[] input) {
        MimeMessage message;
        try {
            message = FuzzMaterial.parse(input);
        } catch (MessagingException e) {
            return;
        }
        try {
            PgpDecryptor.Decrypted decrypted = DECRYPTOR.decrypt(message, FuzzMaterial.pgpKeys());
            assertThat(decrypted).isNotNull();
        } catch (PgpException e) {
            Refusals.assertClear(e);
        }
    }
}
