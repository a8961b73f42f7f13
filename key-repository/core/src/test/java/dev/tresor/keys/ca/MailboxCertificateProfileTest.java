package dev.tresor.keys.ca;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.lifecycle.KeyAlgorithm;

/**
 * Each field of an issued certificate against the CA/Browser Forum S/MIME Baseline Requirements, mailbox-validated
 * strict. No certificate linter installs from Debian or npm (zlint is a Go module, pkilint a Python package), so this
 * test is the lint: one assertion per rule, named by its section.
 */
class MailboxCertificateProfileTest {
    static TestCa rsaCa;
    static TestCa ecCa;
    static X509CertificateHolder rsa;
    static X509CertificateHolder ec;
    static X509CertificateHolder ecUnderEcCa;

    @BeforeAll
    static void issue() throws Exception {
        rsaCa = new TestCa("Acme", KeyAlgorithm.RSA_2048);
        ecCa = new TestCa("Acme", KeyAlgorithm.EC_P384);
        rsa = new X509CertificateHolder(rsaCa.issue("alice@acme.example", KeyAlgorithm.RSA_3072).certificate.getEncoded());
        ec = new X509CertificateHolder(rsaCa.issue("bob@acme.example", KeyAlgorithm.EC_P256).certificate.getEncoded());
        ecUnderEcCa = new X509CertificateHolder(ecCa.issue("carl@acme.example", KeyAlgorithm.EC_P384).certificate.getEncoded());
    }

    @Test
    void versionShouldBeThreeAndSerialShouldBePositiveWithinTwentyOctets_7_1() {
        for (X509CertificateHolder certificate : List.of(rsa, ec, ecUnderEcCa)) {
            assertThat(certificate.getVersionNumber()).isEqualTo(3);
            assertThat(certificate.getSerialNumber().signum()).isPositive();
            assertThat(certificate.getSerialNumber().bitLength()).isLessThanOrEqualTo(159);
            assertThat(certificate.getSerialNumber().bitLength()).as("≥ 64 bits of entropy, so rarely short").isGreaterThan(64);
        }
    }

    @Test
    void issuerShouldBeTheCaSubjectByteForByte_7_1_4_1() throws Exception {
        assertThat(rsa.getIssuer().getEncoded()).isEqualTo(rsaCa.certificate.getSubjectX500Principal().getEncoded());
        assertThat(ecUnderEcCa.getIssuer().getEncoded()).isEqualTo(ecCa.certificate.getSubjectX500Principal().getEncoded());
    }

    @Test
    void subjectShouldHoldOnlyTheMailboxAsCommonNameAndEmailAddress_7_1_4_2_3() {
        assertThat(attributes(rsa)).containsExactly(BCStyle.CN, PKCSObjectIdentifiers.pkcs_9_at_emailAddress);
        AttributeTypeAndValue commonName = rsa.getSubject().getRDNs(BCStyle.CN)[0].getFirst();
        AttributeTypeAndValue emailAddress = rsa.getSubject().getRDNs(BCStyle.EmailAddress)[0].getFirst();
        assertThat(commonName.getValue()).isInstanceOf(ASN1UTF8String.class);
        assertThat(commonName.getValue().toString()).isEqualTo("alice@acme.example");
        assertThat(emailAddress.getValue()).as("RFC 5280: IA5String").isInstanceOf(ASN1IA5String.class);
        assertThat(emailAddress.getValue().toString()).isEqualTo("alice@acme.example");
    }

    @Test
    void subjectAlternativeNameShouldBeTheOnlyRfc822NameAndNotCritical_7_1_4_2_1() {
        Extension san = rsa.getExtension(Extension.subjectAlternativeName);
        GeneralName[] names = GeneralNames.getInstance(san.getParsedValue()).getNames();

        assertThat(san.isCritical()).isFalse();
        assertThat(names).hasSize(1);
        assertThat(names[0].getTagNo()).isEqualTo(GeneralName.rfc822Name);
        assertThat(names[0].getName().toString()).isEqualTo("alice@acme.example");
    }

