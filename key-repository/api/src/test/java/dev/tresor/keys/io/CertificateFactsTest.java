package dev.tresor.keys.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.Hex;

class CertificateFactsTest {
    private static final String NO_SKI = "subjectKeyIdentifier=none";

    @TempDir
    static Path directory;
    static OpenSslPki pki;

    @BeforeAll
    static void makePki() {
        pki = new OpenSslPki(directory);
    }

    @Test
    void fingerprintShouldBeOpensslsSha256Fingerprint() throws Exception {
        Path file = pki.issue("fingerprint", OpenSslPki.EC, "/CN=Fingerprint", "subjectAltName=email:f@example.com");

        String openssl = ExternalTool.runForText(directory, "openssl", "x509", "-in", file.toString(), "-noout",
            "-fingerprint", "-sha256");

        assertThat(facts(file).fingerprint()).isEqualTo(Fingerprint.of(openssl.substring(openssl.indexOf('=') + 1)));
    }

    @Test
    void emailAddressesShouldComeFromSubjectAltNameThenSubjectNormalisedWithoutDuplicates() throws Exception {
        Path file = pki.issue("addresses", OpenSslPki.EC, "/CN=Alice/emailAddress=Alice.Subject@EXAMPLE.com",
            "subjectAltName=email:Alice@Example.COM,email:alice@example.com,DNS:www.example.com,email:second@Example.org,"
                + "email:alice.subject@example.com");

        assertThat(facts(file).emailAddresses()).containsExactly(EmailAddress.of("alice@example.com"),
            EmailAddress.of("second@example.org"), EmailAddress.of("alice.subject@example.com"));
    }

    @Test
    void emailAddressesShouldComeFromTheSubjectWhenThereIsNoSubjectAltName() throws Exception {
        Path file = pki.issue("subject-only", OpenSslPki.EC, "/CN=Bob/emailAddress=Bob@Example.ORG", "keyUsage=digitalSignature");

        assertThat(facts(file).requireEmailAddresses()).containsExactly(EmailAddress.of("bob@example.org"));
    }

    @Test
    void invalidAddressesShouldBeLeftOutAndNamedWhenNothingElseIsLeft() throws Exception {
        Path file = pki.issue("invalid-address", OpenSslPki.EC, "/CN=Nobody", "subjectAltName=email:not-an-address");

        CertificateFacts facts = facts(file);

        assertThat(facts.emailAddresses()).isEmpty();
        assertThatThrownBy(facts::requireEmailAddresses)
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("certificate has no valid e-mail address (not an e-mail address: 'not-an-address')");
    }

    @Test
    void requireEmailAddressesShouldExplainWhereItLookedWhenThereIsNone() throws Exception {
        Path file = pki.issue("server", OpenSslPki.EC, "/CN=mail.example.com", "subjectAltName=DNS:mail.example.com");

        assertThatThrownBy(() -> facts(file).requireEmailAddresses())
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("certificate has no e-mail address (no rfc822Name in subjectAltName, no emailAddress in subject)");
    }

    @Test
    void aCertificateWithoutKeyUsageOrExtendedKeyUsageShouldAllowBothUses() throws Exception {
        CertificateFacts rsa = facts(pki.issue("unrestricted-rsa", OpenSslPki.RSA, "/CN=Unrestricted", "subjectAltName=email:u@example.com"));
        CertificateFacts ec = facts(pki.issue("unrestricted-ec", OpenSslPki.EC, "/CN=Unrestricted", "subjectAltName=email:u@example.com"));

        assertThat(rsa.canEncrypt()).isTrue();
        assertThat(rsa.canSign()).isTrue();
        assertThat(ec.canEncrypt()).isTrue();
        assertThat(ec.canSign()).isTrue();
    }

    @Test
    void keyEnciphermentShouldLetAnRsaKeyEncryptButNotSign() throws Exception {
        CertificateFacts facts = facts(pki.issue("rsa-encipherment", OpenSslPki.RSA, "/CN=Encrypt only",
            "keyUsage=critical,keyEncipherment", "extendedKeyUsage=emailProtection"));

        assertThat(facts.canEncrypt()).isTrue();
        assertThat(facts.canSign()).isFalse();
    }

    @Test
    void digitalSignatureOrNonRepudiationShouldLetAKeySignButNotEncrypt() throws Exception {
        CertificateFacts digitalSignature = facts(pki.issue("rsa-signature", OpenSslPki.RSA, "/CN=Sign only",
            "keyUsage=critical,digitalSignature"));
        CertificateFacts nonRepudiation = facts(pki.issue("ec-non-repudiation", OpenSslPki.EC, "/CN=Sign only",
            "keyUsage=critical,nonRepudiation"));

        assertThat(digitalSignature.canSign()).isTrue();
        assertThat(digitalSignature.canEncrypt()).isFalse();
        assertThat(nonRepudiation.canSign()).isTrue();
        assertThat(nonRepudiation.canEncrypt()).isFalse();
    }

    @Test
    void anEcKeyShouldEncryptByKeyAgreementOnlyNotByKeyEncipherment() throws Exception {
        CertificateFacts agreement = facts(pki.issue("ec-agreement", OpenSslPki.EC, "/CN=Agreement",
            "keyUsage=keyAgreement"));
        CertificateFacts encipherment = facts(pki.issue("ec-encipherment", OpenSslPki.EC, "/CN=Encipherment",
            "keyUsage=keyEncipherment"));
        CertificateFacts rsaAgreement = facts(pki.issue("rsa-agreement", OpenSslPki.RSA, "/CN=Agreement",
            "keyUsage=keyAgreement"));

        assertThat(agreement.canEncrypt()).isTrue();
        assertThat(encipherment.canEncrypt()).isFalse();
        assertThat(rsaAgreement.canEncrypt()).isFalse();
    }

