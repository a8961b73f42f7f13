package dev.tresor.smime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tresor.fuzz.FuzzMaterial;

/** What the S/MIME fuzz tests found, fixed, and kept as unit tests (the inputs are also their seeds). */
class SmimeFuzzFindingsTest {
    private static final String VERIFIER_SEEDS = "SmimeVerifierFuzzTestInputs/anyMailShouldGetAVerdict/";
    private static final String DECRYPTOR_SEEDS = "SmimeDecryptorFuzzTestInputs/anyMailShouldDecryptOrGiveAClearReason/";
    private final SmimeVerifier verifier = new SmimeVerifier(point -> {
        throw new IOException("no network in this test");
    }, Clock.systemUTC());
    private final VerificationOptions options = VerificationOptions.trusting("acme", List.of(FuzzMaterial.certificateAuthority()));

    /**
     * SmimeVerifierFuzzTest: the verdict reason, written into the signature header, named the parser's exception class:
     * "corrupt CMS signature: org.bouncycastle.asn1.ASN1ParsingException: long form definite-length more than 63 bits".
     */
    @Test
    void aCorruptSignatureShouldGetAReasonWithoutTheParsersClassName() throws Exception {
        SmimeVerdict verdict = verifier.verify(FuzzMaterial.parse(seed(VERIFIER_SEEDS + "length-of-more-than-63-bits.eml")), options);

        assertThat(verdict.status()).isEqualTo(SmimeVerdict.Status.INVALID);
        assertThat(verdict.reason()).isEqualTo("the signature is damaged (truncated or not valid CMS)");
    }

    /** The seeds are real: each verifies, so mutations start inside a valid signature. */
    @Test
    void theVerificationSeedsShouldBeValidlySigned() throws Exception {
        for (String name : new String[] {"smime-clearsigned.eml", "smime-opaque.eml", "smime-opaque-binary.eml"}) {
            assertThat(verifier.verify(FuzzMaterial.parse(seed(VERIFIER_SEEDS + name)), options).status()).as(name)
                .isEqualTo(SmimeVerdict.Status.VALID);
        }
    }

    /** SmimeDecryptorFuzzTest: the refusal named the parser's exception class, as the verifier's verdict did. */
    @Test
    void aCorruptEnvelopeShouldBeRefusedWithoutTheParsersClassName() throws Exception {
        byte[] mail = seed(DECRYPTOR_SEEDS + "length-beyond-the-input.eml");

        assertThatThrownBy(() -> new SmimeDecryptor().decrypt(FuzzMaterial.parse(mail), FuzzMaterial.smimeKeys()))
            .isInstanceOf(SmimeException.class)
            .hasMessage("the encrypted content is damaged (truncated or not valid CMS)");
    }

    /** The seeds are real: each opens with the fuzz key (AES-CBC and AES-GCM, base64 and binary). */
    @Test
    void theDecryptionSeedsShouldOpenWithTheFuzzKey() throws Exception {
        for (String name : new String[] {"smime-enveloped.eml", "smime-enveloped-binary.eml", "smime-authenveloped.eml"}) {
            assertThat(new SmimeDecryptor().decrypt(FuzzMaterial.parse(seed(DECRYPTOR_SEEDS + name)), FuzzMaterial.smimeKeys())
                .message()).as(name).isNotNull();
        }
    }

    private static byte[] seed(String name) throws IOException {
        try (InputStream in = SmimeFuzzFindingsTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}
