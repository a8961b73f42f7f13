package dev.tresor.pgp;

import java.security.Security;
import java.util.Date;

import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.PGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentVerifierBuilderProvider;

import dev.tresor.keys.PgpPrivateKeyEntry;

/** Making and checking OpenPGP data signatures with the fastest provider for each key type (see {@link PgpProviders}). */
final class Signatures {
    private static final PGPContentVerifierBuilderProvider JDK_VERIFIERS = new JcaPGPContentVerifierBuilderProvider();
    private static final PGPContentVerifierBuilderProvider BC_VERIFIERS =
        new JcaPGPContentVerifierBuilderProvider().setProvider(PgpProviders.CURVES_WITH_JDK_DIGESTS);

    /** Private keys for the JDK's RSA and for Bouncy Castle's curves, each converted once (see {@link JcaPrivateKeys}). */
    private static final JcaPrivateKeys JDK_KEYS = new JcaPrivateKeys(null);
    private static final JcaPrivateKeys CURVE_KEYS = new JcaPrivateKeys(PgpProviders.CURVES_WITH_JDK_DIGESTS);

    private Signatures() {
    }

    /**
     * A generator of binary-document signatures ({@code 0x00}: the exact bytes, as RFC 3156 signs the canonical MIME
     * entity) by the signer's key, with the signing time and the issuer's fingerprint hashed, the key id unhashed.
     */
    static PGPSignatureGenerator generator(PgpPrivateKeyEntry signer, int hashAlgorithm, Date time) throws PgpException {
        PGPPublicKey publicKey = publicKey(signer);
        int keyAlgorithm = publicKey.getAlgorithm();
        boolean rsa = PgpProviders.isRsa(keyAlgorithm);
        PGPContentSignerBuilder builder;
        if (SingleDigestSigner.supports(keyAlgorithm)) {
            builder = new SingleDigestSigner(publicKey, hashAlgorithm);
        } else {
            JcaPGPContentSignerBuilder bouncyCastle = new JcaPGPContentSignerBuilder(keyAlgorithm, hashAlgorithm)
                .setProvider(PgpProviders.CURVES_WITH_JDK_DIGESTS);
            bouncyCastle.setDigestProvider(Security.getProvider("SUN"));
            builder = bouncyCastle;
        }
        try {
            PGPSignatureGenerator generator = new PGPSignatureGenerator(builder, publicKey);
            generator.init(PGPSignature.BINARY_DOCUMENT, (rsa ? JDK_KEYS : CURVE_KEYS).of(signer.privateKey(), publicKey));
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, time);
            hashed.setIssuerFingerprint(false, publicKey);
            generator.setHashedSubpackets(hashed.generate());
            if (publicKey.getVersion() < 6) {
                PGPSignatureSubpacketGenerator unhashed = new PGPSignatureSubpacketGenerator();
                unhashed.setIssuerKeyID(false, publicKey.getKeyID());
                generator.setUnhashedSubpackets(unhashed.generate());
            }
            return generator;
        } catch (PGPException | RuntimeException e) {
            throw new PgpException("Cannot sign with OpenPGP key " + signer.component().fingerprint() + ": " + e.getMessage(), e);
        }
    }

    static PGPPublicKey publicKey(PgpPrivateKeyEntry key) throws PgpException {
        PGPPublicKey publicKey = key.entry().key().keyRing().getPublicKey(key.keyId());
        if (publicKey == null) {
            throw new PgpException("OpenPGP key " + key.component().fingerprint() + " is not in its key ring");
        }
        return publicKey;
    }

    static void initVerification(PGPSignature signature, PGPPublicKey key) throws PGPException {
        signature.init(PgpProviders.isRsa(key.getAlgorithm()) ? JDK_VERIFIERS : BC_VERIFIERS, key);
    }

    /** The {@code micalg} name (RFC 3156, 5) of a hash algorithm. */
    static String micalg(int hashAlgorithm) {
        switch (hashAlgorithm) {
            case HashAlgorithmTags.SHA256:
                return "pgp-sha256";
            case HashAlgorithmTags.SHA384:
                return "pgp-sha384";
            case HashAlgorithmTags.SHA512:
                return "pgp-sha512";
            default:
                throw new IllegalArgumentException("Unsupported hash algorithm " + hashAlgorithm);
        }
    }

    /** Whether a signature's hash is strong enough to trust: SHA-2 (224 and up) or SHA-3, never MD5, SHA-1 or RIPEMD. */
    static boolean isStrongHash(int hashAlgorithm) {
        switch (hashAlgorithm) {
            case HashAlgorithmTags.SHA224:
            case HashAlgorithmTags.SHA256:
            case HashAlgorithmTags.SHA384:
            case HashAlgorithmTags.SHA512:
            case HashAlgorithmTags.SHA3_256:
            case HashAlgorithmTags.SHA3_512:
                return true;
            default:
                return false;
        }
    }
}
