package dev.tresor.smime;

import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.io.ExternalTool;
import dev.tresor.mime.ByteSink;

/**
 * GnuPG's S/MIME tool as the other side: gpgsm (2.2, as Debian ships it) verifies our signatures and decrypts our
 * AES-256-CBC envelopes, and we verify and decrypt what gpgsm signs and encrypts. gpgsm 2.2 reads no
 * AuthEnvelopedData, so GCM is proven against openssl only. Keys are made by openssl, as a partner would make them.
 */
class GpgsmInteropTest {
    private static final String BOB = "bob@partner.example";
    private static final String P12_PASSWORD = "p12-secret";

    @TempDir
    static Path directory;

    private static Path home;
    private static X509Certificate ca;
    private static X509Certificate bob;
    private static PrivateKey bobKey;

    @BeforeAll
    static void makeKeysAndAGnupgHome() throws Exception {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-keyout", "ca.key", "-out", "ca.pem",
            "-subj", "/O=Tresor tests/CN=gpgsm CA", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "bob.key", "-out", "bob.csr", "-subj", "/O=Partner/CN=Bob");
        Files.writeString(directory.resolve("bob.ext"), "subjectAltName=email:" + BOB + "\n"
            + "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=emailProtection\nbasicConstraints=critical,CA:FALSE\n");
        openssl("x509", "-req", "-in", "bob.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "30",
            "-extfile", "bob.ext", "-out", "bob.pem");
        ca = certificate("ca.pem");
        bob = certificate("bob.pem");
        bobKey = privateKey("bob.key");

