package dev.tresor.keys.io;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;

/**
 * What the key repository needs to know about a certificate, computed once: identity, addresses, validity and what the
 * key may be used for in S/MIME. Immutable; two facts are equal when they describe the same certificate (fingerprint).
 *
 * <p>Usage follows RFC 8550/8551: an absent keyUsage or extendedKeyUsage extension restricts nothing; when present,
 * encryption needs keyEncipherment (RSA) or keyAgreement (EC, X25519, X448), signing needs digitalSignature or
 * nonRepudiation, and the extendedKeyUsage must list emailProtection or anyExtendedKeyUsage. Keys whose algorithm cannot
 * do the operation at all (Ed25519 cannot encrypt, X25519 cannot sign) are never reported capable of it.
 */
public final class CertificateFacts {
    private static final String EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    private static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    private static final int RFC822_NAME = 1;
    private static final int DIGITAL_SIGNATURE = 0;
    private static final int NON_REPUDIATION = 1;
    private static final int KEY_ENCIPHERMENT = 2;
    private static final int KEY_AGREEMENT = 4;

    private static final String RSA = "RSA";
    private static final String EC = "EC";
    /** Algorithms by SubjectPublicKeyInfo OID, so Java 11 needs no EdDSA types and unknown keys still get a name. */
    private static final Map<String, String> ALGORITHM_NAMES = Map.of(
        PKCSObjectIdentifiers.rsaEncryption.getId(), RSA,
        PKCSObjectIdentifiers.id_RSASSA_PSS.getId(), "RSASSA-PSS",
        X9ObjectIdentifiers.id_ecPublicKey.getId(), EC,
        X9ObjectIdentifiers.id_dsa.getId(), "DSA",
        EdECObjectIdentifiers.id_Ed25519.getId(), "Ed25519",
        EdECObjectIdentifiers.id_Ed448.getId(), "Ed448",
        EdECObjectIdentifiers.id_X25519.getId(), "X25519",
        EdECObjectIdentifiers.id_X448.getId(), "X448");
    private static final Set<String> ENCRYPTING_BY_KEY_TRANSPORT = Set.of(RSA);
    private static final Set<String> ENCRYPTING_BY_KEY_AGREEMENT = Set.of(EC, "X25519", "X448");
    private static final Set<String> SIGNING = Set.of(RSA, "RSASSA-PSS", EC, "DSA", "Ed25519", "Ed448");

    private final Fingerprint fingerprint;
    private final X500Principal subject;
    private final X500Principal issuer;
    private final BigInteger serialNumber;
    private final List<EmailAddress> emailAddresses;
    private final List<String> invalidEmailAddresses;
    private final Instant notBefore;
    private final Instant notAfter;
    private final boolean canEncrypt;
    private final boolean canSign;
    private final boolean ca;
    private final byte[] subjectKeyIdentifier;
    private final String keyAlgorithm;
    private final int keySize;

    private CertificateFacts(X509Certificate certificate) {
        this.fingerprint = Fingerprint.sha256(encoded(certificate));
        this.subject = certificate.getSubjectX500Principal();
        this.issuer = certificate.getIssuerX500Principal();
        this.serialNumber = certificate.getSerialNumber();
        List<String> rawAddresses = rawEmailAddresses(certificate);
        Set<EmailAddress> valid = new LinkedHashSet<>();
        List<String> invalid = new ArrayList<>();
        for (String raw : rawAddresses) {
            try {
                valid.add(EmailAddress.of(raw));
            } catch (IllegalArgumentException e) {
                invalid.add(raw);
            }
        }
        this.emailAddresses = List.copyOf(valid);
        this.invalidEmailAddresses = List.copyOf(invalid);
        this.notBefore = certificate.getNotBefore().toInstant();
        this.notAfter = certificate.getNotAfter().toInstant();
        this.keyAlgorithm = keyAlgorithm(certificate);
        this.keySize = keySize(certificate, keyAlgorithm);
        boolean emailUse = allowsEmailProtection(certificate);
        this.canEncrypt = emailUse && (ENCRYPTING_BY_KEY_TRANSPORT.contains(keyAlgorithm)
            && hasKeyUsage(certificate, KEY_ENCIPHERMENT)
            || ENCRYPTING_BY_KEY_AGREEMENT.contains(keyAlgorithm) && hasKeyUsage(certificate, KEY_AGREEMENT));
        this.canSign = emailUse && SIGNING.contains(keyAlgorithm)
            && (hasKeyUsage(certificate, DIGITAL_SIGNATURE) || hasKeyUsage(certificate, NON_REPUDIATION));
        this.ca = certificate.getBasicConstraints() >= 0;
        this.subjectKeyIdentifier = subjectKeyIdentifier(certificate);
    }

    public static CertificateFacts of(X509Certificate certificate) {
        return new CertificateFacts(certificate);
    }

    /** SHA-256 of the certificate's DER encoding. */
    public Fingerprint fingerprint() {
        return fingerprint;
    }

    public X500Principal subject() {
        return subject;
    }

    public X500Principal issuer() {
        return issuer;
    }

    /** The issuer name exactly as encoded in the certificate: with the serial number, what CMS recipients name. */
    public byte[] issuerDer() {
        return issuer.getEncoded();
    }

    public BigInteger serialNumber() {
        return serialNumber;
    }

    /**
     * The certificate's e-mail addresses, normalised, without duplicates: rfc822Name entries of the subjectAltName
     * first, then emailAddress attributes of the subject. Values that are not e-mail addresses are left out.
     */
    public List<EmailAddress> emailAddresses() {
        return emailAddresses;
    }

