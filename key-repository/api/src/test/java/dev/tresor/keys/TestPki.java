package dev.tresor.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for tests: a CA that issues end-entity certificates with the addresses, validity and usages a test
 * needs. EC P-256 keys (fast to generate); {@link #sharedKeyPair()} for tests that need thousands of certificates.
 */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());
    private static final KeyPair SHARED = newKeyPair();

    private final X500Principal name;
    private final KeyPair keyPair;
    private final X509Certificate certificate;

    private TestPki(String commonName) {
        this.name = new X500Principal("CN=" + commonName + ", O=Tresor tests");
        this.keyPair = newKeyPair();
        Instant now = Instant.now();
        this.certificate = build(name, keyPair, name, keyPair.getPrivate(), now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)),
            List.of(), true, KeyUsage.keyCertSign | KeyUsage.cRLSign, false, false, Optional.empty());
    }

    public static TestPki ca(String commonName) {
        return new TestPki(commonName);
    }

    public static KeyPair sharedKeyPair() {
        return SHARED;
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A fresh RSA-2048 key pair. */
    public static KeyPair newRsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    public Issued issue(String... addresses) {
        return issuing(addresses).build();
    }

    public Builder issuing(String... addresses) {
        return new Builder(List.of(addresses));
    }

    /**
     * A CRL signed by this CA, listing the given certificates as revoked at {@code revokedAt} (key compromise).
     */
    public X509CRL crl(Instant thisUpdate, Instant nextUpdate, Instant revokedAt, X509Certificate... revoked) {
        try {
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(name, Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            for (X509Certificate certificate : revoked) {
                builder.addCRLEntry(certificate.getSerialNumber(), Date.from(revokedAt), CRLReason.keyCompromise);
            }
            return new JcaX509CRLConverter().getCRL(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot build a test CRL", e);
        }
    }

    /** An issued certificate with its key pair. */
    public static final class Issued {
        private final X509Certificate certificate;
        private final KeyPair keyPair;
        private final List<X509Certificate> chain;

        Issued(X509Certificate certificate, KeyPair keyPair, X509Certificate issuer) {
            this.certificate = certificate;
            this.keyPair = keyPair;
            this.chain = List.of(certificate, issuer);
        }

        public X509Certificate certificate() {
            return certificate;
        }

        public PrivateKey privateKey() {
            return keyPair.getPrivate();
        }

        /** The certificate, then its issuer. */
        public List<X509Certificate> chain() {
            return chain;
        }

        public Fingerprint fingerprint() {
            try {
                return Fingerprint.sha256(certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public final class Builder {
        private final List<String> addresses;
        private Instant notBefore = Instant.now().minus(Duration.ofDays(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(365));
        private int keyUsage = KeyUsage.digitalSignature | KeyUsage.keyAgreement | KeyUsage.nonRepudiation;
        private KeyPair subjectKeys = newKeyPair();
        private boolean emailProtection = true;
        private String commonName = "Test user";
        private Optional<String> crlDistributionPoint = Optional.empty();

        Builder(List<String> addresses) {
            this.addresses = addresses;
        }

        public Builder validity(Instant from, Instant until) {
            this.notBefore = from;
            this.notAfter = until;
            return this;
        }

        public Builder signingOnly() {
            this.keyUsage = KeyUsage.digitalSignature | KeyUsage.nonRepudiation;
            return this;
        }

        public Builder encryptionOnly() {
            this.keyUsage = KeyUsage.keyAgreement;
            return this;
        }

        public Builder serverAuthOnly() {
            this.emailProtection = false;
            return this;
        }

        /** An RSA key (2048 bits, fresh) with the usages S/MIME needs of RSA: signature and key transport. */
        public Builder rsa() {
            this.subjectKeys = newRsaKeyPair();
            this.keyUsage = KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyEncipherment;
            return this;
        }

        public Builder keyPair(KeyPair keyPair) {
            this.subjectKeys = keyPair;
            return this;
        }

        /** A CRL distribution point extension with this URL (full name, as most public CAs write it). */
        public Builder crlDistributionPoint(String url) {
            this.crlDistributionPoint = Optional.of(url);
            return this;
        }

        public Builder commonName(String name) {
            this.commonName = name;
            return this;
        }

        public Issued build() {
            X509Certificate issued = TestPki.build(new X500Principal("CN=" + commonName + ", O=Tresor tests"), subjectKeys, name,
                keyPair.getPrivate(), notBefore, notAfter, addresses, false, keyUsage, true, emailProtection, crlDistributionPoint);
            return new Issued(issued, subjectKeys, certificate);
        }
    }

    private static X509Certificate build(X500Principal subject, KeyPair subjectKeys, X500Principal issuer, PrivateKey issuerKey,
                                         Instant notBefore, Instant notAfter, List<String> addresses, boolean ca, int keyUsage,
                                         boolean withEku, boolean emailProtection, Optional<String> crlDistributionPoint) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKeys.getPublic()));
            if (withEku) {
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                    emailProtection ? KeyPurposeId.id_kp_emailProtection : KeyPurposeId.id_kp_serverAuth));
            }
            if (crlDistributionPoint.isPresent()) {
                DistributionPointName where = new DistributionPointName(
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, crlDistributionPoint.get())));
                builder.addExtension(Extension.cRLDistributionPoints, false,
                    new CRLDistPoint(new DistributionPoint[] {new DistributionPoint(where, null, null)}));
            }
            if (!addresses.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                addresses.forEach(address -> names.add(new GeneralName(GeneralName.rfc822Name, address)));
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
            }
            return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot build a test certificate", e);
        }
    }
}
