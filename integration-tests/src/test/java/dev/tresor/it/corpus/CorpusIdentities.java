package dev.tresor.it.corpus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyEncryptorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The keys the corpus is made with, generated fresh for every run: S/MIME identities (RSA-2048, self-signed, one
 * address each) and OpenPGP keys (RSA-2048 primary and encryption subkey) for the local recipient, for a partner who
 * signs, and for a stranger the gateway has never heard of. The gateway is given Alice's private keys and Bob's public
 * ones; the stranger's stay here, so mail made with them must end as "cannot decrypt" or "unknown signer".
 */
public final class CorpusIdentities {
    public static final String PASSWORD = "corpus-secret";

    /** One S/MIME identity: a key pair and its certificate. */
    public static final class Smime {
        private final KeyPair keyPair;
        private final X509Certificate certificate;

        Smime(KeyPair keyPair, X509Certificate certificate) {
            this.keyPair = keyPair;
            this.certificate = certificate;
        }

        public PrivateKey privateKey() {
            return keyPair.getPrivate();
        }

        public X509Certificate certificate() {
            return certificate;
        }

        /** The certificate as PEM, as WebAdmin takes it. */
        public byte[] certificatePem() {
            try {
                String base64 = java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded());
                return ("-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n").getBytes();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Key and certificate as a PKCS#12 file protected by {@link #PASSWORD}. */
        public byte[] pkcs12() {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("key", keyPair.getPrivate(), PASSWORD.toCharArray(), new X509Certificate[] {certificate});
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                store.store(out, PASSWORD.toCharArray());
                return out.toByteArray();
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** One OpenPGP key: primary (certify, sign) and an encryption subkey. */
    public static final class Pgp {
        private final PGPSecretKeyRing secret;
        private final PGPPublicKeyRing publicRing;

        Pgp(PGPSecretKeyRing secret, PGPPublicKeyRing publicRing) {
            this.secret = secret;
            this.publicRing = publicRing;
        }

        public PGPSecretKeyRing secretRing() {
            return secret;
        }

        public PGPPublicKey encryptionKey() {
            for (PGPPublicKey key : publicRing) {
                if (!key.isMasterKey()) {
                    return key;
                }
            }
            throw new IllegalStateException("no subkey");
        }

        public byte[] armoredPublic() {
            return armor(publicRing::encode);
        }

        /** The secret keys, protected by {@link #PASSWORD}. */
        public byte[] armoredSecret() {
            return armor(secret::encode);
        }

        private interface Encoder {
            void encode(OutputStream out) throws IOException;
        }

        private static byte[] armor(Encoder encoder) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ArmoredOutputStream armored = new ArmoredOutputStream(bytes)) {
                encoder.encode(armored);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return bytes.toByteArray();
        }
    }

    private final String aliceAddress;
    private final Smime aliceSmime;
    private final Smime bobSmime;
    private final Smime strangerSmime;
    private final Pgp alicePgp;
    private final Pgp bobPgp;
    private final Pgp strangerPgp;

    public CorpusIdentities(String aliceAddress, String bobAddress) {
        this.aliceAddress = aliceAddress;
        this.aliceSmime = smime("Alice", aliceAddress);
        this.bobSmime = smime("Bob", bobAddress);
        this.strangerSmime = smime("Stranger", "stranger@elsewhere.example");
        this.alicePgp = pgp("Alice <" + aliceAddress + ">");
        this.bobPgp = pgp("Bob <" + bobAddress + ">");
        this.strangerPgp = pgp("Stranger <stranger@elsewhere.example>");
    }

    public String aliceAddress() {
        return aliceAddress;
    }

    public Smime aliceSmime() {
        return aliceSmime;
    }

    public Smime bobSmime() {
        return bobSmime;
    }

    public Smime strangerSmime() {
        return strangerSmime;
    }

    public Pgp alicePgp() {
        return alicePgp;
    }

    public Pgp bobPgp() {
        return bobPgp;
    }

    public Pgp strangerPgp() {
        return strangerPgp;
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Smime smime(String name, String address) {
        try {
            KeyPair keyPair = rsa();
            X500Name subject = new X500Name("CN=" + name + ",O=Tresor hostile corpus");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(1, ChronoUnit.DAYS)),
                Date.from(now.plus(365, ChronoUnit.DAYS)), subject, keyPair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.rfc822Name, address)));
            builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate())));
            return new Smime(keyPair, certificate);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot make the S/MIME identity of " + address, e);
        }
    }

    private static Pgp pgp(String userId) {
        try {
            Date now = new Date(System.currentTimeMillis() - 86_400_000L);
            PGPKeyPair primary = new JcaPGPKeyPair(PGPPublicKey.RSA_GENERAL, rsa(), now);
            PGPKeyPair encryption = new JcaPGPKeyPair(PGPPublicKey.RSA_GENERAL, rsa(), now);
            PGPSignatureSubpacketGenerator primaryFlags = new PGPSignatureSubpacketGenerator();
            primaryFlags.setKeyFlags(true, KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
            primaryFlags.setPreferredHashAlgorithms(false, new int[] {HashAlgorithmTags.SHA256});
            primaryFlags.setPreferredSymmetricAlgorithms(false, new int[] {SymmetricKeyAlgorithmTags.AES_256});
            primaryFlags.setFeature(false, org.bouncycastle.bcpg.sig.Features.FEATURE_MODIFICATION_DETECTION);
            PGPSignatureSubpacketGenerator subkeyFlags = new PGPSignatureSubpacketGenerator();
            subkeyFlags.setKeyFlags(true, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE);
            PGPKeyRingGenerator generator = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, primary, userId,
                new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1),
                primaryFlags.generate(), null,
                new JcaPGPContentSignerBuilder(PGPPublicKey.RSA_GENERAL, HashAlgorithmTags.SHA256),
                new JcePBESecretKeyEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).build(PASSWORD.toCharArray()));
            generator.addSubKey(encryption, subkeyFlags.generate(), null);
            return new Pgp(generator.generateSecretKeyRing(), generator.generatePublicKeyRing());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot make the OpenPGP key of " + userId, e);
        }
    }
}
