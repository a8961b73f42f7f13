package dev.tresor.keys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.Fingerprint;

class Pkcs12Test {
    private static final String PASSWORD = "correct horse";
    private static final String ALICE = "CN=Alice,O=Example";
    private static final String INTERMEDIATE = "CN=Test Intermediate CA,O=Tresor tests";
    private static final String ROOT = "CN=Test Root CA,O=Tresor tests";

    @TempDir
    static Path directory;
    static OpenSslPki pki;
    static Path alice;
    static Path bob;
    static Path issuers;

    @BeforeAll
    static void makePki() {
        pki = new OpenSslPki(directory);
        alice = pki.issue("alice", OpenSslPki.RSA, "/O=Example/CN=Alice", "subjectAltName=email:alice@example.com");
        bob = pki.issue("bob", OpenSslPki.EC, "/CN=Bob", "subjectAltName=email:bob@example.com");
        issuers = pki.concatenate("issuers.pem", pki.intermediate(), pki.root());
    }

    @Test
    void readShouldReturnKeyAliasAndChainOfAnOpenssl3DefaultFile() throws Exception {
        byte[] file = opensslExport("modern.p12", alice, "alice", "-name", "Alice S/MIME");
        assertThat(opensslInfo("modern.p12")).contains("PBES2, PBKDF2, AES-256-CBC").contains("MAC: sha256");

        List<KeyAndChain> keys = Pkcs12.read(file, PASSWORD.toCharArray());

        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).alias()).isEqualTo("Alice S/MIME");
        assertThat(subjects(keys.get(0).chain())).containsExactly(ALICE, INTERMEDIATE, ROOT);
        assertThat(signsFor(keys.get(0).privateKey(), keys.get(0).certificate().getPublicKey())).isTrue();
    }

    @Test
    void readShouldReturnKeyAndChainOfAnOpensslLegacyFile() throws Exception {
        byte[] file = opensslExport("legacy.p12", alice, "alice", "-legacy", "-name", "Alice legacy");
        assertThat(opensslInfo("legacy.p12", "-legacy")).contains("pbeWithSHA1And40BitRC2-CBC")
            .contains("pbeWithSHA1And3-KeyTripleDES-CBC").contains("MAC: sha1");

        List<KeyAndChain> keys = Pkcs12.read(file, PASSWORD.toCharArray());

        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).alias()).isEqualTo("Alice legacy");
        assertThat(subjects(keys.get(0).chain())).containsExactly(ALICE, INTERMEDIATE, ROOT);
        assertThat(signsFor(keys.get(0).privateKey(), keys.get(0).certificate().getPublicKey())).isTrue();
    }

    @Test
    void readShouldNameAKeyWithoutFriendlyNameByItsCertificatesFingerprint() throws Exception {
        byte[] file = opensslExport("unnamed.p12", bob, "bob");
        X509Certificate certificate = Certificates.read(pki.bytes(bob)).get(0);

        KeyAndChain key = Pkcs12.read(file, PASSWORD.toCharArray()).get(0);

        assertThat(key.alias()).isEqualTo(Fingerprint.sha256(certificate.getEncoded()).asString());
        assertThat(key.certificate()).isEqualTo(certificate);
        assertThat(key.privateKey().getAlgorithm()).isEqualTo("EC");
        assertThat(signsFor(key.privateKey(), certificate.getPublicKey())).isTrue();
    }

    @Test
    void readShouldSayWrongPasswordForModernAndLegacyFiles() {
        byte[] modern = opensslExport("wrong-modern.p12", alice, "alice");
        byte[] legacy = opensslExport("wrong-legacy.p12", alice, "alice", "-legacy");

        for (byte[] file : List.of(modern, legacy)) {
            assertThatThrownBy(() -> Pkcs12.read(file, "incorrect horse".toCharArray()))
                .isInstanceOf(KeyMaterialException.class)
                .hasMessage("wrong PKCS#12 password");
        }
    }

    /** Found by Pkcs12FuzzTest (seed empty-sequence): the message was "not a PKCS#12 file: Index 0 out of bounds for length 0". */
    @Test
    void anEmptySequenceShouldBeRefusedInWordsAboutTheFileNotTheParser() {
        byte[] emptySequence = {0x30, (byte) 0x83, 0, 0, 0};

        assertThatThrownBy(() -> Pkcs12.read(emptySequence, PASSWORD.toCharArray()))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("not a PKCS#12 file: its ASN.1 structure is not the one the format requires");
    }

    @Test
    void readShouldRefuseAFileWithCertificatesOnly() {
        byte[] file = ExternalTool.run(directory, "openssl", "pkcs12", "-export", "-nokeys", "-in", alice.toString(),
            "-certfile", issuers.toString(), "-passout", "pass:" + PASSWORD);

        assertThatThrownBy(() -> Pkcs12.read(file, PASSWORD.toCharArray()))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("the PKCS#12 file holds no private key (3 certificate(s) only); import certificates without keys as"
                + " certificates");
    }

    @Test
    void readShouldRecognisePemGivenAsPkcs12() {
        assertThatThrownBy(() -> Pkcs12.read(pki.bytes(alice), PASSWORD.toCharArray()))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("not a PKCS#12 file: the input is PEM text; PKCS#12 (.p12, .pfx) is binary");
    }

    @Test
    void readShouldRejectEmptyInput() {
        assertThatThrownBy(() -> Pkcs12.read(new byte[0], PASSWORD.toCharArray()))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("empty input");
    }

    @Test
    void readShouldReportATruncatedFile() {
        byte[] file = opensslExport("truncated.p12", alice, "alice");

        assertThatThrownBy(() -> Pkcs12.read(Arrays.copyOf(file, file.length / 2), PASSWORD.toCharArray()))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessageStartingWith("corrupt DER in PKCS#12 file: truncated: the object declares " + file.length);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void readShouldRefuseAnImplausibleIterationCountInsteadOfComputingIt() throws Exception {
        Pfx pfx = Pfx.getInstance(opensslExport("iterations.p12", bob, "bob"));
        MacData mac = pfx.getMacData();
        byte[] file = new Pfx(pfx.getAuthSafe(), new MacData(mac.getMac(), mac.getSalt(), 2_000_000_000)).getEncoded();

        assertThatThrownBy(() -> Pkcs12.read(file, PASSWORD.toCharArray()))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("corrupt PKCS#12 file: implausible MAC iteration count 2000000000");
    }

    @Test
    void writeShouldProduceTheModernFormatThatOpensslReadsBackToTheSameKeyAndCertificates() throws Exception {
        KeyAndChain original = Pkcs12.read(opensslExport("source.p12", alice, "alice", "-name", "alice"),
            PASSWORD.toCharArray()).get(0);
        Path written = Files.write(directory.resolve("written.p12"),
            Pkcs12.write(List.of(original), "export password".toCharArray()));

        String info = ExternalTool.runForAllText(directory, "openssl", "pkcs12", "-in", written.toString(), "-passin",
            "pass:export password", "-info", "-noout");
        ExternalTool.run(directory, "openssl", "pkcs12", "-in", written.toString(), "-passin", "pass:export password",
            "-noenc", "-out", "written-dump.pem");
        byte[] opensslPublicKey = ExternalTool.run(directory, "openssl", "pkey", "-in", "written-dump.pem", "-pubout",
            "-outform", "DER");

        assertThat(info)
            .contains("MAC: sha256, Iteration " + Pkcs12.ITERATIONS)
            .contains("PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration " + Pkcs12.ITERATIONS
                + ", PRF hmacWithSHA256")
            .contains("Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration " + Pkcs12.ITERATIONS
                + ", PRF hmacWithSHA256");
        assertThat(opensslPublicKey).isEqualTo(original.certificate().getPublicKey().getEncoded());
        assertThat(Certificates.read(Files.readAllBytes(directory.resolve("written-dump.pem"))))
            .containsExactlyElementsOf(original.chain());
    }

    @Test
    void writeShouldProduceAFileTheJdkKeyStoreReads() throws Exception {
        KeyAndChain original = Pkcs12.read(opensslExport("for-jdk.p12", bob, "bob", "-name", "bob"),
            PASSWORD.toCharArray()).get(0);
        byte[] written = Pkcs12.write(List.of(original), "export password".toCharArray());

        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(new ByteArrayInputStream(written), "export password".toCharArray());

        assertThat(keyStore.getKey("bob", "export password".toCharArray()).getEncoded())
            .isEqualTo(original.privateKey().getEncoded());
        assertThat(keyStore.getCertificateChain("bob")).containsExactlyElementsOf(original.chain());
    }

    @Test
    void writeThenReadShouldKeepSeveralKeysWithTheirAliasesAndSharedIssuers() throws Exception {
        KeyAndChain aliceKey = Pkcs12.read(opensslExport("alice-two.p12", alice, "alice", "-name", "alice"),
            PASSWORD.toCharArray()).get(0);
        KeyAndChain bobKey = Pkcs12.read(opensslExport("bob-two.p12", bob, "bob", "-name", "bob"),
            PASSWORD.toCharArray()).get(0);

        List<KeyAndChain> read = Pkcs12.read(Pkcs12.write(List.of(aliceKey, bobKey), "pw".toCharArray()),
            "pw".toCharArray());

        assertThat(read).extracting(KeyAndChain::alias).containsExactly("alice", "bob");
        assertThat(read.get(0).chain()).isEqualTo(aliceKey.chain());
        assertThat(read.get(1).chain()).isEqualTo(bobKey.chain());
        assertThat(read.get(0).privateKey().getEncoded()).isEqualTo(aliceKey.privateKey().getEncoded());
        assertThat(read.get(1).privateKey().getEncoded()).isEqualTo(bobKey.privateKey().getEncoded());
    }

    @Test
    void writeShouldRefuseAnEmptyPassword() throws Exception {
        KeyAndChain key = Pkcs12.read(opensslExport("empty-password.p12", bob, "bob"), PASSWORD.toCharArray()).get(0);

        assertThatThrownBy(() -> Pkcs12.write(List.of(key), new char[0]))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("A PKCS#12 file with private keys needs a password");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readShouldRejectRandomBytesAndEveryTruncationWithKeyMaterialExceptionOnly() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] garbage = new byte[1 + random.nextInt(3000)];
            random.nextBytes(garbage);
            if (i % 2 == 0) {
                garbage[0] = 0x30;
            }
            assertThat(catchThrowable(() -> Pkcs12.read(garbage, PASSWORD.toCharArray())))
                .as("random input %d", i)
                .isInstanceOf(KeyMaterialException.class);
        }
        byte[] file = opensslExport("prefixes.p12", bob, "bob");
        for (int length = 0; length < file.length; length++) {
            byte[] prefix = Arrays.copyOf(file, length);
            assertThat(catchThrowable(() -> Pkcs12.read(prefix, PASSWORD.toCharArray())))
                .as("first %d of %d bytes", length, file.length)
                .isInstanceOf(KeyMaterialException.class);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readShouldRejectAFileWithAnyByteChangedOrStillReadTheSameKey() throws Exception {
        byte[] file = opensslExport("flipped.p12", bob, "bob");
        KeyAndChain original = Pkcs12.read(file, PASSWORD.toCharArray()).get(0);
        Random random = new Random(7);
        int rejected = 0;
        for (int i = 0; i < 300; i++) {
            byte[] changed = file.clone();
            int position = random.nextInt(changed.length);
            changed[position] ^= (byte) (1 + random.nextInt(255));
            try {
                KeyAndChain read = Pkcs12.read(changed, PASSWORD.toCharArray()).get(0);
                assertThat(read.privateKey().getEncoded()).as("byte %d changed", position)
                    .isEqualTo(original.privateKey().getEncoded());
                assertThat(read.chain()).as("byte %d changed", position).isEqualTo(original.chain());
            } catch (KeyMaterialException e) {
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(280);
    }

    private static byte[] opensslExport(String name, Path certificate, String key, String... options) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "pkcs12", "-export", "-in",
            certificate.toString(), "-inkey", pki.key(key).toString(), "-certfile", issuers.toString(), "-passout",
            "pass:" + PASSWORD, "-out", name));
        command.addAll(List.of(options));
        ExternalTool.run(directory, command.toArray(new String[0]));
        return pki.bytes(directory.resolve(name));
    }

    private static String opensslInfo(String name, String... options) {
        List<String> command = new java.util.ArrayList<>(List.of("openssl", "pkcs12", "-in", name, "-passin",
            "pass:" + PASSWORD, "-info", "-noout"));
        command.addAll(List.of(options));
        return ExternalTool.runForAllText(directory, command.toArray(new String[0]));
    }

    private static boolean signsFor(PrivateKey privateKey, PublicKey publicKey) throws Exception {
        String algorithm = "RSA".equals(privateKey.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        byte[] message = "the key belongs to the certificate".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(privateKey);
        signer.update(message);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(publicKey);
        verifier.update(message);
        return verifier.verify(signature);
    }

    private static List<String> subjects(List<X509Certificate> certificates) {
        return certificates.stream().map(certificate -> certificate.getSubjectX500Principal().getName())
            .collect(Collectors.toList());
    }
}
