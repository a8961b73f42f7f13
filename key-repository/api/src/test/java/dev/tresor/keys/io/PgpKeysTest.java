package dev.tresor.keys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyGenerator;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;
import org.bouncycastle.openpgp.operator.bc.BcAEADSecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPairGeneratorProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Hex;

class PgpKeysTest {
    private static final String ALICE = "Alice <alice@Bücher.example>";
    private static final String OLD_ALICE = "Old Alice <old@example.com>";
    private static final String BOB = "Bob <Bob@Example.ORG>";
    private static final String CAROL = "carol@example.net";
    private static final String MALLORY = "Mallory <mallory@example.com>";
    private static final char[] PASSPHRASE = GnuPg.PASSPHRASE.toCharArray();

    @TempDir
    static Path directory;
    static GnuPg gpg;
    static String alice;
    static String aliceSubkey;
    static String bob;
    static String bobSubkey;
    static String carol;
    static String mallory;
    static String mallorySigningSubkey;

    @BeforeAll
    static void generateKeysWithGpg() {
        // keys as gpg protects and exports them by default (its calibrated S2K), unlike the shared test keys
        gpg = GnuPg.calibrated(directory.resolve("gnupg"));
        alice = gpg.generateKey(ALICE, "ed25519", "sign", "2y");
        gpg.addSubkey(alice, "cv25519", "encr");
        gpg.addUserId(alice, OLD_ALICE);
        gpg.revokeUserId(alice, OLD_ALICE);
        aliceSubkey = gpg.fingerprints(alice).get(1);
        bob = gpg.generateKey(BOB, "rsa3072", "sign", "never");
        gpg.addSubkey(bob, "rsa3072", "encr");
        bobSubkey = gpg.fingerprints(bob).get(1);
        carol = gpg.generateKey(CAROL, "ed25519", "sign", "never");
        gpg.addSubkey(carol, "cv25519", "encr");
        gpg.revokeKey(carol);
        mallory = gpg.generateKey(MALLORY, "ed25519", "sign", "never");
        gpg.addSubkey(mallory, "cv25519", "encr");
        gpg.addSubkey(mallory, "ed25519", "sign");
        mallorySigningSubkey = gpg.fingerprints(mallory).get(2);
    }

    @AfterAll
    static void stopGpgAgent() {
        gpg.close();
    }

    @Test
    void readPublicKeysShouldReportWhatGpgReportsForAnEd25519KeyWithCv25519Subkey() throws Exception {
        List<String[]> colons = gpg.colons(alice);
        String[] pub = record(colons, "pub");
        String[] sub = record(colons, "sub");

        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(gpg.exportPublic(alice)));

