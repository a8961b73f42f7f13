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
import java.util.List;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.RecipientInformationStore;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.ExternalTool;
import dev.tresor.mime.ByteSink;

/** Encryption and decryption, each checked against openssl in both directions. */
class SmimeEnvelopeTest {
    private static final TestPki CA = TestPki.ca("Envelope test CA");
    private static TestPki.Issued rsaBob;
    private static TestPki.Issued ecBob;
    private static TestPki.Issued rsaCarol;

    @TempDir
    Path directory;

    @BeforeAll
    static void issue() {
        rsaBob = CA.issuing("bob@partner.example").rsa().build();
        ecBob = CA.issue("bob@partner.example");
        rsaCarol = CA.issuing("carol@partner.example").rsa().build();
    }

    @ParameterizedTest
    @EnumSource(EncryptionOptions.ContentCipher.class)
    void opensslShouldDecryptOurEnvelopeForRsaAndEcRecipients(EncryptionOptions.ContentCipher cipher) throws Exception {
        MimeMessage original = textMail("alice@acme.example", "bob@partner.example", "Secret plans\n");
        MimeMessage encrypted = new SmimeEncryptor(EncryptionOptions.DEFAULT.withContentCipher(cipher))
            .encrypt(original, List.of(rsaBob.certificate(), ecBob.certificate()));

        assertThat(SmimeType.of(encrypted)).isEqualTo(cipher == EncryptionOptions.ContentCipher.AES256_GCM
            ? SmimeType.AUTH_ENVELOPED : SmimeType.ENVELOPED);
        assertThat(encrypted.getHeader("Subject", null)).isEqualTo("Quarterly figures");
        assertThat(new String(bytes(encrypted), StandardCharsets.US_ASCII)).doesNotContain("Secret plans");
        assertThat(opensslDecrypt(encrypted, rsaBob)).contains("Content-Type: text/plain; charset=utf-8").endsWith("Secret plans\r\n");
        assertThat(opensslDecrypt(encrypted, ecBob)).endsWith("Secret plans\r\n");
    }

    @Test
    void opensslShouldDecryptAnOaepEnvelope() throws Exception {
        MimeMessage encrypted = new SmimeEncryptor(EncryptionOptions.DEFAULT.withKeyTransport(EncryptionOptions.KeyTransport.RSA_OAEP))
            .encrypt(textMail("alice@acme.example", "bob@partner.example", "OAEP\n"), List.of(rsaBob.certificate()));

        assertThat(opensslDecrypt(encrypted, rsaBob)).endsWith("OAEP\r\n");
    }

    @ParameterizedTest
    @EnumSource(EncryptionOptions.KeyTransport.class)
    void rsaRecipientsShouldBeNamedByIssuerAndSerialAsBouncyCastleNamesThem(EncryptionOptions.KeyTransport transport)
        throws Exception {
        MimeMessage encrypted = new SmimeEncryptor(EncryptionOptions.DEFAULT.withKeyTransport(transport))
            .encrypt(textMail("alice@acme.example", "bob@partner.example", "Named\n"),
                List.of(rsaBob.certificate(), rsaCarol.certificate()));

        RecipientInformationStore recipients = new CMSEnvelopedData(encrypted.getInputStream()).getRecipientInfos();
        assertThat(recipients.size()).isEqualTo(2);
        assertThat(recipients.get(new JceKeyTransRecipientId(rsaBob.certificate()))).isNotNull();
        assertThat(recipients.get(new JceKeyTransRecipientId(rsaCarol.certificate()))).isNotNull();
        assertThat(recipients.get(new JceKeyTransRecipientId(ecBob.certificate()))).isNull();
    }

    @ParameterizedTest
    @EnumSource(EncryptionOptions.ContentCipher.class)
    void shouldDecryptWhatOpensslEncrypted(EncryptionOptions.ContentCipher cipher) throws Exception {
        Files.writeString(directory.resolve("plain.txt"), "Content-Type: text/plain\r\n\r\nFrom openssl\r\n");
        SmimeFixtures.writePem(directory.resolve("bob.pem"), rsaBob.certificate());
        SmimeFixtures.writePem(directory.resolve("bob-ec.pem"), ecBob.certificate());
        byte[] encrypted = ExternalTool.run(directory, "openssl", "cms", "-encrypt",
            cipher == EncryptionOptions.ContentCipher.AES256_GCM ? "-aes-256-gcm" : "-aes256",
            "-in", "plain.txt", "-from", "alice@acme.example", "-to", "bob@partner.example", "-subject", "From openssl",
            "-recip", "bob.pem", "-keyopt", "rsa_padding_mode:oaep", "-recip", "bob-ec.pem");

        MimeMessage message = parse(encrypted);
        for (TestPki.Issued key : List.of(rsaBob, ecBob)) {
            SmimeDecryptor.Decrypted decrypted = new SmimeDecryptor().decrypt(message, SmimeFixtures.keyLookup(key));

            assertThat(decrypted.message().getContent()).isEqualTo("From openssl\r\n");
            assertThat(decrypted.message().getSubject()).isEqualTo("From openssl");
            assertThat(decrypted.authenticated()).isEqualTo(cipher == EncryptionOptions.ContentCipher.AES256_GCM);
        }
    }