    /**
     * {@link #emailAddresses()}, for callers that cannot use a certificate without one (S/MIME end-entity certificates).
     *
     * @throws KeyMaterialException naming what the certificate has instead
     */
    public List<EmailAddress> requireEmailAddresses() throws KeyMaterialException {
        if (!emailAddresses.isEmpty()) {
            return emailAddresses;
        }
        if (!invalidEmailAddresses.isEmpty()) {
            throw new KeyMaterialException("certificate has no valid e-mail address (not an e-mail address: '"
                + String.join("', '", invalidEmailAddresses) + "')");
        }
        throw new KeyMaterialException(
            "certificate has no e-mail address (no rfc822Name in subjectAltName, no emailAddress in subject)");
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
    }

    /** Whether the certificate allows encrypting mail to its key (see the class comment). Validity is not checked. */
    public boolean canEncrypt() {
        return canEncrypt;
    }

    /** Whether the certificate allows signing mail with its key (see the class comment). Validity is not checked. */
    public boolean canSign() {
        return canSign;
    }

    /** Whether basicConstraints marks it a CA certificate. */
    public boolean isCa() {
        return ca;
    }

    /**
     * The subjectKeyIdentifier extension's value, as the issuer wrote it. When the extension is absent this is empty:
     * a computed identifier (RFC 5280 method 1 or others) would not match what other software puts into CMS
     * recipient and signer identifiers, so we never invent one; such certificates are found by issuer and serial.
     */
    public Optional<byte[]> subjectKeyIdentifier() {
        return Optional.ofNullable(subjectKeyIdentifier).map(byte[]::clone);
    }

    /** RSA, RSASSA-PSS, EC, DSA, Ed25519, Ed448, X25519, X448, or the key's algorithm OID for anything else. */
    public String keyAlgorithm() {
        return keyAlgorithm;
    }

    /**
     * Key size in bits: the modulus for RSA, the prime p for DSA, the field size for elliptic curves (256 for P-256, 255
     * for Ed25519 and X25519, 448 for Ed448 and X448); 0 when unknown.
     */
    public int keySize() {
        return keySize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CertificateFacts && ((CertificateFacts) o).fingerprint.equals(fingerprint);
    }

    @Override
    public int hashCode() {
        return fingerprint.hashCode();
    }

    @Override
    public String toString() {
        return "CertificateFacts[" + subject.getName() + ", " + fingerprint + ", " + emailAddresses + "]";
    }

    private static List<String> rawEmailAddresses(X509Certificate certificate) {
        List<String> addresses = new ArrayList<>();
        for (List<?> name : subjectAlternativeNames(certificate)) {
            if (name.size() >= 2 && Integer.valueOf(RFC822_NAME).equals(name.get(0)) && name.get(1) instanceof String) {
                addresses.add((String) name.get(1));
            }
        }
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        for (RDN rdn : subject.getRDNs(PKCSObjectIdentifiers.pkcs_9_at_emailAddress)) {
            for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
                if (PKCSObjectIdentifiers.pkcs_9_at_emailAddress.equals(attribute.getType())
                    && attribute.getValue() instanceof ASN1String) {
                    addresses.add(((ASN1String) attribute.getValue()).getString());
                }
            }
        }
        return addresses;
    }

    private static Collection<List<?>> subjectAlternativeNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            return names != null ? names : Collections.emptyList();
        } catch (CertificateParsingException e) {
            return Collections.emptyList();
        }
    }

    private static boolean hasKeyUsage(X509Certificate certificate, int bit) {
        boolean[] keyUsage = certificate.getKeyUsage();
        return keyUsage == null || bit < keyUsage.length && keyUsage[bit];
    }

    private static boolean allowsEmailProtection(X509Certificate certificate) {
        try {
            List<String> extendedKeyUsage = certificate.getExtendedKeyUsage();
            return extendedKeyUsage == null || extendedKeyUsage.contains(EMAIL_PROTECTION)
                || extendedKeyUsage.contains(ANY_EXTENDED_KEY_USAGE);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static byte[] subjectKeyIdentifier(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (extension == null) {
            return null;
        }
        try {
            byte[] value = ASN1OctetString.getInstance(extension).getOctets();
            return SubjectKeyIdentifier.getInstance(ASN1Primitive.fromByteArray(value)).getKeyIdentifier();
        } catch (IOException | RuntimeException e) {
            // The JDK parsed this extension already when it accepted the certificate; a failure here cannot happen.
            return null;
        }
    }

    private static String keyAlgorithm(X509Certificate certificate) {
        String oid = SubjectPublicKeyInfo.getInstance(certificate.getPublicKey().getEncoded()).getAlgorithm()
            .getAlgorithm().getId();
        return ALGORITHM_NAMES.getOrDefault(oid, oid);
    }

    private static int keySize(X509Certificate certificate, String algorithm) {
        Object key = certificate.getPublicKey();
        if (key instanceof RSAPublicKey) {
            return ((RSAPublicKey) key).getModulus().bitLength();
        }
        if (key instanceof ECPublicKey) {
            return ((ECPublicKey) key).getParams().getCurve().getField().getFieldSize();
        }
        if (key instanceof DSAPublicKey && ((DSAPublicKey) key).getParams() != null) {
            return ((DSAPublicKey) key).getParams().getP().bitLength();
        }
        switch (algorithm) {
            case "Ed25519":
            case "X25519":
                return 255;
            case "Ed448":
            case "X448":
                return 448;
            default:
                return 0;
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("Certificate cannot be encoded: " + e.getMessage(), e);
        }
    }
}
