package dev.tresor.keys.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.lifecycle.KeyAlgorithm;
import dev.tresor.keys.lifecycle.RevocationReason;

/** The tenant CA's certificates and CRLs, judged by openssl as a relying party would. */
class CaCertificatesTest {
    private static final String VERIFIED = "cert.pem: OK\n";
    @TempDir
    static Path directory;
    static TestCa acme;
    static TestCa ecAcme;
    static TestCa globex;

    @BeforeAll
    static void makeTenantCas() {
        acme = new TestCa("Acme", KeyAlgorithm.RSA_2048);
        ecAcme = new TestCa("Acme EC", KeyAlgorithm.EC_P256);
        globex = new TestCa("Globex", KeyAlgorithm.RSA_2048);
    }

    @Test
    void anRsaMailboxCertificateShouldVerifyForSigningAndEncryption() {
        TestCa.Issued alice = acme.issue("alice@acme.example", KeyAlgorithm.RSA_2048);

        assertThat(opensslVerify(acme, alice.certificate, "smimesign")).isEqualTo(VERIFIED);
        assertThat(opensslVerify(acme, alice.certificate, "smimeencrypt")).isEqualTo(VERIFIED);
    }

    @Test
    void anEcMailboxCertificateShouldVerifyForSigningUnderAnRsaOrEcCa() {
        TestCa.Issued bob = acme.issue("bob@acme.example", KeyAlgorithm.EC_P256);
        TestCa.Issued carl = ecAcme.issue("carl@acme.example", KeyAlgorithm.EC_P384);

        assertThat(opensslVerify(acme, bob.certificate, "smimesign")).isEqualTo(VERIFIED);
        assertThat(opensslVerify(ecAcme, carl.certificate, "smimesign")).isEqualTo(VERIFIED);
    }

    /**
     * OpenSSL 3.0's {@code -purpose smimeencrypt} demands keyEncipherment, which the strict profile forbids for EC
     * keys (they agree keys instead, S/MIME BR 7.1.2.3 e). What counts is that openssl encrypts to the certificate
     * with ECDH and the holder of the key decrypts.
     */
    @Test
    void anEcMailboxCertificateShouldReceiveMailEncryptedByOpenssl() throws Exception {
        TestCa.Issued bob = ecAcme.issue("bob@acme.example", KeyAlgorithm.EC_P256);
        Path certificate = TestCa.pem(directory, "bob-ec.pem", bob.certificate);
        Path key = Files.write(directory.resolve("bob-ec.key.der"), bob.keys.getPrivate().getEncoded());
        Path message = Files.writeString(directory.resolve("message.txt"), "Content-Type: text/plain\r\n\r\nhello bob\r\n");

        Tool.succeed(directory, "openssl", "cms", "-encrypt", "-aes256", "-in", message.toString(), "-out", "enc.p7m",
            certificate.toString());
        String decrypted = Tool.succeed(directory, "openssl", "cms", "-decrypt", "-in", "enc.p7m", "-recip",
            certificate.toString(), "-inkey", key.toString(), "-keyform", "DER");

        assertThat(decrypted).contains("hello bob");
    }

    @Test
    void aCertificateShouldNotVerifyUnderAnotherTenantsCa() {
        TestCa.Issued alice = acme.issue("alice@acme.example", KeyAlgorithm.RSA_2048);
        Path certificate = TestCa.pem(directory, "alice-for-globex.pem", alice.certificate);
        Path globexCa = TestCa.pem(directory, "globex-ca.pem", globex.certificate);

        Tool verify = Tool.run(directory, "openssl", "verify", "-purpose", "smimesign", "-CAfile", globexCa.toString(),
            certificate.toString());

        assertThat(verify.exitCode).isNotZero();
        assertThat(verify.output).contains("unable to get local issuer certificate");
    }

