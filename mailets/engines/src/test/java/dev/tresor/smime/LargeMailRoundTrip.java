package dev.tresor.smime;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import dev.tresor.keys.TestPki;
import dev.tresor.mime.ByteSink;

/**
 * Signs, encrypts, decrypts and verifies a mail with a large random attachment, then compares the attachment byte for
 * byte; prints the heap used at the end. Run in a JVM of its own with a small heap ({@link LargeMailTest}), since the
 * point is that the whole round trip fits.
 */
public final class LargeMailRoundTrip {
    private LargeMailRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        EncryptionOptions.ContentCipher cipher = EncryptionOptions.ContentCipher.valueOf(args[1]);
        SigningOptions.Format format = args.length > 2 ? SigningOptions.Format.valueOf(args[2]) : SigningOptions.Format.DETACHED;
        TestPki ca = TestPki.ca("Large mail CA");
        TestPki.Issued alice = ca.issuing("alice@acme.example").rsa().build();
        TestPki.Issued bob = ca.issuing("bob@partner.example").rsa().build();
        byte[] attachment = SmimeFixtures.randomBytes(size, 25);
        byte[] expectedDigest = MessageDigest.getInstance("SHA-256").digest(attachment);

        MimeMessage message = SmimeFixtures.mailWithAttachment("alice@acme.example", "bob@partner.example", attachment);
        attachment = null;
        MimeMessage signed = new SmimeSigner(new SigningOptions(format, SigningOptions.Digest.SHA256,
            SigningOptions.RsaPadding.PKCS1)).sign(message, alice.privateKey(), alice.chain());
        message = null;
        MimeMessage encrypted = new SmimeEncryptor(EncryptionOptions.DEFAULT.withContentCipher(cipher))
            .encrypt(signed, List.of(bob.certificate()));
        signed = null;
        MimeMessage decrypted = new SmimeDecryptor().decrypt(encrypted, SmimeFixtures.keyLookup(bob)).message();
        encrypted = null;
        SmimeVerdict verdict = new SmimeVerifier(new HttpCrlFetcher(Duration.ofSeconds(1)), Clock.systemUTC())
            .verify(decrypted, VerificationOptions.trusting("large", List.of(ca.certificate())));
        if (!verdict.isValid()) {
            throw new AssertionError("Verdict " + verdict.status() + ": " + verdict.reason());
        }
        MimeMultipart mixed = format == SigningOptions.Format.DETACHED
            ? (MimeMultipart) ((MimeMultipart) decrypted.getContent()).getBodyPart(0).getContent()
            : (MimeMultipart) verdict.signedContent().orElseThrow().getContent();
        ByteSink decoded = new ByteSink(size);
        decoded.readFrom(mixed.getBodyPart(1).getInputStream());
        byte[] actualDigest = MessageDigest.getInstance("SHA-256").digest(decoded.toByteArray());
        if (decoded.size() != size || !Arrays.equals(expectedDigest, actualDigest)) {
            throw new AssertionError("Attachment differs after the round trip: " + decoded.size() + " bytes");
        }
        Runtime runtime = Runtime.getRuntime();
        System.out.println("round trip ok: " + size + " bytes, " + cipher + ", " + format + ", heap limit "
            + runtime.maxMemory() / (1024 * 1024) + " MiB, used " + (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024) + " MiB");
    }
}
