package dev.tresor.keys.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.lifecycle.KeyAlgorithm;

/**
 * The certificates and CRLs of a tenant CA: a self-signed root per tenant that issues S/MIME certificates to the
 * tenant's own mailboxes. Pure cryptography, no storage: the caller keeps keys, serials and revocations. The profile
 * of every field, with the rule it follows, is written down in {@code key-repository/core/src/main/doc/certificate-profile.md}.
 *
 * <p>Issued certificates follow the CA/Browser Forum S/MIME Baseline Requirements, mailbox-validated, strict
 * generation: Tresor is the mail system of the tenant, so control of the mailbox is what it can vouch for, and the
 * strict profile (one purpose, e-mail protection) is the one every mail client accepts. A tenant CA is not publicly
 * trusted; following the public rules anyway keeps its certificates readable by every client and lint tool.
 */
public final class CaCertificates {
    /** CA/Browser Forum S/MIME BR 1.2: mailbox-validated, strict generation. */
    public static final ASN1ObjectIdentifier MAILBOX_VALIDATED_STRICT = new ASN1ObjectIdentifier("2.23.140.1.5.1.3");
    /** S/MIME BR 6.3.2: strict and multipurpose certificates are valid for at most 825 days. */
    public static final Duration MAXIMUM_VALIDITY = Duration.ofDays(825);
    /** S/MIME BR 4.9.7: a CRL's nextUpdate is at most ten days after its thisUpdate. */
    public static final Duration MAXIMUM_CRL_VALIDITY = Duration.ofDays(10);

    private static final String CA_NAME_SUFFIX = " Tresor S/MIME CA";
    /** RFC 5280, appendix A.1: ub-common-name and ub-organization-name. */
    private static final int UPPER_BOUND_NAME = 64;
    /** RFC 5280, appendix A.1: ub-emailaddress-length. */
    private static final int UPPER_BOUND_EMAIL = 255;
    private static final int SERIAL_BITS = 159;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CaCertificates() {
    }

    /**
     * A new key pair of the algorithm, from the JDK's default {@link SecureRandom}: RSA keys from the JDK (public
     * exponent 65537), EC keys on the named curve from Bouncy Castle, which is also the provider that signs with them.
     */
    public static KeyPair newKeyPair(KeyAlgorithm algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        try {
            KeyPairGenerator generator;
            switch (algorithm) {
                case RSA_2048:
                case RSA_3072:
                    generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(new RSAKeyGenParameterSpec(algorithm == KeyAlgorithm.RSA_2048 ? 2048 : 3072,
                        RSAKeyGenParameterSpec.F4), RANDOM);
                    break;
                case EC_P256:
                case EC_P384:
                    generator = KeyPairGenerator.getInstance("EC", CaSigners.BOUNCY_CASTLE);
                    generator.initialize(new ECGenParameterSpec(algorithm == KeyAlgorithm.EC_P256 ? "secp256r1" : "secp384r1"),
                        RANDOM);
                    break;
                default:
                    throw new IllegalArgumentException("Unsupported key algorithm " + algorithm);
            }
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("The JCA cannot generate " + algorithm.asString() + " keys", e);
        }
    }

    /**
     * A new certificate serial number: 159 bits from a CSPRNG, positive and below 2^159, so that it fits the 20 octets
     * of RFC 5280 (4.1.2.2) and carries far more than the 64 bits of entropy the Baseline Requirements (7.1) ask for.
     */
    public static BigInteger newSerial() {
        BigInteger serial;
        do {
            serial = new BigInteger(SERIAL_BITS, RANDOM);
        } while (serial.signum() == 0);
        return serial;
    }

