package dev.tresor.smime;

import static dev.tresor.smime.SmimeFixtures.bytes;
import static dev.tresor.smime.SmimeFixtures.mailWithAttachment;
import static dev.tresor.smime.SmimeFixtures.parse;
import static dev.tresor.smime.SmimeFixtures.randomBytes;
import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.ExternalTool;
import dev.tresor.mime.ByteSink;

class SmimeVerifierTest {
    private static final TestPki CA = TestPki.ca("Verifier test CA");
    private static final TestPki STRANGER_CA = TestPki.ca("Unknown CA");
    private static final String ALICE = "alice@acme.example";
    private static final String BOB = "bob@partner.example";
    private static TestPki.Issued rsaAlice;
    private static TestPki.Issued ecAlice;

    @TempDir
    Path directory;

    private final SmimeVerifier verifier = new SmimeVerifier(new HttpCrlFetcher(Duration.ofSeconds(2)), Clock.systemUTC());
    private final VerificationOptions trustingCa = VerificationOptions.trusting("tenant partner", List.of(CA.certificate()));

    @BeforeAll
    static void issue() {
        rsaAlice = CA.issuing(ALICE).rsa().build();
        ecAlice = CA.issue(ALICE);
    }

    @Test
    void ourDetachedAndOpaqueSignaturesShouldBeValid() throws Exception {
        MimeMessage detached = sign(SigningOptions.DEFAULT, rsaAlice, textMail(ALICE, BOB, "Hello Bob\n"));
        MimeMessage opaque = sign(SigningOptions.DEFAULT.withFormat(SigningOptions.Format.OPAQUE), ecAlice,
            textMail(ALICE, BOB, "Opaque\n"));
        MimeMessage pss = sign(SigningOptions.DEFAULT.withRsaPadding(SigningOptions.RsaPadding.PSS), rsaAlice,
            textMail(ALICE, BOB, "PSS\n"));

        SmimeVerdict verdict = verifier.verify(detached, trustingCa);

        assertThat(verdict.status()).as(verdict.reason()).isEqualTo(SmimeVerdict.Status.VALID);
        assertThat(verdict.signerAddress()).hasValueSatisfying(address -> assertThat(address.asString()).isEqualTo(ALICE));
        assertThat(verdict.signer()).contains(rsaAlice.certificate());
        assertThat(verdict.signingTime()).isPresent();
        assertThat(verdict.signerChain()).containsExactly(rsaAlice.certificate(), CA.certificate());
        assertThat(verdict.signedContent().orElseThrow().getContent()).isEqualTo("Hello Bob\r\n");
        SmimeVerdict opaqueVerdict = verifier.verify(opaque, trustingCa);
        assertThat(opaqueVerdict.status()).as(opaqueVerdict.reason()).isEqualTo(SmimeVerdict.Status.VALID);
        assertThat(opaqueVerdict.signedContent().orElseThrow().getContent()).isEqualTo("Opaque\r\n");
        assertThat(verifier.verify(pss, trustingCa).status()).isEqualTo(SmimeVerdict.Status.VALID);
    }

    @Test
    void opensslDetachedAndOpaqueSignaturesShouldBeValid() throws Exception {
        MimeMessage detached = opensslSign(false);
        MimeMessage opaque = opensslSign(true);

        SmimeVerdict detachedVerdict = verifier.verify(detached, trustingCa);
        SmimeVerdict opaqueVerdict = verifier.verify(opaque, trustingCa);

        assertThat(SmimeType.of(detached)).isEqualTo(SmimeType.SIGNED_DETACHED);
        assertThat(detachedVerdict.status()).as(detachedVerdict.reason()).isEqualTo(SmimeVerdict.Status.VALID);
        assertThat(detachedVerdict.signedContent().orElseThrow().getContent().toString()).startsWith("Hello from openssl");
        assertThat(SmimeType.of(opaque)).isEqualTo(SmimeType.SIGNED_OPAQUE);
        assertThat(opaqueVerdict.status()).as(opaqueVerdict.reason()).isEqualTo(SmimeVerdict.Status.VALID);
    }

