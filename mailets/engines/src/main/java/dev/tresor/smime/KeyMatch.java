package dev.tresor.smime;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;

import org.bouncycastle.jcajce.provider.asymmetric.util.EC5Util;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Whether a private key belongs to a certificate's public key. Checked before signing, so that a mismatched key
 * (a wrong import, a swapped file) fails the mail with a reason instead of sending a signature no one can verify.
 */
final class KeyMatch {
    private KeyMatch() {
    }

    static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
        if (privateKey instanceof RSAPrivateCrtKey && publicKey instanceof RSAPublicKey) {
            RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) privateKey;
            RSAPublicKey rsaPublic = (RSAPublicKey) publicKey;
            return rsa.getModulus().equals(rsaPublic.getModulus()) && rsa.getPublicExponent().equals(rsaPublic.getPublicExponent());
        }
        if (privateKey instanceof ECPrivateKey && publicKey instanceof ECPublicKey) {
            ECPrivateKey ec = (ECPrivateKey) privateKey;
            ECPublicKey ecPublic = (ECPublicKey) publicKey;
            org.bouncycastle.jce.spec.ECParameterSpec spec = EC5Util.convertSpec(ec.getParams());
            ECPoint derived = spec.getG().multiply(ec.getS()).normalize();
            ECPoint expected = EC5Util.convertPoint(ec.getParams(), ecPublic.getW());
            return derived.equals(expected);
        }
        return privateKey.getAlgorithm().equals(publicKey.getAlgorithm())
            && !(privateKey instanceof RSAPrivateCrtKey) && !(privateKey instanceof ECPrivateKey);
    }
}
