package dev.tresor.pgp;

import static dev.tresor.smime.SmimeFixtures.bytes;
import static dev.tresor.smime.SmimeFixtures.parse;
import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.BodyPart;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.internet.MimeMessage;

import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.mime.ByteSink;

/** The engines on their own: round trips, key history, tenants, v6 keys, and every refusal with its reason. */
class PgpEngineTest {
    private static final PgpFixtures KEYS = PgpFixtures.get();

    @TempDir
    Path directory;

    private PgpTestTenants tenants;
    private final PgpEncryptor encryptor = new PgpEncryptor(Clock.systemUTC());
    private final PgpDecryptor decryptor = new PgpDecryptor(DecryptionLimits.DEFAULT);

    @BeforeEach
    void setUp() {
        tenants = new PgpTestTenants(directory);
    }

    @Test
    void anHtmlMailWithAttachmentsAndAnInlineImageShouldSurviveEncryptionPartForPart() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        MimeMessage original = PgpFixtures.htmlMailWithAttachments("bob@partner.example", "alice@acme.example");

        MimeMessage encrypted = encryptor.encrypt(original, tenants.encryptionKeys(tenants.acme, "alice@acme.example"),
            Optional.empty());
        MimeMessage decrypted = decryptor.decrypt(parse(bytes(encrypted)), tenants.keys(tenants.acme)).message();