        home = Files.createDirectory(directory.resolve("gnupg"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(home.resolve("gpgsm.conf"), "disable-crl-checks\n");
        gpgsm(null, "--import", "ca.pem");
        String fingerprint = new String(gpgsm(null, "--with-colons", "--fingerprint", "gpgsm CA"), StandardCharsets.UTF_8)
            .lines().filter(line -> line.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
        Files.writeString(home.resolve("trustlist.txt"), fingerprint + " S relax\n");
        Files.writeString(directory.resolve("passphrase"), P12_PASSWORD + "\n");
        importBobsKey();
    }

    /**
     * gpgsm 2.2.40 fails to read about one PKCS#12 file in twenty that openssl writes and reads back ("decryption
     * failed", whatever the password), depending on the file's random salt: the same key exported again imports. So a
     * file it cannot read is exported anew, up to five times; any other failure ends the set-up at once.
     */
    private static void importBobsKey() throws Exception {
        for (int attempt = 1; ; attempt++) {
            // gpgsm 2.2 reads only the legacy PKCS#12 ciphers
            openssl("pkcs12", "-export", "-inkey", "bob.key", "-in", "bob.pem", "-certfile", "ca.pem", "-out", "bob.p12",
                "-passout", "pass:" + P12_PASSWORD, "-keypbe", "PBE-SHA1-3DES", "-certpbe", "PBE-SHA1-3DES", "-macalg", "sha1");
            try {
                gpgsm("passphrase", "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--import", "bob.p12");
                return;
            } catch (AssertionError e) {
                if (attempt == 5 || !e.getMessage().contains("decryption failed")) {
                    throw e;
                }
            }
        }
    }

    @AfterAll
    static void stopTheAgent() throws Exception {
        new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent").start().waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    void gpgsmShouldVerifyOurDetachedSignature() throws Exception {
        MimeMessage signed = new SmimeSigner(SigningOptions.DEFAULT)
            .sign(textMail(BOB, "alice@acme.example", "Signed for gpgsm\n"), bobKey, List.of(bob, ca));
        MimeMultipart parts = (MimeMultipart) signed.getContent();
        Files.write(directory.resolve("content.eml"), rawPart(parts, 0));
        Files.write(directory.resolve("signature.p7s"), decoded(parts, 1));

        String status = new String(gpgsm(null, "--status-fd", "1", "--verify", "signature.p7s", "content.eml"), StandardCharsets.UTF_8);

        assertThat(status).contains("[GNUPG:] GOODSIG").contains("[GNUPG:] TRUST_FULLY");
    }

    @Test
    void gpgsmShouldDecryptOurCbcEnvelope() throws Exception {
        MimeMessage encrypted = new SmimeEncryptor(EncryptionOptions.DEFAULT)
            .encrypt(textMail("alice@acme.example", BOB, "Sealed for gpgsm\n"), List.of(bob));
        ByteSink cms = new ByteSink(4096);
        cms.readFrom(encrypted.getInputStream());
        Files.write(directory.resolve("envelope.p7m"), cms.toByteArray());

        byte[] plaintext = gpgsm("passphrase", "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--decrypt", "envelope.p7m");

        assertThat(new String(plaintext, StandardCharsets.UTF_8)).contains("Content-Type: text/plain").endsWith("Sealed for gpgsm\r\n");
    }

    @Test
    void weShouldVerifyAndDecryptWhatGpgsmSignedAndEncrypted() throws Exception {
        String entity = "Content-Type: text/plain; charset=us-ascii\r\n\r\nFrom gpgsm with love\r\n";
        Files.writeString(directory.resolve("entity.txt"), entity);
        byte[] signature = gpgsm("passphrase", "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--include-certs", "-1",
            "-u", BOB, "--detach-sign", "entity.txt");
        String boundary = "gpgsm-boundary";
        MimeMessage signed = SmimeFixtures.parse(("From: " + BOB + "\r\nTo: alice@acme.example\r\nSubject: gpgsm\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\"; micalg=sha-256; boundary=\"" + boundary + "\"\r\n\r\n"
            + "--" + boundary + "\r\n" + entity + "\r\n--" + boundary + "\r\n"
            + "Content-Type: application/pkcs7-signature; name=smime.p7s\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(signature) + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        SmimeVerdict verdict = new SmimeVerifier(new HttpCrlFetcher(Duration.ofSeconds(1)), Clock.systemUTC())
            .verify(signed, VerificationOptions.trusting("gpgsm test", List.of(ca)));
        assertThat(verdict.status()).as(verdict.reason()).isEqualTo(SmimeVerdict.Status.VALID);

        byte[] envelope = gpgsm(null, "--recipient", BOB, "--encrypt", "entity.txt");
        MimeMessage encrypted = SmimeFixtures.parse(("From: alice@acme.example\r\nTo: " + BOB + "\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(envelope) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        KeyPairEntry bobsKey = new KeyPairEntry(new CertificateEntry(TenantId.of("partner"), Fingerprint.sha256(bob.getEncoded()), bob,
            List.of(ca), Set.of(), true, true, Origin.IMPORTED, KeyStatus.ACTIVE, Instant.now()), bobKey);
        MimeMessage decrypted = new SmimeDecryptor().decrypt(encrypted, id -> List.of(bobsKey)).message();
        assertThat(decrypted.getContent()).isEqualTo("From gpgsm with love\r\n");
    }

    /** A body part exactly as it stands between its delimiters in the message. */
    private static byte[] rawPart(MimeMultipart parts, int index) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        parts.getBodyPart(index).writeTo(out);
        return out.toByteArray();
    }

    private static byte[] decoded(MimeMultipart parts, int index) throws Exception {
        ByteSink decoded = new ByteSink(4096);
        decoded.readFrom(parts.getBodyPart(index).getInputStream());
        return decoded.toByteArray();
    }

    private static void openssl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        ExternalTool.run(directory, command.toArray(String[]::new));
    }

    /** Runs gpgsm in batch mode on the test's home; {@code input} names a file of the directory for standard input. */
    private static byte[] gpgsm(String input, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("gpgsm", "--homedir", home.toString(), "--batch"));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(directory, "gpgsm", ".out");
        Path errors = Files.createTempFile(directory, "gpgsm", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
            .redirectOutput(output.toFile()).redirectError(errors.toFile());
        builder.redirectInput(input == null ? Path.of("/dev/null").toFile() : directory.resolve(input).toFile());
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + Files.readString(errors));
        }
        return Files.readAllBytes(output);
    }

    private static X509Certificate certificate(String file) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(directory.resolve(file))));
    }

    private static PrivateKey privateKey(String file) throws Exception {
        String pem = Files.readString(directory.resolve(file)).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }
}
