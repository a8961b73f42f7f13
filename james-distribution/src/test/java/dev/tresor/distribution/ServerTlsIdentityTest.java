package dev.tresor.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsIdentityTest {
    private static final Path SAMPLE_CONF = Path.of("..", "conf");

    @TempDir
    Path workingDirectory;

    @Test
    void provisionShouldWriteAKeyThatMatchesItsSelfSignedServerCertificate() throws Exception {
        ServerTlsIdentity identity = identityIn(workingDirectory);

        assertThat(identity.provisionIfMissing()).isTrue();

        X509Certificate certificate = readCertificate(identity.certificateFile());
        PrivateKey key = readPrivateKey(identity.privateKeyFile());
        certificate.checkValidity();
        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(certificate.getSubjectAlternativeNames()).anySatisfy(name -> assertThat(name.get(1)).isEqualTo("localhost"));
        assertThat(signatureVerifies(key, certificate)).isTrue();
    }

    @Test
    void provisionShouldMakeThePrivateKeyReadableByItsOwnerOnly() throws Exception {
        ServerTlsIdentity identity = identityIn(workingDirectory);

        identity.provisionIfMissing();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(identity.privateKeyFile())))
            .isEqualTo("rw-------");
    }

    @Test
    void provisionShouldNeverReplaceAnExistingPair() throws Exception {
        ServerTlsIdentity identity = identityIn(workingDirectory);
        identity.provisionIfMissing();
        String certificateBefore = Files.readString(identity.certificateFile());

        assertThat(identity.provisionIfMissing()).isFalse();

        assertThat(Files.readString(identity.certificateFile())).isEqualTo(certificateBefore);
    }

    @Test
    void provisionShouldRefuseAHalfConfiguredIdentity() throws Exception {
        ServerTlsIdentity identity = identityIn(workingDirectory);
        Files.createDirectories(identity.privateKeyFile().getParent());
        Files.writeString(identity.privateKeyFile(), "operator's key");

        assertThatThrownBy(identity::provisionIfMissing)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(identity.certificateFile().toString());
        assertThat(Files.readString(identity.privateKeyFile())).isEqualTo("operator's key");
    }

    @Test
    void opensslShouldAcceptTheGeneratedKeyAndCertificate() throws Exception {
        ServerTlsIdentity identity = identityIn(workingDirectory);
        identity.provisionIfMissing();

        String certificate = run("openssl", "x509", "-in", identity.certificateFile().toString(), "-noout", "-text");
        String keyCheck = run("openssl", "pkey", "-in", identity.privateKeyFile().toString(), "-check", "-noout");
        String certificateModulus = run("openssl", "x509", "-in", identity.certificateFile().toString(), "-noout", "-modulus");
        String keyModulus = run("openssl", "rsa", "-in", identity.privateKeyFile().toString(), "-noout", "-modulus");

        assertThat(certificate).contains("Signature Algorithm: sha256WithRSAEncryption", "DNS:localhost", "TLS Web Server Authentication");
        assertThat(keyCheck).contains("Key is valid");
        assertThat(keyModulus).isEqualTo(certificateModulus);
    }

    @Test
    void sampleConfigurationShouldNameOneIdentityForAllEnabledListeners() throws Exception {
        copySampleConfiguration();

        assertThat(ServerTlsIdentity.configuredIn(workingDirectory))
            .containsExactly(identityIn(workingDirectory));
    }

    @Test
    void disabledListenersAndKeystoresShouldNotBeProvisioned() throws Exception {
        Files.createDirectories(workingDirectory.resolve("conf"));
        Files.writeString(workingDirectory.resolve("conf/smtpserver.xml"), "<smtpservers>"
            + "<smtpserver enabled=\"false\"><tls startTLS=\"true\"><privateKey>file://conf/a.pem</privateKey>"
            + "<certificates>file://conf/b.pem</certificates></tls></smtpserver>"
            + "<smtpserver><tls socketTLS=\"true\"><keystore>file://conf/keystore</keystore></tls></smtpserver>"
            + "<smtpserver><tls startTLS=\"false\"><privateKey>file://conf/c.pem</privateKey>"
            + "<certificates>file://conf/d.pem</certificates></tls></smtpserver>"
            + "<smtpserver><tls startTLS=\"true\"><privateKey>file:///etc/tresor/key.pem</privateKey>"
            + "<certificates>file:///etc/tresor/cert.pem</certificates></tls></smtpserver>"
            + "</smtpservers>");

        assertThat(ServerTlsIdentity.configuredIn(workingDirectory))
            .containsExactly(new ServerTlsIdentity(Path.of("/etc/tresor/key.pem"), Path.of("/etc/tresor/cert.pem")));
    }

    private void copySampleConfiguration() throws IOException {
        Path conf = Files.createDirectories(workingDirectory.resolve("conf"));
        for (String file : new String[] {"smtpserver.xml", "imapserver.xml"}) {
            Files.copy(SAMPLE_CONF.resolve(file), conf.resolve(file));
        }
    }

    private static ServerTlsIdentity identityIn(Path workingDirectory) {
        return new ServerTlsIdentity(workingDirectory.resolve("tls/server-key.pem"),
            workingDirectory.resolve("tls/server-cert.pem"));
    }

    private static X509Certificate readCertificate(Path file) throws Exception {
        try (ByteArrayInputStream in = new ByteArrayInputStream(Files.readAllBytes(file))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static PrivateKey readPrivateKey(Path file) throws Exception {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private static boolean signatureVerifies(PrivateKey key, X509Certificate certificate) throws Exception {
        byte[] data = "proof of possession".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(certificate);
        verifier.update(data);
        return verifier.verify(signature);
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + " said: " + output).isZero();
        return output;
    }
}
