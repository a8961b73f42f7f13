package dev.tresor.smime;

import java.security.Key;
import java.security.Provider;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider does which primitive. The JDK's own providers use CPU intrinsics for AES, SHA-2 and RSA, and are
 * many times faster there than Bouncy Castle's pure Java; for elliptic curves it is the reverse (BC signs P-256 about
 * six times faster than JDK 17). Bouncy Castle is used as an instance and never registered, so that Tresor cannot
 * change which provider the rest of James gets.
 */
final class SmimeProviders {
    static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private SmimeProviders() {
    }

    /** Elliptic-curve keys go to Bouncy Castle; RSA stays with the JDK. */
    static boolean isEllipticCurve(Key key) {
        String algorithm = key.getAlgorithm();
        return algorithm.equals("EC") || algorithm.equals("ECDSA") || algorithm.equals("ECDH");
    }
}