    @Test
    void theCaCertificateShouldBeASelfSignedRootLimitedToMailboxCertificates() throws Exception {
        X509Certificate ca = acme.certificate;
        String text = Tool.succeed(directory, "openssl", "x509", "-noout", "-text", "-in",
            TestCa.pem(directory, "acme-ca.pem", ca).toString());

        assertThat(ca.getSubjectX500Principal().getName()).isEqualTo("CN=Acme Tresor S/MIME CA,O=Acme");
        assertThat(ca.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(text).contains("X509v3 Basic Constraints: critical", "CA:TRUE, pathlen:0",
            "X509v3 Key Usage: critical", "Digital Signature, Certificate Sign, CRL Sign",
            "X509v3 Subject Key Identifier", "X509v3 Authority Key Identifier", "Signature Algorithm: sha256WithRSAEncryption");
        assertThat(ecAcme.certificate.getSigAlgOID()).as("ecdsa-with-SHA256").isEqualTo("1.2.840.10045.4.3.2");
        assertThat(new TestCa("Acme 384", KeyAlgorithm.EC_P384).certificate.getSigAlgOID()).as("ecdsa-with-SHA384")
            .isEqualTo("1.2.840.10045.4.3.3");
        Tool.succeed(directory, "openssl", "verify", "-CAfile", directory.resolve("acme-ca.pem").toString(),
            directory.resolve("acme-ca.pem").toString());
    }

    @Test
    void aCrlShouldListTheRevokedSerialsWithTheirReasonsAndVerifyAgainstTheCa() throws Exception {
        BigInteger compromised = CaCertificates.newSerial();
        BigInteger unspecified = CaCertificates.newSerial();
        X509CRL crl = CaCertificates.newCrl(acme.certificate, acme.keys.getPrivate(), List.of(
                new RevokedSerial(compromised, TestCa.NOW.minus(Duration.ofHours(2)), RevocationReason.KEY_COMPROMISE),
                new RevokedSerial(unspecified, TestCa.NOW.minus(Duration.ofHours(1)), RevocationReason.UNSPECIFIED)),
            BigInteger.valueOf(7), TestCa.NOW, TestCa.NOW.plus(Duration.ofDays(7)));
        Path der = Files.write(directory.resolve("acme.crl"), crl.getEncoded());
        Path ca = TestCa.pem(directory, "acme-ca-for-crl.pem", acme.certificate);

        String text = Tool.succeed(directory, "openssl", "crl", "-inform", "DER", "-in", der.toString(), "-noout", "-text");
        String verified = Tool.succeed(directory, "openssl", "crl", "-inform", "DER", "-in", der.toString(), "-CAfile",
            ca.toString(), "-noout");

        assertThat(verified).contains("verify OK");
        assertThat(text).contains("Version 2 (0x1)", "X509v3 CRL Number:", "7", "X509v3 Authority Key Identifier",
            "Serial Number: " + opensslHex(compromised), "Key Compromise",
            "Serial Number: " + opensslHex(unspecified));
        assertThat(text).doesNotContain("Unspecified");
        assertThat(crl.getRevokedCertificate(unspecified).hasExtensions()).isFalse();
    }

    @Test
    void aCertificateLongerThan825DaysShouldBeRefused() {
        KeyPair subject = CaCertificates.newKeyPair(KeyAlgorithm.EC_P256);
        EmailAddress alice = EmailAddress.of("alice@acme.example");

        assertThatThrownBy(() -> CaCertificates.newMailboxCertificate(acme.certificate, acme.keys.getPrivate(),
            subject.getPublic(), alice, CaCertificates.newSerial(), TestCa.NOW, TestCa.NOW.plus(Duration.ofDays(825)),
            TestCa.URLS))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("at most 825 days (S/MIME Baseline Requirements 6.3.2)");
        X509Certificate longest = CaCertificates.newMailboxCertificate(acme.certificate, acme.keys.getPrivate(),
            subject.getPublic(), alice, CaCertificates.newSerial(), TestCa.NOW,
            TestCa.NOW.plus(Duration.ofDays(825)).minusSeconds(1), TestCa.URLS);
        assertThat(longest.getNotAfter().getTime() - longest.getNotBefore().getTime() + 1000)
            .isEqualTo(Duration.ofDays(825).toMillis());
    }

    @Test
    void aNonAsciiLocalPartShouldBeRefusedUntilSmtpUtf8MailboxIsWritten() {
        KeyPair subject = CaCertificates.newKeyPair(KeyAlgorithm.EC_P256);

        assertThatThrownBy(() -> CaCertificates.newMailboxCertificate(acme.certificate, acme.keys.getPrivate(),
            subject.getPublic(), EmailAddress.of("jürgen@acme.example"), CaCertificates.newSerial(), TestCa.NOW,
            TestCa.NOW.plus(Duration.ofDays(365)), TestCa.URLS))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("jürgen@acme.example: its local part is not ASCII")
            .hasMessageContaining("SmtpUTF8Mailbox");
    }

    @Test
    void anInternationalisedDomainShouldBeIssuedInItsAsciiForm() throws Exception {
        TestCa.Issued issued = acme.issue("info@bücher.example", KeyAlgorithm.EC_P256);

        assertThat(issued.certificate.getSubjectAlternativeNames())
            .containsExactly(List.of(1, "info@xn--bcher-kva.example"));
    }

    @Test
    void aCertificateOutlivingItsCaOrSignedWithAnotherKeyShouldBeRefused() {
        KeyPair subject = CaCertificates.newKeyPair(KeyAlgorithm.EC_P256);
        EmailAddress alice = EmailAddress.of("alice@acme.example");

        assertThatThrownBy(() -> CaCertificates.newMailboxCertificate(acme.certificate, acme.keys.getPrivate(),
            subject.getPublic(), alice, CaCertificates.newSerial(), TestCa.NOW.plus(Duration.ofDays(3500)),
            TestCa.NOW.plus(Duration.ofDays(3700)), TestCa.URLS))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("would outlive its CA");
        assertThatThrownBy(() -> CaCertificates.newMailboxCertificate(acme.certificate, globex.keys.getPrivate(),
            subject.getPublic(), alice, CaCertificates.newSerial(), TestCa.NOW, TestCa.NOW.plus(Duration.ofDays(30)),
            TestCa.URLS))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("does not verify with the CA's public key");
    }

    @Test
    void aCrlValidForMoreThanTenDaysShouldBeRefused() {
        assertThatThrownBy(() -> CaCertificates.newCrl(acme.certificate, acme.keys.getPrivate(), List.of(), BigInteger.ONE,
            TestCa.NOW, TestCa.NOW.plus(Duration.ofDays(11))))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("at most ten days");
    }

    @Test
    void serialsShouldBePositiveAndFitTwentyOctets() {
        for (int i = 0; i < 1000; i++) {
            BigInteger serial = CaCertificates.newSerial();
            assertThat(serial.signum()).isPositive();
            assertThat(serial.bitLength()).isLessThanOrEqualTo(159);
            assertThat(serial.toByteArray().length).isLessThanOrEqualTo(20);
        }
    }

    private static String opensslVerify(TestCa ca, X509Certificate certificate, String purpose) {
        Path caFile = TestCa.pem(directory, "ca-" + System.nanoTime() + ".pem", ca.certificate);
        Path certificateFile = TestCa.pem(directory, "cert-" + System.nanoTime() + ".pem", certificate);
        return Tool.succeed(directory, "openssl", "verify", "-purpose", purpose, "-CAfile", caFile.toString(),
            certificateFile.toString()).replace(certificateFile.toString(), "cert.pem");
    }


    /** How openssl prints a serial number: upper-case hex in whole octets. */
    private static String opensslHex(BigInteger serial) {
        String hex = serial.toString(16).toUpperCase(java.util.Locale.ROOT);
        return hex.length() % 2 == 0 ? hex : "0" + hex;
    }
}