    @Test
    void aDecryptedMessageShouldDeclareMimeVersionExactlyOnce() throws Exception {
        SmimeFixtures.writePem(directory.resolve("bob.pem"), rsaBob.certificate());
        // an entity signed before it was encrypted (openssl's own output) carries a MIME-Version; a bare one does not
        Files.writeString(directory.resolve("with.txt"), "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nWith\r\n");
        Files.writeString(directory.resolve("without.txt"), "Content-Type: text/plain\r\n\r\nWithout\r\n");
        for (String entity : List.of("with.txt", "without.txt")) {
            byte[] encrypted = ExternalTool.run(directory, "openssl", "cms", "-encrypt", "-aes256", "-in", entity,
                "-from", "alice@acme.example", "-to", "bob@partner.example", "-subject", "Once", "-recip", "bob.pem");

            MimeMessage decrypted = new SmimeDecryptor().decrypt(parse(encrypted), SmimeFixtures.keyLookup(rsaBob)).message();

            assertThat(decrypted.getHeader("MIME-Version")).as(entity).containsExactly("1.0");
            assertThat(decrypted.getSubject()).isEqualTo("Once");
        }
    }

    @ParameterizedTest
    @EnumSource(EncryptionOptions.ContentCipher.class)
    void signedMailWithAttachmentShouldRoundTripByteForByte(EncryptionOptions.ContentCipher cipher) throws Exception {
        byte[] attachment = randomBytes(2_000_000, 7);
        MimeMessage signed = new SmimeSigner(SigningOptions.DEFAULT)
            .sign(mailWithAttachment("carol@partner.example", "bob@partner.example", attachment), rsaCarol.privateKey(), rsaCarol.chain());
        byte[] signedBytes = bytes(signed);

        MimeMessage encrypted = new SmimeEncryptor(EncryptionOptions.DEFAULT.withContentCipher(cipher))
            .encrypt(parse(signedBytes), List.of(rsaBob.certificate()));
        MimeMessage decrypted = new SmimeDecryptor().decrypt(parse(bytes(encrypted)), SmimeFixtures.keyLookup(rsaBob)).message();

        assertThat(bytes(decrypted)).isEqualTo(signedBytes);
        MimeMultipart signedParts = (MimeMultipart) decrypted.getContent();
        MimeMultipart mixed = (MimeMultipart) signedParts.getBodyPart(0).getContent();
        ByteSink decoded = new ByteSink(attachment.length);
        decoded.readFrom(mixed.getBodyPart(1).getInputStream());
        assertThat(decoded.toByteArray()).isEqualTo(attachment);
        Files.write(directory.resolve("decrypted.eml"), bytes(decrypted));
        SmimeFixtures.writePem(directory.resolve("ca.pem"), CA.certificate());
        ExternalTool.run(directory, "openssl", "cms", "-verify", "-CAfile", "ca.pem", "-in", "decrypted.eml", "-out", "/dev/null");
    }

    @Test
    void aTamperedGcmEnvelopeShouldNotDecrypt() throws Exception {
        MimeMessage encrypted = new SmimeEncryptor(EncryptionOptions.DEFAULT.withContentCipher(EncryptionOptions.ContentCipher.AES256_GCM))
            .encrypt(textMail("alice@acme.example", "bob@partner.example", "x".repeat(5000) + "\n"), List.of(rsaBob.certificate()));
        byte[] raw = bytes(encrypted);
        String text = new String(raw, StandardCharsets.US_ASCII);
        int middle = text.indexOf("\r\n\r\n") + 2000;
        raw[middle] = (byte) (raw[middle] == 'A' ? 'B' : 'A');

        assertThatThrownBy(() -> new SmimeDecryptor().decrypt(parse(raw), SmimeFixtures.keyLookup(rsaBob)))
            .isInstanceOf(SmimeException.class);
    }

    @Test
    void decryptionShouldFailWithAReasonWithoutAMatchingKey() throws Exception {
        MimeMessage encrypted = new SmimeEncryptor(EncryptionOptions.DEFAULT)
            .encrypt(textMail("alice@acme.example", "bob@partner.example", "Hi\n"), List.of(rsaBob.certificate()));

        assertThatThrownBy(() -> new SmimeDecryptor().decrypt(encrypted, id -> List.of()))
            .isInstanceOf(SmimeException.class)
            .hasMessageContaining("No private key for any recipient");
    }

    @Test
    void corruptEnvelopesShouldFailWithAReason() throws Exception {
        String headers = "From: a@b.example\r\nMIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n";
        for (String body : List.of("", "AAAA", "MIIBkwYJKoZIhvcNAQcDoIIBhDCCAYACAQAx\r\n", "!!!!not base64 at all", "MIAGCSqGSIb3DQEHA6CAMIACAQIxggEnMIIBIwIBADA")) {
            assertThatThrownBy(() -> new SmimeDecryptor().decrypt(parse(headers + body), SmimeFixtures.keyLookup(rsaBob)))
                .isInstanceOf(SmimeException.class);
        }
        assertThatThrownBy(() -> new SmimeDecryptor().decrypt(textMail("a@b.example", "c@d.example", "plain\n"), SmimeFixtures.keyLookup(rsaBob)))
            .isInstanceOf(SmimeException.class)
            .hasMessageContaining("Not an S/MIME encrypted message");
    }

    private String opensslDecrypt(MimeMessage encrypted, TestPki.Issued recipient) throws Exception {
        Files.write(directory.resolve("encrypted.eml"), bytes(encrypted));
        SmimeFixtures.writePem(directory.resolve("recipient.pem"), recipient.certificate());
        SmimeFixtures.writeKey(directory.resolve("recipient.key"), recipient.privateKey());
        return new String(ExternalTool.run(directory, "openssl", "cms", "-decrypt", "-recip", "recipient.pem", "-inkey", "recipient.key",
            "-in", "encrypted.eml"), StandardCharsets.ISO_8859_1);
    }

}
