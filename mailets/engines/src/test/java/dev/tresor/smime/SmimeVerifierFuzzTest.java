package dev.tresor.smime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.FuzzMaterial;
import dev.tresor.fuzz.Refusals;

/**
 * {@link SmimeVerifier#verify}, what VerifySmime and HarvestCertificates call for every inbound mail, trusting the CA
 * of the seeds' signer, with revocation checked (soft-fail) against a CRL source that is never reachable. Seeds: mails
 * signed by openssl, clear-signed and opaque, base64 and binary. Contract: always a verdict, never an exception; a
 * verdict that is not valid says why in words an admin can read.
 */
class SmimeVerifierFuzzTest {
    private static final SmimeVerifier VERIFIER = new SmimeVerifier(
        point -> {
            throw new IOException("no network in fuzz tests");
        },
        Clock.systemUTC());
    private static final VerificationOptions OPTIONS = VerificationOptions.trusting("acme", List.of(FuzzMaterial.certificateAuthority()))
        .withRevocation(RevocationPolicy.SOFT_FAIL);

    @FuzzTest(maxDuration = "10m")
    void anyMailShouldGetAVerdict(byte[] input) {
        MimeMessage message;
        try {
            message = FuzzMaterial.parse(input);
        } catch (MessagingException e) {
            return;
        }
        SmimeVerdict verdict = VERIFIER.verify(message, OPTIONS);
        assertThat(verdict).isNotNull();
        if (verdict.status() == SmimeVerdict.Status.INVALID || verdict.status() == SmimeVerdict.Status.UNTRUSTED) {
            Refusals.assertClear(verdict.reason());
        }
    }
}
