package dev.tresor.keys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;

/**
 * PKCS#12 files as other tools write them, imported the whole way into a tenant's vault, with Bouncy Castle a
 * registered JCA provider as it is inside James (issue 12, defect 6).
 */
class Pkcs12InteropTest {
    private static final String PASSWORD = "correct horse";
    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    static Path directory;
    static OpenSslPki pki;
    static Path ecAlice;
    static Path rsaBob;
    static boolean registeredBouncyCastle;

    @BeforeAll
    static void makePkiAndRegisterBouncyCastleAsJamesDoes() {
        pki = new OpenSslPki(directory);
        ecAlice = pki.issue("ec-alice", OpenSslPki.EC, "/CN=Alice", "subjectAltName=email:alice@acme.example");
        rsaBob = pki.issue("rsa-bob", OpenSslPki.RSA, "/CN=Bob", "subjectAltName=email:bob@acme.example");
        registeredBouncyCastle = Security.addProvider(new BouncyCastleProvider()) != -1;
    }

    @AfterAll
    static void unregisterBouncyCastle() {
        if (registeredBouncyCastle) {
            Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
        }
    }

    @Test
    void anEcP256FileWrittenByOpensslShouldImportIntoTheVault() throws Exception {
        byte[] file = ExternalTool.run(directory, "openssl", "pkcs12", "-export", "-in", ecAlice.toString(),
            "-inkey", pki.key("ec-alice").toString(), "-passout", "pass:" + PASSWORD);

        KeyAndChain key = Pkcs12.read(file, PASSWORD.toCharArray()).get(0);

        assertThat(key.privateKey().getAlgorithm()).isEqualTo(key.certificate().getPublicKey().getAlgorithm())
            .isEqualTo("EC");
        assertImportsIntoTheVault(key);
    }