        assertThat(key.fingerprint()).isEqualTo(alice);
        assertThat(key.keyIdHex()).isEqualTo(pub[4]);
        assertThat(key.keyId()).isEqualTo(Long.parseUnsignedLong(pub[4], 16));
        assertThat(key.version()).isEqualTo(4);
        assertThat(key.creationTime()).isEqualTo(Instant.ofEpochSecond(Long.parseLong(pub[5])));
        assertThat(key.expiry()).contains(Instant.ofEpochSecond(Long.parseLong(pub[6])));
        assertThat(key.isRevoked()).isFalse();
        assertThat(key.primaryKey().algorithm()).isEqualTo("EdDSA");
        assertThat(key.primaryKey().curve()).contains("Ed25519");
        assertThat(key.subkeys()).hasSize(1);
        PgpComponentKey subkey = key.subkeys().get(0);
        assertThat(subkey.fingerprint()).isEqualTo(aliceSubkey);
        assertThat(subkey.keyIdHex()).isEqualTo(sub[4]);
        assertThat(subkey.creationTime()).isEqualTo(Instant.ofEpochSecond(Long.parseLong(sub[5])));
        assertThat(subkey.algorithm()).isEqualTo("ECDH");
        assertThat(subkey.curve()).contains("Curve25519");
        assertThat(subkey.expiry()).isEmpty();
    }

    /** PgpKeysFuzzTest, in CI's short run: the refusal read "... unexpected packet in stream: null". */
    @Test
    void aPacketTheParserCannotMakeShouldBeRefusedWithoutANull() throws Exception {
        byte[] input;
        try (java.io.InputStream in = PgpKeysTest.class.getResourceAsStream(
                "PgpKeysFuzzTestInputs/anyInputShouldGiveKeysOrAClearRefusal/packet-the-parser-cannot-make")) {
            input = in.readAllBytes();
        }

        assertThatThrownBy(() -> PgpKeys.readPublicKeys(input))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("not an OpenPGP key, or a corrupt one: unexpected packet in stream");
    }

    /**
     * PgpKeysFuzzTest, in its 10-minute run: a secret key ring whose first packet is a secret subkey made Bouncy
     * Castle's {@code toCertificate()} throw "key 0 must be a master key" (IllegalArgumentException).
     */
    @Test
    void aSecretKeyRingStartingWithASubkeyShouldBeRefusedAsCorrupt() throws Exception {
        byte[] input;
        try (java.io.InputStream in = PgpKeysTest.class.getResourceAsStream(
                "PgpKeysFuzzTestInputs/anyInputShouldGiveKeysOrAClearRefusal/secret-ring-starting-with-a-subkey")) {
            input = in.readAllBytes();
        }

        assertThatThrownBy(() -> PgpKeys.readSecretKeys(input, "secret".toCharArray()))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("corrupt OpenPGP key: the key ring does not start with a primary key");
    }

    @Test
    void theEncryptionKeyShouldBeTheSubkeyAndTheSigningKeyThePrimaryKey() throws Exception {
        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(gpg.exportPublic(alice)));

        assertThat(key.encryptionKeys()).extracting(PgpComponentKey::fingerprint).containsExactly(aliceSubkey);
        assertThat(key.signingKeys()).extracting(PgpComponentKey::fingerprint).containsExactly(alice);
        assertThat(key.primaryKey().canEncrypt()).isFalse();
        assertThat(key.subkeys().get(0).canSign()).isFalse();
    }

    @Test
    void aSigningSubkeyWithItsBackSignatureShouldBeASigningKey() throws Exception {
        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(gpg.exportPublic(mallory)));

        assertThat(key.signingKeys()).extracting(PgpComponentKey::fingerprint).containsExactly(mallory,
            mallorySigningSubkey);
        assertThat(key.encryptionKeys()).extracting(PgpComponentKey::fingerprint).doesNotContain(mallorySigningSubkey);
    }

    @Test
    void emailAddressesShouldComeFromValidUserIdsNormalisedWithPunycode() throws Exception {
        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(gpg.exportPublic(alice)));

        assertThat(key.userIds()).containsExactly(ALICE);
        assertThat(key.emailAddresses()).containsExactly(EmailAddress.of("alice@xn--bcher-kva.example"));
    }

    @Test
    void aBareAddressUserIdShouldCountAsAnAddress() throws Exception {
        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(gpg.exportPublic(carol)));

        assertThat(key.emailAddresses()).containsExactly(EmailAddress.of(CAROL));
    }

    @Test
    void readPublicKeysShouldReportAnRsaKeyWithoutExpiry() throws Exception {
        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(gpg.exportPublic(bob)));

        assertThat(key.fingerprint()).isEqualTo(bob);
        assertThat(key.expiry()).isEmpty();
        assertThat(key.emailAddresses()).containsExactly(EmailAddress.of("bob@example.org"));
        assertThat(key.primaryKey().algorithm()).isEqualTo("RSA");
        assertThat(key.primaryKey().bitStrength()).isEqualTo(3072);
        assertThat(key.primaryKey().curve()).isEmpty();
        assertThat(key.encryptionKeys()).extracting(PgpComponentKey::fingerprint).containsExactly(bobSubkey);
        assertThat(key.signingKeys()).extracting(PgpComponentKey::fingerprint).containsExactly(bob);
    }

    @Test
    void aKeyRevokedWithGpgsRevocationCertificateShouldBeRevokedAndUnusable() throws Exception {
        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(gpg.exportPublic(carol)));

        assertThat(key.isRevoked()).isTrue();
        assertThat(key.primaryKey().isValidAt(Instant.now())).isFalse();
        assertThat(key.subkeys()).hasSize(1);
        assertThat(key.encryptionKeys()).isEmpty();
        assertThat(key.signingKeys()).isEmpty();
    }

    @Test
    void aRevokedUserIdShouldGiveNoAddress() throws Exception {
        String[] revokedUid = gpg.colons(alice).stream().filter(r -> "uid".equals(r[0]) && r[9].equals(OLD_ALICE))
            .findFirst().orElseThrow();
        assertThat(revokedUid[1]).as("gpg's validity of the revoked user id").isEqualTo("r");

        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(gpg.exportPublic(alice)));

        assertThat(key.userIds()).doesNotContain(OLD_ALICE);
        assertThat(key.emailAddresses()).doesNotContain(EmailAddress.of("old@example.com"));
    }

    @Test
    void readPublicKeysShouldReturnEveryKeyOfOneExportAndOfConcatenatedArmorBlocks() throws Exception {
        byte[] oneExport = gpg.exportPublic(alice, bob);
        byte[] twoBlocks = (new String(gpg.exportPublic(bob), StandardCharsets.UTF_8) + "\nsome text between\n"
            + new String(gpg.exportPublic(alice), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);

        assertThat(PgpKeys.readPublicKeys(oneExport)).extracting(PgpPublicKeyInfo::fingerprint)
            .containsExactlyInAnyOrder(alice, bob);
        assertThat(PgpKeys.readPublicKeys(twoBlocks)).extracting(PgpPublicKeyInfo::fingerprint)
            .containsExactly(bob, alice);
    }

    @Test
    void readPublicKeysShouldAcceptBinaryAndItsOwnEncoding() throws Exception {
        PgpPublicKeyInfo fromBinary = single(PgpKeys.readPublicKeys(gpg.exportPublicBinary(bob)));

        PgpPublicKeyInfo fromEncoded = single(PgpKeys.readPublicKeys(fromBinary.encoded()));

        assertThat(fromBinary.fingerprint()).isEqualTo(bob);
        assertThat(fromEncoded.fingerprint()).isEqualTo(bob);
        assertThat(fromEncoded.encryptionKeys()).extracting(PgpComponentKey::fingerprint).containsExactly(bobSubkey);
        assertThat(fromEncoded.encoded()).isEqualTo(fromBinary.encoded());
    }

    @Test
    void armorShouldWriteWhatGpgImportsWithItsSubkeyAndUserId() throws Exception {
        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(gpg.exportPublicBinary(alice)));
        byte[] armored = PgpKeys.armor(key);

        try (GnuPg fresh = new GnuPg(directory.resolve("fresh-gnupg"))) {
            fresh.importKeys(armored);

            assertThat(new String(armored, StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n")
                .doesNotContain("Version:");
            assertThat(fresh.fingerprints(alice)).containsExactly(alice, aliceSubkey);
            assertThat(fresh.colons(alice).stream().filter(r -> "uid".equals(r[0])).map(r -> r[9]))
                .contains(ALICE);
        }
    }

    @Test
    void aVersion6KeyProtectedWithArgon2AndOcbShouldBeReadAndUnlocked() throws Exception {
        // gpg 2.2 cannot make v6 keys; Bouncy Castle can. A cheap Argon2 (1 MiB, one pass) keeps this test fast.
        OpenPGPKey generated = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), PublicKeyPacket.VERSION_6,
            new BcPGPKeyPairGeneratorProvider(), new BcPGPDigestCalculatorProvider(),
            (passphrase, packet) -> new BcAEADSecretKeyEncryptorBuilder(AEADAlgorithmTags.OCB,
                SymmetricKeyAlgorithmTags.AES_128, new S2K.Argon2Params(1, 1, 10, new SecureRandom())).build(passphrase, packet),
            new BcKeyFingerprintCalculator(), new Date())
            .ed25519x25519Key("Dave <Dave@Example.com>")
            .build(PASSPHRASE.clone()); // Bouncy Castle clears the passphrase array it is given
        String fingerprint = Hex.encodeUpperCase(generated.getPrimaryKey().getPGPPublicKey().getFingerprint());

        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(
            generated.toCertificate().toAsciiArmoredString().getBytes(StandardCharsets.US_ASCII)));
        PgpSecretKeyInfo secretKey = single(PgpKeys.readSecretKeys(generated.getEncoded(), PASSPHRASE));

        assertThat(key.version()).isEqualTo(6);
        assertThat(key.fingerprint()).hasSize(64).isEqualTo(fingerprint);
        assertThat(key.keyIdHex()).isEqualTo(fingerprint.substring(0, 16));
        assertThat(key.emailAddresses()).containsExactly(EmailAddress.of("dave@example.com"));
        assertThat(key.encryptionKeys()).extracting(PgpComponentKey::algorithm).containsExactly("X25519");
        assertThat(key.signingKeys()).extracting(PgpComponentKey::algorithm).containsOnly("Ed25519");
        assertThat(secretKey.keyRing().getSecretKey().getS2KUsage()).isEqualTo(SecretKeyPacket.USAGE_AEAD);
        assertThat(secretKey.unlock(PASSPHRASE)).hasSize(3);
        assertThatThrownBy(() -> secretKey.unlock("not the passphrase".toCharArray()))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("wrong OpenPGP passphrase for key " + fingerprint);
    }

    @Test
    void readSecretKeysShouldUnlockEveryKeyOfTheRingWithThePassphrase() throws Exception {
        PgpSecretKeyInfo key = single(PgpKeys.readSecretKeys(gpg.exportSecret(alice), PASSPHRASE));

        Map<Long, PGPPrivateKey> privateKeys = key.unlock(PASSPHRASE);

        assertThat(key.fingerprint()).isEqualTo(alice);
        assertThat(key.keyRing().getSecretKey().getS2K().getIterationCount()).as("gpg's calibrated S2K, in hashed bytes")
            .isGreaterThan(1_000_000);
        assertThat(key.publicKeyInfo().encryptionKeys()).extracting(PgpComponentKey::fingerprint)
            .containsExactly(aliceSubkey);
        assertThat(privateKeys.keySet()).containsExactly(key.publicKeyInfo().keyId(),
            key.publicKeyInfo().subkeys().get(0).keyId());
    }

    @Test
    void unlockShouldSkipTheStubOfAnOfflinePrimaryKey() throws Exception {
        PgpSecretKeyInfo key = single(PgpKeys.readSecretKeys(gpg.exportSecretSubkeys(alice), PASSPHRASE));

        Map<Long, PGPPrivateKey> privateKeys = key.unlock(PASSPHRASE);

        assertThat(key.keyRing().getSecretKey().isPrivateKeyEmpty()).isTrue();
        assertThat(privateKeys.keySet()).containsExactly(key.publicKeyInfo().subkeys().get(0).keyId());
    }

    @Test
    void secretKeyEncodingShouldReadBackAndUnlock() throws Exception {
        PgpSecretKeyInfo key = single(PgpKeys.readSecretKeys(gpg.exportSecret(bob), PASSPHRASE));

        PgpSecretKeyInfo stored = single(PgpKeys.readSecretKeys(key.encoded(), PASSPHRASE));

        assertThat(stored.fingerprint()).isEqualTo(bob);
        assertThat(stored.unlock(PASSPHRASE)).hasSize(2);
    }

    @Test
    void aWrongPassphraseShouldBeReportedAsSuch() throws Exception {
        byte[] secret = gpg.exportSecret(alice);
        PgpSecretKeyInfo key = single(PgpKeys.readSecretKeys(secret, PASSPHRASE));

        assertThatThrownBy(() -> PgpKeys.readSecretKeys(secret, "not the passphrase".toCharArray()))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("wrong OpenPGP passphrase for key " + alice);
        assertThatThrownBy(() -> key.unlock(new char[0]))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("wrong OpenPGP passphrase for key " + alice);
    }

    @Test
    void aSubkeyAppendedWithAnotherSubkeysBindingSignatureShouldBeIgnored() throws Exception {
        PgpPublicKeyInfo aliceKey = single(PgpKeys.readPublicKeys(gpg.exportPublic(alice)));
        PGPPublicKeyRing aliceRing = aliceKey.keyRing();
        PGPSignature alicesBinding = aliceRing.getPublicKey(aliceKey.subkeys().get(0).keyId())
            .getSignaturesOfType(PGPSignature.SUBKEY_BINDING).next();
        PgpPublicKeyInfo malloryKey = single(PgpKeys.readPublicKeys(gpg.exportPublic(mallory)));
        PGPPublicKey mallorySubkey = malloryKey.keyRing().getPublicKey(malloryKey.subkeys().get(0).keyId());
        PGPPublicKey unboundSubkey = PGPPublicKey.removeCertification(mallorySubkey,
            mallorySubkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING).next());
        PGPPublicKeyRing forged = PGPPublicKeyRing.insertPublicKey(aliceRing,
            PGPPublicKey.addCertification(unboundSubkey, alicesBinding));
        assertThat(forged.size()).isEqualTo(3);

        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(forged.getEncoded()));

        assertThat(key.subkeys()).extracting(PgpComponentKey::fingerprint).containsExactly(aliceSubkey);
        assertThat(key.encryptionKeys()).extracting(PgpComponentKey::fingerprint).containsExactly(aliceSubkey);
    }

    @Test
    void aUserIdCarryingTheCertificationOfAnotherUserIdShouldBeIgnored() throws Exception {
        PGPPublicKeyRing aliceRing = single(PgpKeys.readPublicKeys(gpg.exportPublic(alice))).keyRing();
        PGPSignature alicesCertification = aliceRing.getPublicKey().getSignaturesForID(ALICE).next();
        PGPPublicKey withForgedUserId = PGPPublicKey.addCertification(aliceRing.getPublicKey(), "CEO <ceo@example.com>",
            alicesCertification);
        PGPPublicKeyRing forged = PGPPublicKeyRing.insertPublicKey(aliceRing, withForgedUserId);
        assertThat(forged.getPublicKey().getUserIDs()).toIterable().contains("CEO <ceo@example.com>");

        PgpPublicKeyInfo key = single(PgpKeys.readPublicKeys(forged.getEncoded()));

        assertThat(key.userIds()).containsExactly(ALICE);
        assertThat(key.emailAddresses()).doesNotContain(EmailAddress.of("ceo@example.com"));
    }

    @Test
    void readPublicKeysShouldRefuseASecretKeyAndReadSecretKeysAPublicKey() {
        assertThatThrownBy(() -> PgpKeys.readPublicKeys(gpg.exportSecret(bob)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("the input holds the OpenPGP secret key " + bob + "; import it as a secret key, or give its public"
                + " key only (gpg --armor --export)");
        assertThatThrownBy(() -> PgpKeys.readSecretKeys(gpg.exportPublic(bob), PASSPHRASE))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("the input holds the OpenPGP public key " + bob + " without its secret key; export the secret key"
                + " (gpg --armor --export-secret-keys)");
    }

    @Test
    void anEncryptedMessageShouldNotBeTakenForAKey() {
        byte[] message = gpg.encryptTo(bob, "hello".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> PgpKeys.readPublicKeys(message))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("not an OpenPGP key: armor block 1 (line 1) is a PGP MESSAGE");
    }

    @Test
    void aChangedCharacterInTheArmorShouldBeReportedAsCorruptArmor() {
        String armored = new String(gpg.exportPublic(bob), StandardCharsets.US_ASCII);
        String[] lines = armored.split("\n");
        int line = 5;
        char replaced = lines[line].charAt(10) == 'A' ? 'B' : 'A';
        lines[line] = lines[line].substring(0, 10) + replaced + lines[line].substring(11);

        assertThat(catchThrowable(() -> PgpKeys.readPublicKeys(String.join("\n", lines).getBytes(StandardCharsets.US_ASCII))))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessageStartingWith("corrupt OpenPGP armor in armor block 1 (line 1): ");
    }

    @Test
    void inputThatIsNoOpenPgpShouldBeNamed() {
        assertThatThrownBy(() -> PgpKeys.readPublicKeys(new byte[0]))
            .isInstanceOf(KeyMaterialException.class).hasMessage("empty input");
        assertThatThrownBy(() -> PgpKeys.readPublicKeys("\n \n".getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(KeyMaterialException.class).hasMessage("empty input");
        assertThatThrownBy(() -> PgpKeys.readPublicKeys("my key is 0x1234".getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("not an OpenPGP key: the input is neither ASCII armor (no -----BEGIN PGP line) nor binary"
                + " OpenPGP packets");
        assertThatThrownBy(() -> PgpKeys.readPublicKeys(
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("not an OpenPGP key: the input is PEM (X.509 or PKCS) text, not OpenPGP armor");
    }

    @Test
    void anArmorBlockWithoutEndLineShouldBeReportedAsTruncated() {
        String armored = new String(gpg.exportPublic(bob), StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> PgpKeys.readPublicKeys(armored.substring(0, armored.length() / 2)
            .getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("corrupt OpenPGP armor: armor block 1 (line 1) has no END line (is the input truncated?)");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomBytesShouldBeRejectedWithKeyMaterialExceptionOnly() {
        Random random = new Random(4880);
        for (int i = 0; i < 3000; i++) {
            byte[] garbage = new byte[1 + random.nextInt(i % 10 == 0 ? 20000 : 800)];
            random.nextBytes(garbage);
            if (i % 3 == 0) {
                garbage[0] = (byte) (0x99);
            } else if (i % 3 == 1) {
                garbage[0] = (byte) (0xc6);
            }
            assertThat(catchThrowable(() -> PgpKeys.readPublicKeys(garbage)))
                .as("random input %d", i)
                .isInstanceOf(KeyMaterialException.class);
            assertThat(catchThrowable(() -> PgpKeys.readSecretKeys(garbage, PASSPHRASE)))
                .as("random input %d", i)
                .isInstanceOf(KeyMaterialException.class);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyTruncationShouldBeRejectedOrStillBeTheSameKey() throws Exception {
        byte[] binary = gpg.exportPublicBinary(alice);
        byte[] armored = gpg.exportPublic(alice);
        for (byte[] complete : List.of(binary, armored)) {
            for (int length = 0; length < complete.length; length++) {
                byte[] prefix = Arrays.copyOf(complete, length);
                try {
                    assertThat(PgpKeys.readPublicKeys(prefix)).as("first %d of %d bytes", length, complete.length)
                        .extracting(PgpPublicKeyInfo::fingerprint).containsExactly(alice);
                } catch (KeyMaterialException expected) {
                    assertThat(expected.getMessage()).isNotBlank();
                }
            }
        }
    }

    private static String[] record(List<String[]> colons, String type) {
        return colons.stream().filter(record -> type.equals(record[0])).findFirst().orElseThrow();
    }

    private static <T> T single(List<T> keys) {
        assertThat(keys).hasSize(1);
        return keys.get(0);
    }
}