    @Test
    void aMessageWithOneBodyByteChangedShouldBeInvalid() throws Exception {
        byte[] raw = bytes(sign(SigningOptions.DEFAULT, rsaAlice, textMail(ALICE, BOB, "Pay 100 EUR to account 1234\n")));
        String text = new String(raw, StandardCharsets.ISO_8859_1).replace("Pay 100 EUR", "Pay 900 EUR");

        SmimeVerdict verdict = verifier.verify(parse(text.getBytes(StandardCharsets.ISO_8859_1)), trustingCa);

        assertThat(verdict.status()).isEqualTo(SmimeVerdict.Status.INVALID);
        assertThat(verdict.reason()).isEqualTo("signature does not match the content (message altered)");
    }

    @Test
    void aSignerFromAnUnknownCaShouldBeUntrusted() throws Exception {
        TestPki.Issued stranger = STRANGER_CA.issue(ALICE);

        SmimeVerdict verdict = verifier.verify(sign(SigningOptions.DEFAULT, stranger, textMail(ALICE, BOB, "Hi\n")), trustingCa);

        assertThat(verdict.status()).isEqualTo(SmimeVerdict.Status.UNTRUSTED);
        assertThat(verdict.reason()).startsWith("no path to a trust anchor of tenant partner");
        assertThat(verdict.signer()).contains(stranger.certificate());
    }

    @Test
    void aFromAddressThatTheCertificateDoesNotNameShouldBeInvalid() throws Exception {
        SmimeVerdict verdict = verifier.verify(sign(SigningOptions.DEFAULT, ecAlice, textMail("eve@acme.example", BOB, "Hi\n")),
            trustingCa);

        assertThat(verdict.status()).isEqualTo(SmimeVerdict.Status.INVALID);
        assertThat(verdict.reason()).startsWith("From address eve@acme.example is not in the signer certificate");
    }

    @Test
    void fromAddressesShouldMatchCaseInsensitively() throws Exception {
        SmimeVerdict verdict = verifier.verify(sign(SigningOptions.DEFAULT, ecAlice,
            textMail("Alice <Alice@ACME.example>", BOB, "Hi\n")), trustingCa);

        assertThat(verdict.status()).as(verdict.reason()).isEqualTo(SmimeVerdict.Status.VALID);
    }

    @Test
    void aCertificateExpiredAtTheSigningTimeShouldBeUntrustedWithTheReason() throws Exception {
        Instant now = Instant.now();
        TestPki.Issued expired = CA.issuing(ALICE).validity(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(35))).build();

        SmimeVerdict verdict = verifier.verify(sign(SigningOptions.DEFAULT, expired, textMail(ALICE, BOB, "Hi\n")), trustingCa);