    @Test
    void anEcFileWrittenByKeytoolShouldImportIntoTheVault() throws Exception {
        Path keystore = directory.resolve("keytool-ec.p12");
        ExternalTool.run(directory, "keytool", "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12",
            "-storepass", PASSWORD, "-alias", "carol", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=Carol", "-ext", "san=email:carol@acme.example");

        KeyAndChain key = Pkcs12.read(Files.readAllBytes(keystore), PASSWORD.toCharArray()).get(0);

        assertThat(key.alias()).isEqualTo("carol");
        assertThat(key.privateKey().getAlgorithm()).isEqualTo("EC");
        assertImportsIntoTheVault(key);
    }

    /**
     * RFC 9216's drafts publish Bob's PKCS#12 with a MAC whose digest AlgorithmIdentifier has no parameters (DER allows
     * absent or NULL); OpenSSL and keytool open it, Bouncy Castle's MAC check called it a wrong password. The file is
     * made here from one of OpenSSL's by writing its MacData that way: the MAC value covers the content only, so it
     * stays valid, as OpenSSL confirms.
     */
    @Test
    void aMacWhoseDigestAlgorithmHasNoParametersShouldBeVerified() throws Exception {
        byte[] file = withMacDigestWithoutParameters(ExternalTool.run(directory, "openssl", "pkcs12", "-export",
            "-in", rsaBob.toString(), "-inkey", pki.key("rsa-bob").toString(), "-macalg", "sha512",
            "-passout", "pass:" + PASSWORD));
        Path written = directory.resolve("mac-without-null.p12");
        Files.write(written, file);
        ExternalTool.run(directory, "openssl", "pkcs12", "-in", written.toString(), "-passin", "pass:" + PASSWORD,
            "-noout");

        KeyAndChain key = Pkcs12.read(file, PASSWORD.toCharArray()).get(0);

        assertThat(signsFor(key.privateKey(), key.certificate().getPublicKey())).isTrue();
        assertThatThrownBy(() -> Pkcs12.read(file, "incorrect horse".toCharArray()))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("wrong PKCS#12 password");
    }

    /** Like RFC 9216's bob.p12: two keys, one friendly name, told apart by their localKeyId. */
    @Test
    void twoKeysUnderOneFriendlyNameShouldEachGetTheirOwnCertificate() throws Exception {
        KeyAndChain rsa = onlyKey("rsa-bob", rsaBob);
        KeyAndChain ec = onlyKey("ec-alice", ecAlice);
        byte[] file = Pkcs12.write(List.of(
            new KeyAndChain("bob@smime.example", rsa.privateKey(), rsa.chain()),
            new KeyAndChain("bob@smime.example", ec.privateKey(), ec.chain())), PASSWORD.toCharArray());
        Path written = directory.resolve("two-keys-one-name.p12");
        Files.write(written, file);
        assertThat(ExternalTool.runForAllText(directory, "openssl", "pkcs12", "-in", written.toString(), "-passin",
            "pass:" + PASSWORD, "-nokeys")).contains("friendlyName: bob@smime.example");

        List<KeyAndChain> keys = Pkcs12.read(file, PASSWORD.toCharArray());

        assertThat(keys).hasSize(2);
        assertThat(keys).extracting(KeyAndChain::certificate).containsExactly(rsa.certificate(), ec.certificate());
        for (KeyAndChain key : keys) {
            assertThat(signsFor(key.privateKey(), key.certificate().getPublicKey())).isTrue();
            assertImportsIntoTheVault(key);
        }
    }

    @Test
    void brokenFilesShouldSayWhatIsBrokenNotThatThePasswordIsWrong() {
        byte[] garbage = "this is not a PKCS#12 file at all".getBytes(StandardCharsets.US_ASCII);
        byte[] file = ExternalTool.run(directory, "openssl", "pkcs12", "-export", "-in", rsaBob.toString(),
            "-inkey", pki.key("rsa-bob").toString(), "-passout", "pass:" + PASSWORD);
        byte[] truncated = Arrays.copyOf(file, file.length / 2);

        for (byte[] broken : List.of(garbage, truncated)) {
            assertThatThrownBy(() -> Pkcs12.read(broken, PASSWORD.toCharArray()))
                .isInstanceOf(KeyMaterialException.class)
                .hasMessageNotContaining("password")
                .hasMessageMatching("(not a PKCS#12 file|corrupt|truncated|the input).*");
        }
    }

    private static KeyAndChain onlyKey(String name, Path certificate) throws KeyMaterialException {
        byte[] file = ExternalTool.run(directory, "openssl", "pkcs12", "-export", "-in", certificate.toString(),
            "-inkey", pki.key(name).toString(), "-passout", "pass:" + PASSWORD);
        return Pkcs12.read(file, PASSWORD.toCharArray()).get(0);
    }

    private void assertImportsIntoTheVault(KeyAndChain key) {
        KeyProtection protection = KeyProtection.create(
            FileMasterKey.loadOrCreate(directory.resolve("master-" + System.nanoTime() + ".key")),
            MemoryTenantKeyStore.create());
        KeyRepository repository = StoredKeyRepository.create(new MemoryKeyStorage(), protection, Clock.systemUTC());
        repository.tenants().create(ACME);

        CertificateEntry entry = repository.certificates().add(ACME, key.chain(), Origin.IMPORTED);
        repository.privateKeys().add(ACME, entry.fingerprint(), key.privateKey());

        assertThat(repository.privateKeys().has(ACME, entry.fingerprint())).isTrue();
    }

    private static byte[] withMacDigestWithoutParameters(byte[] pkcs12) throws Exception {
        Pfx pfx = Pfx.getInstance(pkcs12);
        MacData mac = pfx.getMacData();
        AlgorithmIdentifier withoutParameters = new AlgorithmIdentifier(mac.getMac().getAlgorithmId().getAlgorithm());
        MacData rewritten = new MacData(new DigestInfo(withoutParameters, mac.getMac().getDigest()), mac.getSalt(),
            mac.getIterationCount().intValueExact());
        return new Pfx(pfx.getAuthSafe(), rewritten).getEncoded(ASN1Encoding.DER);
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
}
