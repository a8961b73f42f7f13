package dev.tresor.keys.repository;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;

/** Whether a private key belongs to a public key: it signs, the public key verifies. */
final class ProofOfPossession {
    private static final byte[] PROOF = "tresor: does this key belong to this certificate?".getBytes(StandardCharsets.US_ASCII);

    private ProofOfPossession() {
    }

    /**
     * @throws IllegalArgumentException for a key type Tresor does not support, or when the check itself fails
     */
    static boolean matches(PublicKey publicKey, PrivateKey privateKey) {
        try {
            String algorithm = proofAlgorithm(publicKey.getAlgorithm());
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey, new SecureRandom());
            signer.update(PROOF);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROOF);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot check that the private key belongs to the certificate: "
                + e.getMessage(), e);
        }
    }

    private static String proofAlgorithm(String keyAlgorithm) {
        switch (keyAlgorithm) {
            case "RSA":
                return "SHA256withRSA";
            case "EC":
                return "SHA256withECDSA";
            case "EdDSA":
            case "Ed25519":
            case "Ed448":
                return keyAlgorithm;
            default:
                throw new IllegalArgumentException("Unsupported key algorithm " + keyAlgorithm + ": RSA, EC and EdDSA are supported");
        }
    }
}