    /**
     * A tenant's self-signed root: subject {@code CN=<organisation> Tresor S/MIME CA, O=<organisation>}, basic
     * constraints CA with path length 0 (it issues mailbox certificates only, never another CA), key usage
     * keyCertSign, cRLSign and digitalSignature (the CA key signs its OCSP responses itself), subject and authority
     * key identifiers.
     *
     * @throws IllegalArgumentException when the organisation is blank or too long for a name (47 characters), the
     *                                  validity is empty, or the key is not RSA ≥ 2048 bits, P-256 or P-384
     */
    public static X509Certificate newCaCertificate(String organisation, KeyPair caKeys, Instant notBefore, Instant notAfter) {
        Objects.requireNonNull(caKeys, "caKeys");
        String name = requireOrganisation(organisation);
        requireCaKey(caKeys.getPublic());
        Date from = seconds(notBefore, "notBefore");
        Date until = seconds(notAfter, "notAfter");
        requireOrder(from, until, "notBefore", "notAfter");
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, new DERUTF8String(name))
            .addRDN(BCStyle.CN, new DERUTF8String(name + CA_NAME_SUFFIX))
            .build();
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(caKeys.getPublic().getEncoded());
        SubjectKeyIdentifier keyIdentifier = subjectKeyIdentifier(publicKey);
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, newSerial(), new Time(from), new Time(until),
            subject, publicKey);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false, keyIdentifier);
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                new AuthorityKeyIdentifier(keyIdentifier.getKeyIdentifier()));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode a CA certificate extension", e);
        }
        return signed(builder, caKeys.getPrivate(), caKeys.getPublic());
    }

    /**
     * A mailbox certificate for one of the tenant's addresses, S/MIME Baseline Requirements mailbox-validated strict:
     * subject {@code CN=<address>, emailAddress=<address>} (the common name left out when the address is longer than
     * its 64-character bound), the address as the only rfc822Name of the subject alternative name, key usage
     * digitalSignature with keyEncipherment (RSA) or keyAgreement (EC), extended key usage emailProtection only, CRL
     * distribution point, OCSP and CA issuer URLs, policy 2.23.140.1.5.1.3.
     *
     * <p>Only addresses whose local part is ASCII are issued for: a non-ASCII local part needs an
     * {@code SmtpUTF8Mailbox} name (RFC 9598) instead of an rfc822Name, which Tresor does not write yet. The domain is
     * always ASCII ({@link EmailAddress} keeps it in punycode), as RFC 9598 wants it in an rfc822Name.
     *
     * @param serial from {@link #newSerial()}; the caller records it, to revoke the certificate later
     * @throws IllegalArgumentException when the validity exceeds 825 days or the CA's own, the address has a non-ASCII
     *                                  local part, the serial is not positive or longer than 159 bits, the subject key
     *                                  is not RSA ≥ 2048 bits, P-256 or P-384, or {@code ca} is no CA certificate or
     *                                  not the certificate of {@code caKey}
     */
    public static X509Certificate newMailboxCertificate(X509Certificate ca, PrivateKey caKey, PublicKey subjectKey,
                                                        EmailAddress address, BigInteger serial, Instant notBefore,
                                                        Instant notAfter, CaUrls urls) {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(caKey, "caKey");
        Objects.requireNonNull(subjectKey, "subjectKey");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(urls, "urls");
        requireCa(ca);
        String mailbox = requireAsciiMailbox(address);
        requireSerial(serial);
        Date from = seconds(notBefore, "notBefore");
        Date until = seconds(notAfter, "notAfter");
        requireOrder(from, until, "notBefore", "notAfter");
        requireValidity(from, until);
        if (until.after(ca.getNotAfter())) {
            throw new IllegalArgumentException("A certificate valid until " + notAfter + " would outlive its CA, valid until "
                + ca.getNotAfter().toInstant() + ": renew the CA first, or issue for a shorter time");
        }
        int keyUsage = mailboxKeyUsage(subjectKey);

        X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
        if (mailbox.length() <= UPPER_BOUND_NAME) {
            subject.addRDN(BCStyle.CN, new DERUTF8String(mailbox));
        }
        subject.addRDN(BCStyle.EmailAddress, new DERIA5String(mailbox));
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded());
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuerName(ca), serial, new Time(from), new Time(until),
            subject.build(), publicKey);
        try {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.certificatePolicies, false,
                new CertificatePolicies(new PolicyInformation(MAILBOX_VALIDATED_STRICT)));
            builder.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(new GeneralNames(uri(urls.crlUrl()))), null, null)}));
            builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(new AccessDescription[] {
                new AccessDescription(AccessDescription.id_ad_ocsp, uri(urls.ocspUrl())),
                new AccessDescription(AccessDescription.id_ad_caIssuers, uri(urls.caIssuersUrl()))}));
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(ca));
            builder.addExtension(Extension.subjectKeyIdentifier, false, subjectKeyIdentifier(publicKey));
            builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.rfc822Name, new DERIA5String(mailbox))));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot encode a certificate extension", e);
        }
        return signed(builder, caKey, ca.getPublicKey());
    }

    /**
     * A full v2 CRL of the CA: every revoked serial with its revocation date and, unless the reason is
     * {@link dev.tresor.keys.lifecycle.RevocationReason#UNSPECIFIED unspecified} (which RFC 5280 5.3.1 and the
     * Baseline Requirements 7.2.2 say to leave out), a non-critical reasonCode; the CRL number and the authority key
     * identifier as extensions.
     *
     * @param crlNumber strictly increasing per CA (RFC 5280, 5.2.3), positive, at most 20 octets
     * @throws IllegalArgumentException when nextUpdate is not after thisUpdate or more than ten days after it (S/MIME
     *                                  BR 4.9.7), the CRL number is out of range, or the key is not the CA's
     */
    public static X509CRL newCrl(X509Certificate ca, PrivateKey caKey, List<RevokedSerial> revoked, BigInteger crlNumber,
                                 Instant thisUpdate, Instant nextUpdate) {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(caKey, "caKey");
        Objects.requireNonNull(revoked, "revoked");
        requireCa(ca);
        if (crlNumber == null || crlNumber.signum() <= 0 || crlNumber.bitLength() > 159) {
            throw new IllegalArgumentException("A CRL number is positive and at most 20 octets long (RFC 5280, 5.2.3), not "
                + crlNumber);
        }
        Date issued = seconds(thisUpdate, "thisUpdate");
        Date next = seconds(nextUpdate, "nextUpdate");
        requireOrder(issued, next, "thisUpdate", "nextUpdate");
        if (Duration.between(issued.toInstant(), next.toInstant()).compareTo(MAXIMUM_CRL_VALIDITY) > 0) {
            throw new IllegalArgumentException("A CRL's nextUpdate is at most ten days after its thisUpdate (S/MIME Baseline"
                + " Requirements 4.9.7), not " + Duration.between(issued.toInstant(), next.toInstant()).toDays() + " days");
        }
        X509v2CRLBuilder builder = new X509v2CRLBuilder(issuerName(ca), new Time(issued));
        builder.setNextUpdate(new Time(next));
        try {
            for (RevokedSerial entry : revoked) {
                ExtensionsGenerator extensions = new ExtensionsGenerator();
                if (entry.reason().code() != CRLReason.unspecified) {
                    extensions.addExtension(Extension.reasonCode, false, CRLReason.lookup(entry.reason().code()));
                }
                builder.addCRLEntry(entry.serial(), seconds(entry.revokedAt(), "revokedAt"),
                    extensions.isEmpty() ? null : extensions.generate());
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(ca));
            builder.addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber));
            X509CRL crl = new JcaX509CRLConverter().getCRL(builder.build(CaSigners.signer(caKey)));
            crl.verify(ca.getPublicKey(), CaSigners.verifier(ca.getPublicKey()));
            return crl;
        } catch (IOException | CRLException e) {
            throw new IllegalStateException("Cannot encode the CRL", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The CRL does not verify with the CA's public key: is the private key the CA's?", e);
        }
    }

    /** The issuer name of everything the CA signs: its subject, byte for byte (S/MIME BR 7.1.4.1). */
    static X500Name issuerName(X509Certificate ca) {
        return X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
    }

    /** Only the key identifier, as the Baseline Requirements (7.1.2.3 g) want it; the CA's own SKI when it has one. */
    static AuthorityKeyIdentifier authorityKeyIdentifier(X509Certificate ca) {
        byte[] extension = ca.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        byte[] keyIdentifier = extension != null
            ? ASN1OctetString.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getOctets()
            : subjectKeyIdentifier(SubjectPublicKeyInfo.getInstance(ca.getPublicKey().getEncoded())).getKeyIdentifier();
        return new AuthorityKeyIdentifier(keyIdentifier);
    }

    /** RFC 5280 4.2.1.2, method 1: the SHA-1 of the subjectPublicKey BIT STRING's value. */
    private static SubjectKeyIdentifier subjectKeyIdentifier(SubjectPublicKeyInfo publicKey) {
        try {
            return new JcaX509ExtensionUtils().createSubjectKeyIdentifier(publicKey);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from the JCA", e);
        }
    }

    private static X509Certificate signed(X509v3CertificateBuilder builder, PrivateKey signingKey, PublicKey verificationKey) {
        X509CertificateHolder holder = builder.build(CaSigners.signer(signingKey));
        try {
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            certificate.verify(verificationKey, CaSigners.verifier(verificationKey));
            return certificate;
        } catch (CertificateException e) {
            throw new IllegalStateException("Cannot encode the certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The certificate does not verify with the CA's public key: is the private key"
                + " the CA's?", e);
        }
    }

    private static int mailboxKeyUsage(PublicKey subjectKey) {
        if (CaSigners.isRsa(subjectKey)) {
            CaSigners.requireRsaSize(((RSAKey) subjectKey).getModulus().bitLength(), "subject key");
            return KeyUsage.digitalSignature | KeyUsage.keyEncipherment;
        }
        if (CaSigners.isEc(subjectKey)) {
            CaSigners.curveBits(subjectKey, "subject key");
            return KeyUsage.digitalSignature | KeyUsage.keyAgreement;
        }
        throw new IllegalArgumentException("Unsupported subject key algorithm " + subjectKey.getAlgorithm()
            + ": RSA, P-256 or P-384 expected");
    }

    private static void requireCaKey(PublicKey key) {
        if (CaSigners.isRsa(key)) {
            CaSigners.requireRsaSize(((RSAKey) key).getModulus().bitLength(), "CA key");
        } else if (CaSigners.isEc(key)) {
            CaSigners.curveBits(key, "CA key");
        } else {
            throw new IllegalArgumentException("Unsupported CA key algorithm " + key.getAlgorithm()
                + ": RSA, P-256 or P-384 expected");
        }
    }

    private static void requireCa(X509Certificate ca) {
        if (ca.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("Not a CA certificate (no basic constraints with cA true): "
                + ca.getSubjectX500Principal().getName());
        }
    }

    private static String requireOrganisation(String organisation) {
        Objects.requireNonNull(organisation, "organisation");
        String name = organisation.trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("The organisation of a CA certificate must not be blank");
        }
        if (name.length() + CA_NAME_SUFFIX.length() > UPPER_BOUND_NAME) {
            throw new IllegalArgumentException("The organisation '" + name + "' is too long for the CA's common name: at most "
                + (UPPER_BOUND_NAME - CA_NAME_SUFFIX.length()) + " characters (RFC 5280, ub-common-name)");
        }
        return name;
    }

    private static String requireAsciiMailbox(EmailAddress address) {
        String mailbox = address.asString();
        if (!StandardCharsets.US_ASCII.newEncoder().canEncode(mailbox)) {
            throw new IllegalArgumentException("Cannot issue a certificate for " + mailbox + ": its local part is not ASCII,"
                + " which needs an SmtpUTF8Mailbox name (RFC 9598) that Tresor does not issue yet");
        }
        if (mailbox.length() > UPPER_BOUND_EMAIL) {
            throw new IllegalArgumentException("Cannot issue a certificate for an address longer than " + UPPER_BOUND_EMAIL
                + " characters");
        }
        return mailbox;
    }

    private static void requireSerial(BigInteger serial) {
        if (serial == null || serial.signum() <= 0 || serial.bitLength() > SERIAL_BITS) {
            throw new IllegalArgumentException("A certificate serial number is positive and below 2^159 (S/MIME Baseline"
                + " Requirements 7.1), not " + serial + ": use CaCertificates.newSerial()");
        }
    }

    /**
     * At most 825 days, counted as the Baseline Requirements count (6.3.2): from notBefore to notAfter inclusive
     * (RFC 5280 4.1.2.5), so a certificate that ends one second later than exactly 825 days is a day too long.
     */
    private static void requireValidity(Date from, Date until) {
        Duration validity = Duration.between(from.toInstant(), until.toInstant()).plusSeconds(1);
        if (validity.compareTo(MAXIMUM_VALIDITY) > 0) {
            throw new IllegalArgumentException("A mailbox certificate is valid for at most 825 days (S/MIME Baseline"
                + " Requirements 6.3.2), not " + validity.toDays() + " days and " + validity.toHoursPart() + " hours");
        }
    }

    private static void requireOrder(Date first, Date second, String firstName, String secondName) {
        if (!second.after(first)) {
            throw new IllegalArgumentException(secondName + " (" + second.toInstant() + ") must be after " + firstName + " ("
                + first.toInstant() + ")");
        }
    }

    /** X.509 and OCSP times have whole seconds (RFC 5280 4.1.2.5): fractions would be encoded, and some readers refuse them. */
    static Date seconds(Instant instant, String name) {
        Objects.requireNonNull(instant, name);
        return Date.from(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private static GeneralName uri(String url) {
        return new GeneralName(GeneralName.uniformResourceIdentifier, new DERIA5String(url));
    }
}
