package dev.tresor.pgp;

import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyGenerator;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;
import org.bouncycastle.openpgp.operator.bc.BcAEADSecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPairGeneratorProvider;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.repository.TestKeyRepository;
import dev.tresor.mime.ByteSink;
import dev.tresor.smime.SmimeFixtures;

/**
 * Signs and encrypts (one-pass signature inside, AES-256 with MDC) a mail with a large random attachment, decrypts it,
 * verifies the signature and compares the attachment byte for byte; prints the heap used at the end. Run in a JVM of
 * its own with a small heap ({@link LargePgpMailTest}): the point is that the whole round trip fits. Keys are v4
 * Ed25519/X25519 keys made by Bouncy Castle, so no gpg is needed in that JVM.
 */
public final class LargePgpMailRoundTrip {
    private static final char[] PASSPHRASE = "large mail".toCharArray();

    private LargePgpMailRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        TestKeyRepository vaults = TestKeyRepository.create(Files.createTempDirectory("tresor-large-pgp"), Clock.systemUTC());
        TenantId acme = vaults.tenant("acme", "acme.example");
        vaults.repository().pgpKeys().addSecretKey(acme, v4Key("Alice <alice@acme.example>"), PASSPHRASE);
        vaults.repository().pgpKeys().addSecretKey(acme, v4Key("Bob <bob@partner.example>"), PASSPHRASE);
        PgpKeyEntry bob = vaults.repository().pgpKeys()
            .encryptionKeys(acme, EmailAddress.of("bob@partner.example"), SelectionPolicy.NEWEST).get(0);
        TenantPgpKeys keys = new TenantPgpKeys(vaults.repository().pgpKeys(), acme);
        byte[] attachment = SmimeFixtures.randomBytes(size, 25);
        byte[] expectedDigest = MessageDigest.getInstance("SHA-256").digest(attachment);

        MimeMessage message = SmimeFixtures.mailWithAttachment("alice@acme.example", "bob@partner.example", attachment);
        attachment = null;
        MimeMessage encrypted = new PgpEncryptor(Clock.systemUTC()).encrypt(message,
            List.of(TenantPgpKeys.encryptionKey(bob, Instant.now()).orElseThrow()),
            vaults.repository().pgpKeys().signingKey(acme, EmailAddress.of("alice@acme.example")));
        message = null;
        PgpDecryptor.Decrypted decrypted = new PgpDecryptor(DecryptionLimits.DEFAULT).decrypt(encrypted, keys);
        encrypted = null;
        PgpVerdict verdict = new PgpVerifier().verify(decrypted.content(), Optional.of(EmailAddress.of("alice@acme.example")), keys);
        if (!verdict.isValid()) {
            throw new AssertionError("Verdict " + verdict);
        }
        MimeMultipart mixed = (MimeMultipart) decrypted.message().getContent();
        ByteSink decoded = new ByteSink(size);
        decoded.readFrom(mixed.getBodyPart(1).getInputStream());
        byte[] actualDigest = MessageDigest.getInstance("SHA-256").digest(decoded.toByteArray());
        if (decoded.size() != size || !Arrays.equals(expectedDigest, actualDigest)) {
            throw new AssertionError("Attachment differs after the round trip: " + decoded.size() + " bytes");
        }
        Runtime runtime = Runtime.getRuntime();
        System.out.println("round trip ok: " + size + " bytes, heap limit " + runtime.maxMemory() / (1024 * 1024) + " MiB, used "
            + (runtime.totalMemory() - runtime.freeMemory()) / (1024 * 1024) + " MiB");
    }

    private static byte[] v4Key(String userId) throws Exception {
        OpenPGPKey key = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), PublicKeyPacket.VERSION_4,
            new BcPGPKeyPairGeneratorProvider(), new BcPGPDigestCalculatorProvider(),
            (passphrase, packet) -> new BcAEADSecretKeyEncryptorBuilder(AEADAlgorithmTags.OCB,
                SymmetricKeyAlgorithmTags.AES_128, new S2K.Argon2Params(1, 1, 10, new SecureRandom())).build(passphrase, packet),
            new BcKeyFingerprintCalculator(), new Date(System.currentTimeMillis() - 60_000))
            .ed25519x25519Key(userId)
            .build(PASSPHRASE.clone());
        return key.getEncoded();
    }
}
