package dev.tresor.pgp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.FuzzMaterial;
import dev.tresor.fuzz.Refusals;

/**
 * {@link PgpVerifier#verify}, what VerifyPgp calls for every inbound mail, with the signer's key in a real key
 * repository. Seeds: PGP/MIME detached and inline clear-signed mails made by gpg. Contract: always a verdict, never an
 * exception; a verdict that is not valid says why in words an admin can read.
 */
class PgpVerifierFuzzTest {
    private static final PgpVerifier VERIFIER = new PgpVerifier();

    @FuzzTest(maxDuration = "10m")
    void anyMailShouldGetAVerdict(byte[] input) {
        MimeMessage message;
        try {
            message = FuzzMaterial.parse(input);
        } catch (MessagingException e) {
            return;
        }
        PgpVerdict verdict = VERIFIER.verify(message, Optional.of(FuzzMaterial.BOB), FuzzMaterial.pgpKeys());
        assertThat(verdict).isNotNull();
        if (verdict.status() != PgpVerdict.Status.VALID && verdict.status() != PgpVerdict.Status.NONE) {
            Refusals.assertClear(verdict.reason());
        }
    }
}