        assertThat(leaves(decrypted)).hasSize(5);
        List<Leaf> expected = leaves(original);
        List<Leaf> actual = leaves(decrypted);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).path).isEqualTo(expected.get(i).path);
            assertThat(actual.get(i).contentType).isEqualTo(expected.get(i).contentType);
            assertThat(actual.get(i).contentId).isEqualTo(expected.get(i).contentId);
            assertThat(actual.get(i).fileName).isEqualTo(expected.get(i).fileName);
            assertThat(actual.get(i).decoded).as(expected.get(i).path).isEqualTo(expected.get(i).decoded);
        }
        assertThat(decrypted.getSubject()).isEqualTo("Contract für review");
        assertThat(decrypted.getMessageID()).isEqualTo("<html-1@tresor.test>");
        assertThat(PgpForm.of(decrypted)).isEqualTo(PgpForm.NONE);
    }

    @Test
    void eachTenantsMailShouldBeEncryptedOnlyToItsOwnKeyForTheSamePartner() throws Exception {
        // two tenants hold different keys for bob@partner.example: acme the current one, globex the old one
        tenants.addSecret(tenants.acme, KEYS.bobRsa);
        tenants.addSecret(tenants.globex, KEYS.bobOld);
        PgpTestTenants holderOfBoth = new PgpTestTenants(directory.resolve("both"));
        holderOfBoth.addSecret(holderOfBoth.acme, KEYS.bobRsa);
        holderOfBoth.addSecret(holderOfBoth.acme, KEYS.bobOld);

        MimeMessage fromAcme = encryptor.encrypt(textMail("a@acme.example", "bob@partner.example", "acme\n"),
            tenants.encryptionKeys(tenants.acme, "bob@partner.example"), Optional.empty());
        MimeMessage fromGlobex = encryptor.encrypt(textMail("g@globex.example", "bob@partner.example", "globex\n"),
            tenants.encryptionKeys(tenants.globex, "bob@partner.example"), Optional.empty());

        assertThat(openedBy(holderOfBoth, fromAcme)).isEqualTo(KEYS.bobRsa.fingerprint);
        assertThat(openedBy(holderOfBoth, fromGlobex)).isEqualTo(KEYS.bobOld.fingerprint);
        assertThatThrownBy(() -> decryptor.decrypt(fromAcme, tenants.keys(tenants.globex)))
            .isInstanceOf(PgpException.class).hasMessageStartingWith("no private key for any recipient");
        assertThatThrownBy(() -> decryptor.decrypt(fromGlobex, tenants.keys(tenants.acme)))
            .isInstanceOf(PgpException.class).hasMessageStartingWith("no private key for any recipient");
    }

    private String openedBy(PgpTestTenants holder, MimeMessage encrypted) throws Exception {
        return decryptor.decrypt(encrypted, holder.keys(holder.acme)).key().entry().fingerprint().asString();
    }

    @Test
    void mailEncryptedToASupersededKeyShouldStillDecrypt() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.bobOld);
        MimeMessage toOldKey = encryptor.encrypt(textMail("x@globex.example", "bob@partner.example", "old times\n"),
            tenants.encryptionKeys(tenants.acme, "bob@partner.example"), Optional.empty());
        tenants.addSecret(tenants.acme, KEYS.bobRsa);
        tenants.vault().setStatus(tenants.acme, PgpFingerprint.of(KEYS.bobOld.fingerprint), KeyStatus.SUPERSEDED);

        PgpDecryptor.Decrypted decrypted = decryptor.decrypt(toOldKey, tenants.keys(tenants.acme));

        assertThat(tenants.encryptionKeys(tenants.acme, "bob@partner.example")).hasSize(1)
            .allMatch(key -> !hex(key).equals(KEYS.bobOld.fingerprint));
        assertThat(decrypted.key().entry().fingerprint().asString()).isEqualTo(KEYS.bobOld.fingerprint);
        assertThat(decrypted.message().getContent()).isEqualTo("old times\r\n");
    }

    @Test
    void anyRecipientKeyShouldOpenTheOneMessageEncryptedToAllAtOnce() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        tenants.addSecret(tenants.globex, KEYS.anna25519);
        List<PGPPublicKey> both = new ArrayList<>(tenants.encryptionKeys(tenants.acme, "alice@acme.example"));
        both.addAll(tenants.encryptionKeys(tenants.globex, "anna@acme.example"));

        MimeMessage encrypted = encryptor.encrypt(textMail("x@acme.example", "alice@acme.example", "to both\n"), both,
            Optional.empty());

        assertThat(decryptor.decrypt(encrypted, tenants.keys(tenants.acme)).message().getContent()).isEqualTo("to both\r\n");
        assertThat(decryptor.decrypt(encrypted, tenants.keys(tenants.globex)).message().getContent()).isEqualTo("to both\r\n");
    }

    @Test
    void v6KeysShouldGetSeipdV2WithOcbAndNoArmorChecksum() throws Exception {
        // gpg 2.2 reads neither v6 keys nor SEIPD v2: this is our own round trip
        tenants.addSecret(tenants.acme, KEYS.carlV6);
        tenants.addSecret(tenants.globex, KEYS.dinaV6);
        tenants.addPublic(tenants.globex, KEYS.carlV6);

        MimeMessage encrypted = encryptor.encrypt(textMail("dina@partner.example", "carl@acme.example", "v6 only\n"),
            tenants.encryptionKeys(tenants.globex, "carl@acme.example"),
            Optional.of(tenants.signingKey(tenants.globex, "dina@partner.example")));
        tenants.addPublic(tenants.acme, KEYS.dinaV6);
        PgpDecryptor.Decrypted decrypted = decryptor.decrypt(encrypted, tenants.keys(tenants.acme));
        PgpVerdict verdict = new PgpVerifier().verify(decrypted.content(), Optional.of(EmailAddress.of("dina@partner.example")),
            tenants.keys(tenants.acme));

        String armored = new String(PgpInteropTest.encryptedPart(encrypted), StandardCharsets.US_ASCII);
        assertThat(armored).doesNotContainPattern("(?m)^=[A-Za-z0-9+/]{4}\\r?$");
        assertThat(decrypted.protection()).isEqualTo("AES-256, SEIPD v2 (AEAD)");
        assertThat(decrypted.message().getContent()).isEqualTo("v6 only\r\n");
        assertThat(verdict.status()).as(verdict.toString()).isEqualTo(PgpVerdict.Status.VALID);
    }

    @Test
    void v4KeysShouldGetSeipdV1AndAnArmorChecksum() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);

        MimeMessage encrypted = encryptor.encrypt(textMail("x@globex.example", "alice@acme.example", "v4\n"),
            tenants.encryptionKeys(tenants.acme, "alice@acme.example"), Optional.empty());

        String armored = new String(PgpInteropTest.encryptedPart(encrypted), StandardCharsets.US_ASCII);
        assertThat(armored).containsPattern("(?m)^=[A-Za-z0-9+/]{4}\\r?$");
        assertThat(decryptor.decrypt(encrypted, tenants.keys(tenants.acme)).protection()).isEqualTo("AES-256, SEIPD v1 (MDC)");
    }

    @Test
    void alteredCiphertextShouldFailWithAReason() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        byte[] packets = packets(encryptor.encrypt(textMail("x@globex.example", "alice@acme.example", "pay 100 EUR\n"),
            tenants.encryptionKeys(tenants.acme, "alice@acme.example"), Optional.empty()));
        packets[packets.length - 30] ^= 0x01;

        assertThatThrownBy(() -> decryptor.decrypt(PgpInteropTest.pgpMime("x@globex.example", "alice@acme.example",
            armor(packets)), tenants.keys(tenants.acme)))
            .isInstanceOf(PgpException.class)
            .hasMessageContaining("corrupt or was altered");
    }

    @Test
    void alteredArmorShouldFailTheIntegrityCheck() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        MimeMessage encrypted = encryptor.encrypt(textMail("x@globex.example", "alice@acme.example", "pay 100 EUR\n".repeat(200)),
            tenants.encryptionKeys(tenants.acme, "alice@acme.example"), Optional.empty());
        String armored = new String(PgpInteropTest.encryptedPart(encrypted), StandardCharsets.US_ASCII);
        int middle = armored.indexOf("\r\n", armored.length() / 2) + 10;
        char swapped = armored.charAt(middle) == 'A' ? 'B' : 'A';
        byte[] altered = (armored.substring(0, middle) + swapped + armored.substring(middle + 1)).getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> decryptor.decrypt(PgpInteropTest.pgpMime("x@globex.example", "alice@acme.example", altered),
            tenants.keys(tenants.acme)))
            .isInstanceOf(PgpException.class).hasMessageContaining("corrupt or was altered");
    }

    @Test
    void dataWithoutIntegrityProtectionShouldBeRefused() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        PGPPublicKey key = tenants.encryptionKeys(tenants.acme, "alice@acme.example").get(0);
        byte[] sed = encryptRaw(key, new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(false)
            .setProvider(PgpProviders.BOUNCY_CASTLE),
            "Content-Type: text/plain\r\n\r\nno MDC\r\n".getBytes(StandardCharsets.US_ASCII), false);

        assertThatThrownBy(() -> decryptor.decrypt(PgpInteropTest.pgpMime("x@globex.example", "alice@acme.example", armor(sed)),
            tenants.keys(tenants.acme)))
            .isInstanceOf(PgpException.class)
            .hasMessageContaining("without integrity protection (SED packet, no MDC)");
    }

    @Test
    void aDecompressionBombShouldBeRefused() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        PGPPublicKey key = tenants.encryptionKeys(tenants.acme, "alice@acme.example").get(0);
        byte[] zeros = new byte[8 * 1024 * 1024];
        byte[] bomb = encryptRaw(key, new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true),
            zeros, true);
        PgpDecryptor strict = new PgpDecryptor(new DecryptionLimits(100L * 1024 * 1024, 100, 1024 * 1024));

        assertThat(bomb.length).isLessThan(64 * 1024);
        assertThatThrownBy(() -> strict.decrypt(PgpInteropTest.pgpMime("x@globex.example", "alice@acme.example", armor(bomb)),
            tenants.keys(tenants.acme)))
            .isInstanceOf(PgpException.class)
            .hasMessageContaining("decompression bomb");
    }

    @Test
    void anonymousRecipientsShouldBeTriedWithEveryKey() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.bobOld);
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        PGPPublicKey key = tenants.encryptionKeys(tenants.acme, "alice@acme.example").get(0);
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
            new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true));
        JcePublicKeyKeyEncryptionMethodGenerator method = new JcePublicKeyKeyEncryptionMethodGenerator(key);
        method.setUseWildcardRecipient(true);
        generator.addMethod(method);
        byte[] anonymous = encrypt(generator, "Content-Type: text/plain\r\n\r\nwho am I for?\r\n".getBytes(StandardCharsets.US_ASCII), false);

        PgpDecryptor.Decrypted decrypted = decryptor.decrypt(PgpInteropTest.pgpMime("x@globex.example", "alice@acme.example",
            armor(anonymous)), tenants.keys(tenants.acme));

        assertThat(decrypted.message().getContent()).isEqualTo("who am I for?\r\n");
        assertThat(decrypted.key().entry().fingerprint().asString()).isEqualTo(KEYS.aliceRsa.fingerprint);
    }

    @Test
    void inlinePgpShouldBeDecryptedIntoATextBody() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        PGPPublicKey key = tenants.encryptionKeys(tenants.acme, "alice@acme.example").get(0);
        byte[] packets = encryptRaw(key, new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true),
            "Grüße, inline\n".getBytes(StandardCharsets.UTF_8), false);
        MimeMessage inline = parse(("From: x@globex.example\r\nTo: alice@acme.example\r\nSubject: inline\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + new String(armor(packets), StandardCharsets.US_ASCII))
            .getBytes(StandardCharsets.US_ASCII));

        MimeMessage decrypted = decryptor.decrypt(inline, tenants.keys(tenants.acme)).message();

        assertThat(PgpForm.of(inline)).isEqualTo(PgpForm.ENCRYPTED_INLINE);
        assertThat(decrypted.getContent()).isEqualTo("Grüße, inline\r\n");
        assertThat(decrypted.getSubject()).isEqualTo("inline");
    }

    @Test
    void anArmoredBlockInsideOnePartShouldNotCountAsAnEncryptedMessage() throws Exception {
        MimeMessage mixed = parse(("From: x@globex.example\r\nTo: alice@acme.example\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nattacker text\r\n--b\r\n"
            + "Content-Type: text/plain\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nhQ==\r\n-----END PGP MESSAGE-----\r\n--b--\r\n")
            .getBytes(StandardCharsets.US_ASCII));

        assertThat(PgpForm.of(mixed)).isEqualTo(PgpForm.NONE);
        assertThatThrownBy(() -> decryptor.decrypt(mixed, tenants.keys(tenants.acme)))
            .isInstanceOf(PgpException.class).hasMessageContaining("not encrypted with OpenPGP as a whole");
    }

    @Test
    void aThirdPartBesideTheEncryptedOneShouldBeRefused() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        MimeMessage encrypted = encryptor.encrypt(textMail("x@globex.example", "alice@acme.example", "real\n"),
            tenants.encryptionKeys(tenants.acme, "alice@acme.example"), Optional.empty());
        String raw = new String(bytes(encrypted), StandardCharsets.US_ASCII);
        String boundary = new javax.mail.internet.ContentType(encrypted.getContentType()).getParameter("boundary");
        MimeMessage withExtraPart = parse(raw.replace("--" + boundary + "--", "--" + boundary
            + "\r\nContent-Type: text/html\r\n\r\n<img src=\"http://attacker.example/\">\r\n--" + boundary + "--")
            .getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> decryptor.decrypt(withExtraPart, tenants.keys(tenants.acme)))
            .isInstanceOf(PgpException.class).hasMessageContaining("exactly two parts");
    }

    @Test
    void garbageShouldFailWithAReasonNotACrash() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        byte[] random = PgpFixtures.randomBytes(5000, 7);
        random[0] = (byte) 0xC1; // a public-key encrypted session key packet tag, then nonsense
        for (byte[] payload : List.of(armor(random), "not armor at all".getBytes(StandardCharsets.US_ASCII),
            "-----BEGIN PGP MESSAGE-----\r\n\r\nAAAA\r\n".getBytes(StandardCharsets.US_ASCII))) {
            assertThatThrownBy(() -> decryptor.decrypt(PgpInteropTest.pgpMime("x@globex.example", "alice@acme.example", payload),
                tenants.keys(tenants.acme)))
                .isInstanceOf(PgpException.class);
        }
    }

    @Test
    void aTamperedSignedMessageShouldBeInvalidAndAnUnknownSignerSaidSo() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        tenants.addPublic(tenants.globex, KEYS.aliceRsa);
        MimeMessage signed = new PgpSigner(PgpSigner.Hash.SHA512, Clock.systemUTC()).sign(
            textMail("alice@acme.example", "g@globex.example", "I owe you 10 EUR\n"), tenants.signingKey(tenants.acme, "alice@acme.example"));
        MimeMessage tampered = parse(new String(bytes(signed), StandardCharsets.ISO_8859_1).replace("10 EUR", "90 EUR")
            .getBytes(StandardCharsets.ISO_8859_1));
        Optional<EmailAddress> alice = Optional.of(EmailAddress.of("alice@acme.example"));
        PgpVerifier verifier = new PgpVerifier();

        assertThat(verifier.verify(signed, alice, tenants.keys(tenants.globex)).status()).isEqualTo(PgpVerdict.Status.VALID);
        assertThat(verifier.verify(tampered, alice, tenants.keys(tenants.globex)).reason())
            .isEqualTo("the signature does not match the content");
        assertThat(verifier.verify(signed, alice, new PgpTestTenants(directory.resolve("empty")).keys(tenants.globex)).status())
            .isEqualTo(PgpVerdict.Status.UNKNOWN_KEY);
        assertThat(signed.getContentType()).contains("micalg=pgp-sha512");
    }

    @Test
    void aKeyTheAdministratorRevokedShouldGiveARevokedVerdict() throws Exception {
        tenants.addSecret(tenants.acme, KEYS.aliceRsa);
        tenants.addPublic(tenants.globex, KEYS.aliceRsa);
        MimeMessage signed = new PgpSigner(PgpSigner.Hash.SHA256, Clock.systemUTC()).sign(
            textMail("alice@acme.example", "g@globex.example", "hello\n"), tenants.signingKey(tenants.acme, "alice@acme.example"));
        tenants.vault().setStatus(tenants.globex, PgpFingerprint.of(KEYS.aliceRsa.fingerprint), KeyStatus.REVOKED);

        PgpVerdict verdict = new PgpVerifier().verify(signed, Optional.of(EmailAddress.of("alice@acme.example")),
            tenants.keys(tenants.globex));

        assertThat(verdict.status()).isEqualTo(PgpVerdict.Status.REVOKED);
        assertThat(verdict.signer().orElseThrow().asString()).isEqualTo(KEYS.aliceRsa.fingerprint);
    }

    @Test
    void aSignatureMadeAfterTheKeyExpiredShouldBeExpired() throws Exception {
        tenants.addSecret(tenants.globex, KEYS.erinExpiring);
        tenants.addPublic(tenants.acme, KEYS.erinExpiring);
        MimeMessage message = textMail("erin@partner.example", "alice@acme.example", "late\n");
        PgpSigner now = new PgpSigner(PgpSigner.Hash.SHA256, Clock.systemUTC());
        PgpSigner inThreeDays = new PgpSigner(PgpSigner.Hash.SHA256,
            Clock.offset(Clock.systemUTC(), java.time.Duration.ofDays(3)));
        Optional<EmailAddress> erin = Optional.of(EmailAddress.of("erin@partner.example"));

        PgpVerdict inTime = new PgpVerifier().verify(now.sign(message, tenants.signingKey(tenants.globex, "erin@partner.example")),
            erin, tenants.keys(tenants.acme));
        PgpVerdict late = new PgpVerifier().verify(inThreeDays.sign(message, tenants.signingKey(tenants.globex,
            "erin@partner.example")), erin, tenants.keys(tenants.acme));

        assertThat(inTime.status()).as(inTime.toString()).isEqualTo(PgpVerdict.Status.VALID);
        assertThat(late.status()).as(late.toString()).isEqualTo(PgpVerdict.Status.EXPIRED);
        assertThat(late.reason()).startsWith("the key was not valid at the signing time");
    }

    @Test
    void crc24ShouldMatchTheRfcReferenceAlgorithm() {
        byte[] data = PgpFixtures.randomBytes(100_003, 11);
        Crc24 fast = new Crc24();
        fast.update(data, 0, 50_001);
        fast.update(data, 50_001, data.length - 50_001);
        assertThat(fast.value()).isEqualTo(referenceCrc24(data, 0, data.length));
    }

    /** Pieces of every size around the two-chain threshold and the 16-byte step, at odd offsets. */
    @Test
    void crc24ShouldMatchTheReferenceForPiecesOfAnySize() {
        byte[] data = PgpFixtures.randomBytes(70_000, 12);
        for (int length : new int[] {0, 1, 15, 16, 17, 31, 4_095, 4_096, 4_097, 4_111, 4_112, 4_127, 65_536, data.length - 7}) {
            Crc24 fast = new Crc24();
            fast.update(data, 7, length);
            assertThat(fast.value()).as("length %d", length).isEqualTo(referenceCrc24(data, 7, length));
        }
        Crc24 inPieces = new Crc24();
        int offset = 0;
        for (int piece : new int[] {3, 5_000, 17, 60_000}) {
            inPieces.update(data, offset, piece);
            offset += piece;
        }
        assertThat(inPieces.value()).isEqualTo(referenceCrc24(data, 0, offset));
    }

    /** RFC 4880, 6.1, bit by bit. */
    private static int referenceCrc24(byte[] data, int offset, int length) {
        int reference = 0xB704CE;
        for (int j = offset; j < offset + length; j++) {
            reference ^= (data[j] & 0xFF) << 16;
            for (int i = 0; i < 8; i++) {
                reference <<= 1;
                if ((reference & 0x1000000) != 0) {
                    reference ^= 0x1864CFB;
                }
            }
        }
        return reference & 0xFFFFFF;
    }

    // helpers

    private static byte[] encryptRaw(PGPPublicKey key, JcePGPDataEncryptorBuilder builder, byte[] content, boolean compress)
        throws Exception {
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(builder);
        generator.addMethod(new JcePublicKeyKeyEncryptionMethodGenerator(key));
        return encrypt(generator, content, compress);
    }

    private static byte[] encrypt(PGPEncryptedDataGenerator generator, byte[] content, boolean compress) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(out, new byte[4096])) {
            PGPCompressedDataGenerator compressor = new PGPCompressedDataGenerator(CompressionAlgorithmTags.ZLIB);
            OutputStream target = compress ? compressor.open(encrypted) : encrypted;
            try (OutputStream literal = new PGPLiteralDataGenerator().open(target, PGPLiteralData.BINARY, "", content.length,
                new Date())) {
                literal.write(content);
            }
            if (compress) {
                compressor.close();
            }
        }
        return out.toByteArray();
    }

    private static byte[] armor(byte[] packets) throws Exception {
        ByteSink sink = new ByteSink(packets.length * 2);
        Armor.write(sink, Armor.MESSAGE, packets);
        return sink.toByteArray();
    }

    private static byte[] packets(MimeMessage encrypted) throws Exception {
        byte[] armored = PgpInteropTest.encryptedPart(encrypted);
        return Armor.read(armored, 0, armored.length, Armor.MESSAGE).toByteArray();
    }

    private static String hex(PGPPublicKey key) {
        return dev.tresor.keys.Hex.encodeUpperCase(key.getFingerprint());
    }

    /** Every leaf part of a message: where it is, its type, Content-ID, file name and decoded bytes. */
    private static final class Leaf {
        final String path;
        final String contentType;
        final String contentId;
        final String fileName;
        final byte[] decoded;

        Leaf(String path, String contentType, String contentId, String fileName, byte[] decoded) {
            this.path = path;
            this.contentType = contentType;
            this.contentId = contentId;
            this.fileName = fileName;
            this.decoded = decoded;
        }
    }

    private static List<Leaf> leaves(Part part) throws Exception {
        List<Leaf> leaves = new ArrayList<>();
        collect(part, "1", leaves);
        return leaves;
    }

    private static void collect(Part part, String path, List<Leaf> leaves) throws Exception {
        Object content = part.getContent();
        if (content instanceof Multipart) {
            Multipart multipart = (Multipart) content;
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, path + "." + (i + 1), leaves);
            }
            return;
        }
        ByteArrayOutputStream decoded = new ByteArrayOutputStream();
        try (InputStream in = part.getInputStream()) {
            in.transferTo(decoded);
        }
        String[] contentId = part.getHeader("Content-ID");
        leaves.add(new Leaf(path, part.getContentType(), contentId == null ? null : contentId[0], part.getFileName(),
            decoded.toByteArray()));
    }
}
