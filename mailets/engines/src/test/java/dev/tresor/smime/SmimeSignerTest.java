package dev.tresor.smime;

import static dev.tresor.smime.SmimeFixtures.bytes;
import static dev.tresor.smime.SmimeFixtures.mailWithAttachment;
import static dev.tresor.smime.SmimeFixtures.parse;
import static dev.tresor.smime.SmimeFixtures.randomBytes;
import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.ExternalTool;

class SmimeSignerTest {
    private static final TestPki CA = TestPki.ca("Signer test CA");
    private static TestPki.Issued rsaAlice;
    private static TestPki.Issued ecAlice;

    @TempDir
    Path directory;

    @BeforeAll
    static void issue() {
        rsaAlice = CA.issuing("alice@acme.example").rsa().build();
        ecAlice = CA.issue("alice@acme.example");
    }

    @Test
    void opensslShouldVerifyADetachedRsaSignatureAndReturnTheSignedEntity() throws Exception {
        MimeMessage signed = new SmimeSigner(SigningOptions.DEFAULT)
            .sign(textMail("alice@acme.example", "bob@partner.example", "Hello Bob\nSecond line\n"), rsaAlice.privateKey(), rsaAlice.chain());

        String content = opensslVerify(signed);

        assertThat(signed.getContentType()).startsWith("multipart/signed").contains("micalg=sha-256");
        assertThat(signed.getHeader("Subject", null)).isEqualTo("Quarterly figures");
        assertThat(signed.getHeader("Message-ID", null)).isEqualTo("<t1@tresor.test>");
        assertThat(content).contains("Content-Type: text/plain; charset=utf-8").endsWith("Hello Bob\r\nSecond line\r\n");
    }

    @Test
    void theSigningTimeShouldBeEncodedAsBouncyCastleWouldEncodeIt() throws Exception {
        for (String time : new String[] {"2026-12-06T10:11:12Z", "1999-01-02T03:04:05Z", "2049-12-31T23:59:59Z",
            "2050-01-01T00:00:00Z", "2107-06-30T12:00:00Z"}) {
            java.time.Instant instant = java.time.Instant.parse(time);
            org.bouncycastle.asn1.cms.Attribute bouncyCastles = new org.bouncycastle.asn1.cms.Attribute(
                org.bouncycastle.asn1.cms.CMSAttributes.signingTime,
                new org.bouncycastle.asn1.DERSet(new org.bouncycastle.asn1.cms.Time(java.util.Date.from(instant))));

            org.bouncycastle.asn1.cms.Attribute ours = SmimeSigner.signingTime(instant);

            assertThat(ours.getEncoded()).as(time).isEqualTo(bouncyCastles.getEncoded());
            assertThat(org.bouncycastle.asn1.cms.Time.getInstance(ours.getAttrValues().getObjectAt(0)).getDate())
                .isEqualTo(java.util.Date.from(instant));
        }
    }

    @Test
    void opensslShouldVerifyEcdsaSha512AndRsaPssSignatures() throws Exception {
        SigningOptions sha512 = SigningOptions.DEFAULT.withDigest(SigningOptions.Digest.SHA512);
        opensslVerify(new SmimeSigner(sha512).sign(textMail("alice@acme.example", "bob@partner.example", "EC\n"),
            ecAlice.privateKey(), ecAlice.chain()));
        opensslVerify(new SmimeSigner(SigningOptions.DEFAULT.withRsaPadding(SigningOptions.RsaPadding.PSS))
            .sign(textMail("alice@acme.example", "bob@partner.example", "PSS\n"), rsaAlice.privateKey(), rsaAlice.chain()));
    }

    @Test
    void opensslShouldVerifyAnOpaqueSignature() throws Exception {
        MimeMessage signed = new SmimeSigner(SigningOptions.DEFAULT.withFormat(SigningOptions.Format.OPAQUE))
            .sign(textMail("alice@acme.example", "bob@partner.example", "Opaque\n"), rsaAlice.privateKey(), rsaAlice.chain());

        assertThat(SmimeType.of(signed)).isEqualTo(SmimeType.SIGNED_OPAQUE);
        assertThat(opensslVerify(signed)).endsWith("Opaque\r\n");
    }

    @Test
    void signingShouldKeepAnAttachmentByteForByte() throws Exception {
        byte[] attachment = randomBytes(300_000, 1);
        // opaque: the content spans several 64 KiB octet strings, which openssl must join
        for (SigningOptions.Format format : SigningOptions.Format.values()) {
            MimeMessage signed = new SmimeSigner(SigningOptions.DEFAULT.withFormat(format))
                .sign(mailWithAttachment("alice@acme.example", "bob@partner.example", attachment), rsaAlice.privateKey(), rsaAlice.chain());

            MimeMessage inner = parse(opensslVerify(signed).getBytes(StandardCharsets.ISO_8859_1));
            javax.mail.internet.MimeMultipart parts = (javax.mail.internet.MimeMultipart) inner.getContent();
            dev.tresor.mime.ByteSink decoded = new dev.tresor.mime.ByteSink(attachment.length);
            decoded.readFrom(parts.getBodyPart(1).getInputStream());
            assertThat(decoded.toByteArray()).as(format.toString()).isEqualTo(attachment);
        }
    }

    @Test
    void eightBitAndBareLfContentShouldBeSignedAsSevenBitCrlf() throws Exception {
        MimeMessage eightBit = parse(("From: alice@acme.example\nTo: bob@partner.example\nSubject: Umlaute\nMIME-Version: 1.0\n"
            + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGrüße aus Köln\n").getBytes(StandardCharsets.UTF_8));

        MimeMessage signed = new SmimeSigner(SigningOptions.DEFAULT).sign(eightBit, rsaAlice.privateKey(), rsaAlice.chain());

        String content = opensslVerify(signed);
        assertThat(content).contains("Content-Transfer-Encoding: quoted-printable").contains("Gr=C3=BC=C3=9Fe aus K=C3=B6ln");
        byte[] raw = bytes(signed);
        for (byte b : raw) {
            assertThat(b & 0x80).isZero();
        }
    }

    @Test
    void signingWithAKeyThatIsNotTheCertificatesShouldFailWithAReason() throws Exception {
        MimeMessage message = textMail("alice@acme.example", "bob@partner.example", "Hi\n");

        assertThatThrownBy(() -> new SmimeSigner(SigningOptions.DEFAULT).sign(message, ecAlice.privateKey(), rsaAlice.chain()))
            .isInstanceOf(SmimeException.class);
    }

    private String opensslVerify(MimeMessage signed) throws Exception {
        Path in = directory.resolve("signed.eml");
        Files.write(in, bytes(signed));
        SmimeFixtures.writePem(directory.resolve("ca.pem"), CA.certificate());
        return new String(ExternalTool.run(directory, "openssl", "cms", "-verify", "-CAfile", "ca.pem", "-in", "signed.eml"),
            StandardCharsets.ISO_8859_1);
    }
}
