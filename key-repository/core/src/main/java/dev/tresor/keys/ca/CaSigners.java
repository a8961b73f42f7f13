package dev.tresor.keys.ca;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The one signature algorithm a tenant CA key signs with, and which JCA provider computes it. The S/MIME Baseline
 * Requirements (7.1.3.2) fix the algorithm by key: RSASSA-PKCS1-v1_5 with SHA-256 for RSA, ECDSA with SHA-256 for
 * P-256 and with SHA-384 for P-384. RSA stays with the JDK (its RSA and SHA-2 run on CPU intrinsics); ECDSA goes to
 * Bouncy Castle, which signs P-256 about six times faster than JDK 17. Bouncy Castle is used as an instance and never
 * registered, so that Tresor cannot change which provider the rest of James gets.
 */
final class CaSigners {
    static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private CaSigners() {
    }

    static ContentSigner signer(PrivateKey caKey) {
        try {
            if (isRsa(caKey)) {
                requireRsaSize(((RSAKey) caKey).getModulus().bitLength(), "CA key");
                return new JcaContentSignerBuilder("SHA256withRSA").build(caKey);
            }
            if (isEc(caKey)) {
                return new JcaContentSignerBuilder(ecdsaAlgorithm(caKey)).setProvider(BOUNCY_CASTLE).build(caKey);
            }
        } catch (OperatorCreationException e) {
            throw new IllegalArgumentException("Cannot sign with the CA key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("Unsupported CA key algorithm " + caKey.getAlgorithm() + ": RSA or EC expected");
    }

    /** The provider that verifies what {@code key} signed, as {@link #signer} chose it. */
    static Provider verifier(PublicKey key) {
        return isEc(key) ? BOUNCY_CASTLE : null;
    }

    static boolean isRsa(java.security.Key key) {
        return key instanceof RSAKey && "RSA".equals(key.getAlgorithm());
    }

    static boolean isEc(java.security.Key key) {
        return key instanceof ECKey && ("EC".equals(key.getAlgorithm()) || "ECDSA".equals(key.getAlgorithm()));
    }

    /** Field size of the key's curve: 256 for P-256, 384 for P-384; other curves are refused. */
    static int curveBits(java.security.Key key, String role) {
        int bits = ((ECKey) key).getParams().getCurve().getField().getFieldSize();
        if (bits != 256 && bits != 384) {
            throw new IllegalArgumentException("The " + role + " is on a " + bits + "-bit curve: only P-256 and P-384 are"
                + " allowed");
        }
        return bits;
    }

    /** RSA moduli of at least 2048 bits and divisible by 8 (S/MIME Baseline Requirements 6.1.5). */
    static void requireRsaSize(int bits, String role) {
        if (bits < 2048 || bits % 8 != 0) {
            throw new IllegalArgumentException("The " + role + " is RSA-" + bits + ": at least 2048 bits, a multiple of 8,"
                + " are required");
        }
    }

    private static String ecdsaAlgorithm(PrivateKey caKey) {
        return curveBits(caKey, "CA key") == 256 ? "SHA256withECDSA" : "SHA384withECDSA";
    }
}