        assertThat(verdict.status()).isEqualTo(SmimeVerdict.Status.UNTRUSTED);
        assertThat(verdict.reason()).contains("expired on").contains("before the signing time");
    }

    @Test
    void aCertificateRevokedOnTheCrlServedOverHttpShouldBeRevoked() throws Exception {
        try (CrlServer crls = CrlServer.start()) {
            TestPki.Issued revoked = CA.issuing(ALICE).crlDistributionPoint(crls.url()).build();
            Instant now = Instant.now();
            crls.publish(CA.crl(now.minusSeconds(60), now.plus(Duration.ofDays(1)), now.minusSeconds(30), revoked.certificate()));
            SmimeVerifier caching = new SmimeVerifier(new CachingCrlFetcher(new HttpCrlFetcher(Duration.ofSeconds(2)),
                Clock.systemUTC(), 10), Clock.systemUTC());
            MimeMessage signed = sign(SigningOptions.DEFAULT, revoked, textMail(ALICE, BOB, "Hi\n"));

            SmimeVerdict first = caching.verify(signed, trustingCa);
            SmimeVerdict second = caching.verify(signed, trustingCa);

            assertThat(first.status()).as(first.reason()).isEqualTo(SmimeVerdict.Status.REVOKED);
            assertThat(first.reason()).contains("was revoked on").contains("KEY_COMPROMISE");
            assertThat(second.status()).isEqualTo(SmimeVerdict.Status.REVOKED);
            assertThat(crls.requests()).isEqualTo(1);
        }
    }

    @Test
    void aCertificateNotOnTheCrlShouldBeValid() throws Exception {
        try (CrlServer crls = CrlServer.start()) {
            TestPki.Issued good = CA.issuing(ALICE).crlDistributionPoint(crls.url()).build();
            Instant now = Instant.now();
            crls.publish(CA.crl(now.minusSeconds(60), now.plus(Duration.ofDays(1)), now, rsaAlice.certificate()));

            SmimeVerdict verdict = verifier.verify(sign(SigningOptions.DEFAULT, good, textMail(ALICE, BOB, "Hi\n")),
                trustingCa.withRevocation(RevocationPolicy.HARD_FAIL));

            assertThat(verdict.status()).as(verdict.reason()).isEqualTo(SmimeVerdict.Status.VALID);
            assertThat(verdict.reason()).doesNotContain("not checked");
        }
    }

    @Test
    void anUnreachableCrlShouldBeUntrustedWhenHardFailingAndValidWithANoteWhenSoftFailing() throws Exception {
        CrlServer gone = CrlServer.start();
        String url = gone.url();
        gone.close();
        TestPki.Issued signer = CA.issuing(ALICE).crlDistributionPoint(url).build();
        MimeMessage signed = sign(SigningOptions.DEFAULT, signer, textMail(ALICE, BOB, "Hi\n"));

        SmimeVerdict hard = verifier.verify(signed, trustingCa.withRevocation(RevocationPolicy.HARD_FAIL));
        SmimeVerdict soft = verifier.verify(signed, trustingCa.withRevocation(RevocationPolicy.SOFT_FAIL));

        assertThat(hard.status()).isEqualTo(SmimeVerdict.Status.UNTRUSTED);
        assertThat(hard.reason()).startsWith("revocation status unknown").contains(url);
        assertThat(soft.status()).isEqualTo(SmimeVerdict.Status.VALID);
        assertThat(soft.reason()).contains("revocation not checked");
    }

    @Test
    void anOpaqueSignatureOverAlteredContentShouldBeInvalid() throws Exception {
        MimeMessage opaque = sign(SigningOptions.DEFAULT.withFormat(SigningOptions.Format.OPAQUE), rsaAlice,
            textMail(ALICE, BOB, "Pay 100 EUR\n"));
        String raw = new String(bytes(opaque), StandardCharsets.ISO_8859_1);
        int body = raw.indexOf("\r\n\r\n") + 4;
        byte[] der = java.util.Base64.getMimeDecoder().decode(raw.substring(body));
        String cms = new String(der, StandardCharsets.ISO_8859_1);
        int amount = cms.indexOf("Pay 100 EUR");
        assertThat(amount).isPositive();
        der[amount + 4] = '9';
        String tampered = raw.substring(0, body) + java.util.Base64.getMimeEncoder().encodeToString(der) + "\r\n";

        SmimeVerdict verdict = verifier.verify(parse(tampered.getBytes(StandardCharsets.ISO_8859_1)), trustingCa);

        assertThat(verdict.status()).as(verdict.reason()).isEqualTo(SmimeVerdict.Status.INVALID);
    }

    @Test
    void aCertificateWithoutCrlDistributionPointShouldBeUntrustedOnlyWhenHardFailing() throws Exception {
        TestPki.Issued signer = CA.issuing(ALICE).build();
        MimeMessage signed = sign(SigningOptions.DEFAULT, signer, textMail(ALICE, BOB, "Hi\n"));

        SmimeVerdict hard = verifier.verify(signed, trustingCa.withRevocation(RevocationPolicy.HARD_FAIL));
        SmimeVerdict soft = verifier.verify(signed, trustingCa.withRevocation(RevocationPolicy.SOFT_FAIL));

        assertThat(hard.status()).isEqualTo(SmimeVerdict.Status.UNTRUSTED);
        assertThat(hard.reason()).startsWith("revocation status unknown").contains("names no http CRL distribution point");
        assertThat(soft.status()).isEqualTo(SmimeVerdict.Status.VALID);
        assertThat(soft.reason()).contains("revocation not checked").contains("names no http CRL distribution point");
    }

    @Test
    void aCorruptSignatureShouldBeInvalidWithoutAnException() throws Exception {
        String raw = new String(bytes(sign(SigningOptions.DEFAULT, ecAlice, textMail(ALICE, BOB, "Hi\n"))), StandardCharsets.ISO_8859_1);
        int signature = raw.indexOf("smime.p7s\"\r\n\r\n") + "smime.p7s\"\r\n\r\n".length();
        String corrupt = raw.substring(0, signature) + "AAAAAAAAAAAAAAAA" + raw.substring(signature + 16);

        SmimeVerdict verdict = verifier.verify(parse(corrupt.getBytes(StandardCharsets.ISO_8859_1)), trustingCa);

        assertThat(verdict.status()).isEqualTo(SmimeVerdict.Status.INVALID);
        assertThat(verdict.reason()).isNotBlank();
        assertThat(verifier.verify(parse("From: a@b.example\r\nContent-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; "
            + "boundary=x\r\n\r\nno parts at all\r\n"), trustingCa).status()).isEqualTo(SmimeVerdict.Status.INVALID);
    }

    @Test
    void anUnsignedMessageShouldBeNone() throws Exception {
        assertThat(verifier.verify(textMail(ALICE, BOB, "Hi\n"), trustingCa).status()).isEqualTo(SmimeVerdict.Status.NONE);
    }

    @Test
    void aSignedMessageStoredWithBareLineFeedsShouldStillBeValid() throws Exception {
        String raw = new String(bytes(sign(SigningOptions.DEFAULT, ecAlice, textMail(ALICE, BOB, "Line one\nLine two\n"))),
            StandardCharsets.ISO_8859_1).replace("\r\n", "\n");

        SmimeVerdict verdict = verifier.verify(parse(raw.getBytes(StandardCharsets.ISO_8859_1)), trustingCa);

        assertThat(verdict.status()).as(verdict.reason()).isEqualTo(SmimeVerdict.Status.VALID);
    }

    @Test
    void aDetachedSignedMailWithA25MegabyteAttachmentShouldBeValid() throws Exception {
        byte[] attachment = randomBytes(25 * 1024 * 1024, 7);
        MimeMessage signed = sign(SigningOptions.DEFAULT, rsaAlice, mailWithAttachment(ALICE, BOB, attachment));

        SmimeVerdict verdict = verifier.verify(signed, trustingCa);

        assertThat(verdict.status()).as(verdict.reason()).isEqualTo(SmimeVerdict.Status.VALID);
        MimeMultipart parts = (MimeMultipart) verdict.signedContent().orElseThrow().getContent();
        ByteSink decoded = new ByteSink(attachment.length);
        decoded.readFrom(parts.getBodyPart(1).getInputStream());
        assertThat(decoded.toByteArray()).isEqualTo(attachment);
    }

    @Test
    void theReportShouldNameStatusSignerAndReason() throws Exception {
        SmimeVerdict verdict = verifier.verify(sign(SigningOptions.DEFAULT, ecAlice, textMail(ALICE, BOB, "Hi\n")), trustingCa);

        assertThat(VerificationReport.text(verdict)).contains("S/MIME signature check: valid").contains("Signer: " + ALICE)
            .contains(ecAlice.fingerprint().asString());
        assertThat(VerificationReport.html(verdict)).contains("<td>" + ALICE + "</td>").contains("CN=Verifier test CA");
    }

    private static MimeMessage sign(SigningOptions options, TestPki.Issued signer, MimeMessage message) throws Exception {
        return new SmimeSigner(options).sign(message, signer.privateKey(), signer.chain());
    }

    private MimeMessage opensslSign(boolean opaque) throws Exception {
        SmimeFixtures.writePem(directory.resolve("alice.pem"), rsaAlice.certificate());
        SmimeFixtures.writeKey(directory.resolve("alice.key"), rsaAlice.privateKey());
        SmimeFixtures.writePem(directory.resolve("ca.pem"), CA.certificate());
        Files.writeString(directory.resolve("content.txt"), "Content-Type: text/plain; charset=us-ascii\n\nHello from openssl\nBye\n");
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "cms", "-sign", "-in", "content.txt",
            "-signer", "alice.pem", "-inkey", "alice.key", "-certfile", "ca.pem",
            "-from", ALICE, "-to", BOB, "-subject", "Signed by openssl", "-out", "signed.eml"));
        if (opaque) {
            command.add("-nodetach");
        }
        ExternalTool.run(directory, command.toArray(new String[0]));
        return parse(Files.readAllBytes(directory.resolve("signed.eml")));
    }
}
