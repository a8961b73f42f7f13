package dev.tresor.pgp;

import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.PGPContentSigner;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPPrivateKey;
import org.bouncycastle.util.encoders.Hex;

/**
 * OpenPGP signatures over one pass of the JDK's digest. Bouncy Castle's JCA content signer runs the content through
 * two digests of the same algorithm, one for the signature and one for the hash prefix of the signature packet: at a
 * megabyte, half of SignPgp's time. Here the one digest serves both, and the key signs that digest as OpenPGP
 * prescribes: Ed25519 (legacy EdDSA and RFC 9580) signs the digest itself, RSA a PKCS#1 v1.5 DigestInfo of it. Other
 * key algorithms are not offered ({@link #supports}).
 */
final class SingleDigestSigner implements PGPContentSignerBuilder {
    private static final Provider SUN = Security.getProvider("SUN");

    private final PGPPublicKey publicKey;
    private final int hashAlgorithm;

    SingleDigestSigner(PGPPublicKey publicKey, int hashAlgorithm) {
        this.publicKey = publicKey;
        this.hashAlgorithm = hashAlgorithm;
    }

    static boolean supports(int keyAlgorithm) {
        // the two gpg interoperability is proven for here; ECDSA keys keep Bouncy Castle's signer
        return PgpProviders.isRsa(keyAlgorithm) || isEd25519(keyAlgorithm);
    }

    private static boolean isEd25519(int keyAlgorithm) {
        return keyAlgorithm == PublicKeyAlgorithmTags.EDDSA_LEGACY || keyAlgorithm == PublicKeyAlgorithmTags.Ed25519;
    }

    /** @param privateKey a {@link JcaPGPPrivateKey} (see {@link JcaPrivateKeys}) */
    @Override
    public PGPContentSigner build(int signatureType, PGPPrivateKey privateKey) throws PGPException {
        if (!(privateKey instanceof JcaPGPPrivateKey)) {
            throw new PGPException("the private key must be in its JCA form");
        }
        try {
            return new Signer(signatureType, ((JcaPGPPrivateKey) privateKey).getPrivateKey(),
                MessageDigest.getInstance(digestName(hashAlgorithm), SUN));
        } catch (GeneralSecurityException e) {
            throw new PGPException("cannot sign with " + digestName(hashAlgorithm) + ": " + e.getMessage(), e);
        }
    }

    private final class Signer implements PGPContentSigner {
        private final int signatureType;
        private final PrivateKey key;
        private final MessageDigest digest;
        private byte[] digested;

        Signer(int signatureType, PrivateKey key, MessageDigest digest) {
            this.signatureType = signatureType;
            this.key = key;
            this.digest = digest;
        }

        @Override
        public OutputStream getOutputStream() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    digest.update((byte) b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    digest.update(bytes, offset, length);
                }
            };
        }

        @Override
        public byte[] getDigest() {
            if (digested == null) {
                digested = digest.digest();
            }
            return digested.clone();
        }

        @Override
        public byte[] getSignature() {
            int keyAlgorithm = publicKey.getAlgorithm();
            try {
                Signature signature;
                byte[] signed;
                if (PgpProviders.isRsa(keyAlgorithm)) {
                    signature = Signature.getInstance("NONEwithRSA");
                    signed = concat(Hex.decode(digestInfoPrefix(hashAlgorithm)), getDigest());
                } else {
                    signature = Signature.getInstance("EdDSA", PgpProviders.CURVES_WITH_JDK_DIGESTS);
                    signed = getDigest();
                }
                signature.initSign(key);
                signature.update(signed);
                return signature.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign with OpenPGP key algorithm " + keyAlgorithm + ": " + e.getMessage(), e);
            }
        }

        @Override
        public int getType() {
            return signatureType;
        }

        @Override
        public int getHashAlgorithm() {
            return hashAlgorithm;
        }

        @Override
        public int getKeyAlgorithm() {
            return publicKey.getAlgorithm();
        }

        @Override
        public long getKeyID() {
            return publicKey.getKeyID();
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static String digestName(int hashAlgorithm) {
        switch (hashAlgorithm) {
            case HashAlgorithmTags.SHA256:
                return "SHA-256";
            case HashAlgorithmTags.SHA384:
                return "SHA-384";
            case HashAlgorithmTags.SHA512:
                return "SHA-512";
            default:
                throw new IllegalArgumentException("Unsupported hash algorithm " + hashAlgorithm);
        }
    }

    /** The DER of PKCS#1's DigestInfo up to the digest value (RFC 8017, 9.2, note 1). */
    private static String digestInfoPrefix(int hashAlgorithm) {
        switch (hashAlgorithm) {
            case HashAlgorithmTags.SHA256:
                return "3031300d060960864801650304020105000420";
            case HashAlgorithmTags.SHA384:
                return "3041300d060960864801650304020205000430";
            case HashAlgorithmTags.SHA512:
                return "3051300d060960864801650304020305000440";
            default:
                throw new IllegalArgumentException("Unsupported hash algorithm " + hashAlgorithm);
        }
    }
}
