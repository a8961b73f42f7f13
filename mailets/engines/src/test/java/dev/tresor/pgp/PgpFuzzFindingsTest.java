package dev.tresor.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import javax.mail.MessagingException;

import org.junit.jupiter.api.Test;

import dev.tresor.fuzz.FuzzMaterial;

/** What the OpenPGP fuzz tests found, fixed, and kept as unit tests (the inputs are also their seeds). */
class PgpFuzzFindingsTest {
    /**
     * PgpVerifierFuzzTest: a detached signature whose packet Bouncy Castle fails on without a message got the verdict
     * reason "corrupt OpenPGP signature: null".
     */
    @Test
    void aSignaturePacketTheParserFailsOnShouldGetAReasonAboutTheMail() throws Exception {
        byte[] mail = seed("PgpVerifierFuzzTestInputs/anyMailShouldGetAVerdict/signature-packet-failing-without-a-message.eml");

        PgpVerdict verdict = new PgpVerifier().verify(FuzzMaterial.parse(mail), Optional.of(FuzzMaterial.BOB), FuzzMaterial.pgpKeys());

        assertThat(verdict.status()).isEqualTo(PgpVerdict.Status.INVALID);
        assertThat(verdict.reason()).isEqualTo("the OpenPGP signature is damaged (truncated or not valid OpenPGP)");
    }

    /** PgpDecryptorFuzzTest: the refusal read "corrupt OpenPGP packets: unexpected packet in stream: null". */
    @Test
    void aPacketTheParserCannotMakeShouldBeRefusedWithoutANull() throws Exception {
        byte[] mail = seed("PgpDecryptorFuzzTestInputs/anyMailShouldDecryptOrGiveAClearReason/packet-the-parser-cannot-make.eml");

        assertThatThrownBy(() -> new PgpDecryptor(DecryptionLimits.DEFAULT).decrypt(FuzzMaterial.parse(mail), FuzzMaterial.pgpKeys()))
            .isInstanceOf(PgpException.class)
            .hasMessage("the encrypted content is damaged (truncated or not valid OpenPGP)");
    }

    /** The seeds are real: each opens with the fuzz key, so mutations start inside the packets. */
    @Test
    void theDecryptionSeedsShouldOpenWithTheFuzzKey() throws Exception {
        for (String name : new String[] {"pgp-inline-encrypted.eml", "pgp-mime-encrypted.eml", "pgp-mime-encrypted-binary.eml",
            "pgp-mime-signed-encrypted.eml"}) {
            byte[] mail = seed("PgpDecryptorFuzzTestInputs/anyMailShouldDecryptOrGiveAClearReason/" + name);

            assertThat(new PgpDecryptor(DecryptionLimits.DEFAULT).decrypt(FuzzMaterial.parse(mail), FuzzMaterial.pgpKeys()).message())
                .as(name).isNotNull();
        }
    }

    private static byte[] seed(String name) throws IOException, MessagingException {
        try (InputStream in = PgpFuzzFindingsTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