    @Test
    void keyUsageShouldBeCriticalDigitalSignatureWithKeyEnciphermentForRsaAndKeyAgreementForEc_7_1_2_3_e() {
        assertThat(rsa.getExtension(Extension.keyUsage).isCritical()).isTrue();
        assertThat(KeyUsage.fromExtensions(rsa.getExtensions()))
            .isEqualTo(new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        assertThat(KeyUsage.fromExtensions(ec.getExtensions()))
            .isEqualTo(new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        assertThat(KeyUsage.fromExtensions(ecUnderEcCa.getExtensions()))
            .isEqualTo(new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
    }

    @Test
    void extendedKeyUsageShouldBeEmailProtectionOnly_7_1_2_3_f() {
        ExtendedKeyUsage usage = ExtendedKeyUsage.fromExtensions(rsa.getExtensions());

        assertThat(usage.getUsages()).containsExactly(KeyPurposeId.id_kp_emailProtection);
        assertThat(rsa.getExtension(Extension.extendedKeyUsage).isCritical()).isFalse();
    }

    @Test
    void basicConstraintsShouldNotMakeACaNorCarryAPathLength_7_1_2_3_d() {
        BasicConstraints constraints = BasicConstraints.fromExtensions(rsa.getExtensions());

        assertThat(constraints.isCA()).isFalse();
        assertThat(constraints.getPathLenConstraint()).isNull();
    }

    @Test
    void certificatePoliciesShouldHoldExactlyTheMailboxValidatedStrictOid_7_1_2_3_a() {
        Extension extension = rsa.getExtension(Extension.certificatePolicies);
        PolicyInformation[] policies = CertificatePolicies.getInstance(extension.getParsedValue()).getPolicyInformation();

        assertThat(extension.isCritical()).isFalse();
        assertThat(policies).extracting(PolicyInformation::getPolicyIdentifier)
            .containsExactly(new ASN1ObjectIdentifier("2.23.140.1.5.1.3"));
        assertThat(policies[0].getPolicyQualifiers()).isNull();
    }

    @Test
    void crlDistributionPointShouldBeTheOneHttpUrl_7_1_2_3_b() {
        Extension extension = rsa.getExtension(Extension.cRLDistributionPoints);
        DistributionPoint[] points = CRLDistPoint.getInstance(extension.getParsedValue()).getDistributionPoints();

        assertThat(extension.isCritical()).isFalse();
        assertThat(points).hasSize(1);
        assertThat(points[0].getReasons()).isNull();
        assertThat(points[0].getCRLIssuer()).isNull();
        GeneralName[] names = GeneralNames.getInstance(points[0].getDistributionPoint().getName()).getNames();
        assertThat(names).extracting(GeneralName::getTagNo).containsExactly(GeneralName.uniformResourceIdentifier);
        assertThat(names[0].getName().toString()).isEqualTo("http://pki.acme.example/ca.crl");
    }

    @Test
    void authorityInformationAccessShouldNameTheOcspResponderAndTheCaCertificateOverHttp_7_1_2_3_c() {
        Extension extension = rsa.getExtension(Extension.authorityInfoAccess);
        AccessDescription[] descriptions = AuthorityInformationAccess.getInstance(extension.getParsedValue())
            .getAccessDescriptions();

        assertThat(extension.isCritical()).isFalse();
        assertThat(Arrays.stream(descriptions).map(d -> d.getAccessMethod() + " " + d.getAccessLocation().getName())
            .collect(Collectors.toList()))
            .containsExactly(AccessDescription.id_ad_ocsp + " http://pki.acme.example/ocsp",
                AccessDescription.id_ad_caIssuers + " http://pki.acme.example/ca.crt");
    }

    @Test
    void authorityKeyIdentifierShouldBeTheCaSubjectKeyIdentifierAlone_7_1_2_3_g() throws Exception {
        Extension extension = rsa.getExtension(Extension.authorityKeyIdentifier);
        AuthorityKeyIdentifier identifier = AuthorityKeyIdentifier.getInstance(extension.getParsedValue());
        byte[] caSki = SubjectKeyIdentifier.fromExtensions(
            new X509CertificateHolder(rsaCa.certificate.getEncoded()).getExtensions()).getKeyIdentifier();

        assertThat(extension.isCritical()).isFalse();
        assertThat(Hex.toHexString(identifier.getKeyIdentifier())).isEqualTo(Hex.toHexString(caSki));
        assertThat(identifier.getAuthorityCertIssuer()).isNull();
        assertThat(identifier.getAuthorityCertSerialNumber()).isNull();
    }

    @Test
    void subjectKeyIdentifierShouldBeDerivedFromThePublicKey_7_1_2_3_n() throws Exception {
        Extension extension = rsa.getExtension(Extension.subjectKeyIdentifier);

        assertThat(extension.isCritical()).isFalse();
        assertThat(SubjectKeyIdentifier.getInstance(extension.getParsedValue()).getKeyIdentifier())
            .isEqualTo(new JcaX509ExtensionUtils().createSubjectKeyIdentifier(rsa.getSubjectPublicKeyInfo()).getKeyIdentifier());
    }

    @Test
    void noOtherExtensionShouldBePresent_7_1_2_4() {
        assertThat(rsa.getExtensionOIDs()).containsExactlyInAnyOrder(Extension.keyUsage, Extension.extendedKeyUsage,
            Extension.basicConstraints, Extension.certificatePolicies, Extension.cRLDistributionPoints,
            Extension.authorityInfoAccess, Extension.authorityKeyIdentifier, Extension.subjectKeyIdentifier,
            Extension.subjectAlternativeName);
        assertThat(rsa.getCriticalExtensionOIDs()).containsExactlyInAnyOrder(Extension.keyUsage, Extension.basicConstraints);
    }

    @Test
    void publicKeyAndSignatureAlgorithmsShouldBeEncodedByteForByteAsRequired_7_1_3() throws Exception {
        assertThat(Hex.toHexString(rsa.getSubjectPublicKeyInfo().getAlgorithm().getEncoded()))
            .isEqualTo("300d06092a864886f70d0101010500");
        assertThat(Hex.toHexString(ec.getSubjectPublicKeyInfo().getAlgorithm().getEncoded()))
            .isEqualTo("301306072a8648ce3d020106082a8648ce3d030107");
        assertThat(Hex.toHexString(ecUnderEcCa.getSubjectPublicKeyInfo().getAlgorithm().getEncoded()))
            .isEqualTo("301006072a8648ce3d020106052b81040022");
        assertThat(Hex.toHexString(rsa.getSignatureAlgorithm().getEncoded())).isEqualTo("300d06092a864886f70d01010b0500");
        assertThat(Hex.toHexString(ecUnderEcCa.getSignatureAlgorithm().getEncoded())).isEqualTo("300a06082a8648ce3d040303");
    }

    @Test
    void validityShouldBeEncodedInWholeSecondsAsUtcTime_RFC5280_4_1_2_5() throws Exception {
        byte[] der = rsa.toASN1Structure().getTBSCertificate().getStartDate().toASN1Primitive().getEncoded();

        assertThat(der[0]).as("UTCTime tag").isEqualTo((byte) 0x17);
        assertThat(der.length).as("YYMMDDHHMMSSZ").isEqualTo(2 + 13);
    }

    private static List<ASN1ObjectIdentifier> attributes(X509CertificateHolder certificate) {
        return Arrays.stream(certificate.getSubject().getRDNs())
            .flatMap(rdn -> Arrays.stream(rdn.getTypesAndValues()))
            .map(AttributeTypeAndValue::getType)
            .collect(Collectors.toList());
    }
}