    @Test
    void anExtendedKeyUsageWithoutEmailProtectionShouldForbidBothUses() throws Exception {
        CertificateFacts serverOnly = facts(pki.issue("server-auth", OpenSslPki.RSA, "/CN=Server",
            "keyUsage=digitalSignature,keyEncipherment", "extendedKeyUsage=serverAuth"));
        CertificateFacts anyUsage = facts(pki.issue("any-usage", OpenSslPki.EC, "/CN=Any",
            "keyUsage=digitalSignature,keyAgreement", "extendedKeyUsage=serverAuth,anyExtendedKeyUsage"));

        assertThat(serverOnly.canEncrypt()).isFalse();
        assertThat(serverOnly.canSign()).isFalse();
        assertThat(anyUsage.canEncrypt()).isTrue();
        assertThat(anyUsage.canSign()).isTrue();
    }

    @Test
    void anEd25519KeyShouldSignButNeverEncrypt() throws Exception {
        CertificateFacts facts = facts(pki.issue("ed25519", OpenSslPki.ED25519, "/CN=Edwards",
            "subjectAltName=email:ed@example.com"));

        assertThat(facts.canSign()).isTrue();
        assertThat(facts.canEncrypt()).isFalse();
        assertThat(facts.keyAlgorithm()).isEqualTo("Ed25519");
        assertThat(facts.keySize()).isEqualTo(255);
    }

    @Test
    void keyAlgorithmAndSizeShouldDescribeRsaAndEcKeys() throws Exception {
        CertificateFacts rsa = facts(pki.issue("rsa-size", OpenSslPki.RSA, "/CN=RSA", "keyUsage=digitalSignature"));
        CertificateFacts ec = facts(pki.issue("ec-size", OpenSslPki.EC, "/CN=EC", "keyUsage=digitalSignature"));

        assertThat(rsa.keyAlgorithm()).isEqualTo("RSA");
        assertThat(rsa.keySize()).isEqualTo(2048);
        assertThat(ec.keyAlgorithm()).isEqualTo("EC");
        assertThat(ec.keySize()).isEqualTo(256);
    }

    @Test
    void isCaShouldFollowBasicConstraints() throws Exception {
        assertThat(CertificateFacts.of(Certificates.read(pki.bytes(pki.root())).get(0)).isCa()).isTrue();
        assertThat(CertificateFacts.of(Certificates.read(pki.bytes(pki.intermediate())).get(0)).isCa()).isTrue();
        assertThat(facts(pki.issue("leaf", OpenSslPki.EC, "/CN=Leaf", "basicConstraints=CA:FALSE")).isCa()).isFalse();
    }

    @Test
    void issuerAndSerialShouldBeThoseOpensslWrote() throws Exception {
        Path file = pki.issue("issuer-serial", OpenSslPki.EC, "/CN=Issued", "keyUsage=digitalSignature");
        X509Certificate intermediate = Certificates.read(pki.bytes(pki.intermediate())).get(0);
        String serial = ExternalTool.runForText(directory, "openssl", "x509", "-in", file.toString(), "-noout", "-serial");

        CertificateFacts facts = facts(file);

        assertThat(facts.issuer()).isEqualTo(intermediate.getSubjectX500Principal());
        assertThat(facts.issuerDer()).isEqualTo(intermediate.getSubjectX500Principal().getEncoded());
        assertThat(facts.serialNumber()).isEqualTo(new BigInteger(serial.trim().substring("serial=".length()), 16));
    }

    @Test
    void subjectKeyIdentifierShouldBeTheExtensionValueOrEmptyWithoutTheExtension() throws Exception {
        Path with = pki.issue("with-ski", OpenSslPki.EC, "/CN=With SKI", "subjectKeyIdentifier=hash");
        Path without = pki.issue("without-ski", OpenSslPki.EC, "/CN=Without SKI", NO_SKI);
        String text = ExternalTool.runForText(directory, "openssl", "x509", "-in", with.toString(), "-noout", "-ext",
            "subjectKeyIdentifier");
        String opensslHex = text.substring(text.indexOf('\n') + 1).trim().replace(":", "");

        assertThat(facts(with).subjectKeyIdentifier()).hasValueSatisfying(
            ski -> assertThat(Hex.encodeUpperCase(ski)).isEqualTo(opensslHex));
        assertThat(facts(without).subjectKeyIdentifier()).isEmpty();
    }

    @Test
    void validityShouldBeTheCertificatesNotBeforeAndNotAfter() throws Exception {
        X509Certificate certificate = Certificates.read(
            pki.bytes(pki.issue("validity", OpenSslPki.EC, "/CN=Validity", "keyUsage=digitalSignature"))).get(0);

        CertificateFacts facts = CertificateFacts.of(certificate);

        assertThat(facts.notBefore()).isEqualTo(certificate.getNotBefore().toInstant());
        assertThat(facts.notAfter()).isEqualTo(certificate.getNotAfter().toInstant());
        assertThat(facts.notAfter()).isAfter(facts.notBefore().plusSeconds(29L * 24 * 3600));
    }

    @Test
    void factsShouldBeEqualExactlyForTheSameCertificate() throws Exception {
        Path file = pki.issue("equality", OpenSslPki.EC, "/CN=Equality", "keyUsage=digitalSignature");

        assertThat(facts(file)).isEqualTo(facts(file)).hasSameHashCodeAs(facts(file));
        assertThat(facts(file)).isNotEqualTo(CertificateFacts.of(Certificates.read(pki.bytes(pki.root())).get(0)));
    }

    private static CertificateFacts facts(Path file) throws KeyMaterialException {
        return CertificateFacts.of(Certificates.read(pki.bytes(file)).get(0));
    }
}
