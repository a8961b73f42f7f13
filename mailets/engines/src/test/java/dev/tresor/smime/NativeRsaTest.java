package dev.tresor.smime;

import static dev.tresor.smime.SmimeFixtures.randomBytes;
import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.mail.internet.MimeMessage;

import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.TestPki;

class NativeRsaTest {
    private static final TestPki CA = TestPki.ca("Native RSA test CA");
    private static TestPki.Issued alice;

    @BeforeAll
    static void issue() {
        alice = CA.issuing("alice@acme.example").rsa().build();
    }

    @Test
    void theNativeProviderShouldLoadOnTheMachinesWeShipFor() {
        // Linux x86-64 is where the shipped server runs and where CI runs: there the native path must be taken
        if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertThat(NativeRsa.provider()).isPresent();
            assertThat(NativeRsa.nativeKey(alice.privateKey())).isPresent();
        }
    }

    @Test
    void aNativeSignatureShouldBeTheJdksByteForByte() throws Exception {
        PrivateKey key = NativeRsa.nativeKey(alice.privateKey()).orElseThrow();
        for (String algorithm : new String[] {"SHA256withRSA", "SHA384withRSA", "SHA512withRSA"}) {
            byte[] data = randomBytes(100_000, algorithm.hashCode());

            assertThat(sign(Signature.getInstance(algorithm, NativeRsa.provider().orElseThrow()), key, data))
                .as(algorithm).isEqualTo(sign(Signature.getInstance(algorithm), alice.privateKey(), data));
        }
    }

    @Test
    void aKeyShouldBeConvertedOnceAndThenFoundAgain() {
        PrivateKey first = NativeRsa.nativeKey(alice.privateKey()).orElseThrow();

        assertThat(NativeRsa.nativeKey(alice.privateKey())).containsSame(first);
        assertThat(first).isNotSameAs(alice.privateKey());
    }

    @Test
    void keysOtherThanRsaShouldStayWithTheirProviders() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);

        assertThat(NativeRsa.nativeKey(ec.generateKeyPair().getPrivate())).isEmpty();
        assertThat(NativeRsa.nativeKey(CA.issue("bob@acme.example").privateKey())).isEmpty();
    }

    @Test
    void aMessageSignedNativelyShouldCarryTheSignatureTheJdkWouldHaveMade() throws Exception {
        MimeMessage signed = new SmimeSigner(SigningOptions.DEFAULT)
            .sign(textMail("alice@acme.example", "bob@partner.example", "Hello Bob\n"), alice.privateKey(), alice.chain());

        SignerInformation signer = signerOf(signed);
        byte[] jdks = sign(Signature.getInstance("SHA256withRSA"), alice.privateKey(), signer.getEncodedSignedAttributes());

        assertThat(signer.getSignature()).isEqualTo(jdks);
        SmimeVerdict verdict = new SmimeVerifier(new HttpCrlFetcher(Duration.ofSeconds(2)), Clock.systemUTC())
            .verify(signed, VerificationOptions.trusting("tenant partner", List.of(CA.certificate())));
        assertThat(verdict.status()).isEqualTo(SmimeVerdict.Status.VALID);
    }

    private static SignerInformation signerOf(MimeMessage signed) throws Exception {
        javax.mail.internet.MimeMultipart parts = (javax.mail.internet.MimeMultipart) signed.getContent();
        byte[] signature = parts.getBodyPart(1).getInputStream().readAllBytes();
        return new CMSSignedData(signature).getSignerInfos().getSigners().iterator().next();
    }

    private static byte[] sign(Signature signature, PrivateKey key, byte[] data) throws Exception {
        signature.initSign(key);
        signature.update(data);
        return signature.sign();
    }
}
