package dev.tresor.pgp;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.Map;

import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Which JCA provider does which OpenPGP primitive. The JDK's providers run AES and SHA-2 on CPU intrinsics, many times
 * faster than Bouncy Castle's pure Java; the JDK has no X25519/Ed25519 in OpenPGP's encodings and no AES-OCB, so
 * Bouncy Castle does those. Bouncy Castle is used as an instance and never registered, so that Tresor cannot change
 * which provider the rest of James gets.
 */
final class PgpProviders {
    static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();
    /** The JDK's AES (CFB for SEIPD v1) and SHA-1 (its MDC). */
    static final Provider JDK_CIPHERS = Security.getProvider("SunJCE");
    /**
     * Bouncy Castle with the JDK's message digests. Bouncy Castle's OpenPGP verifiers take their digest from the
     * provider that does the curve: with plain Bouncy Castle, an Ed25519 signature over a megabyte spends most of its
     * time in a pure-Java SHA-256.
     */
    static final Provider CURVES_WITH_JDK_DIGESTS = new CurvesWithJdkDigests();

    private PgpProviders() {
    }

    /** RSA signs and verifies with the JDK (its digest included); every other algorithm with Bouncy Castle. */
    static boolean isRsa(int publicKeyAlgorithm) {
        return publicKeyAlgorithm == PublicKeyAlgorithmTags.RSA_GENERAL || publicKeyAlgorithm == PublicKeyAlgorithmTags.RSA_SIGN
            || publicKeyAlgorithm == PublicKeyAlgorithmTags.RSA_ENCRYPT;
    }

    /** Every service of Bouncy Castle, except message digests the JDK's SUN provider has, which come from there. */
    private static final class CurvesWithJdkDigests extends Provider {
        private static final long serialVersionUID = 1L;
        private static final String ALIAS = "Alg.Alias.";

        CurvesWithJdkDigests() {
            super("TresorPgp", "1.0", "Bouncy Castle with the JDK's message digests, for Tresor's OpenPGP engine");
            Provider sun = Security.getProvider("SUN");
            for (Service service : BOUNCY_CASTLE.getServices()) {
                putService(new Delegate(this, service.getType(), service.getAlgorithm(), choose(sun, service.getType(),
                    service.getAlgorithm())));
            }
            for (Map.Entry<Object, Object> entry : BOUNCY_CASTLE.entrySet()) {
                String key = String.valueOf(entry.getKey());
                if (key.startsWith(ALIAS)) {
                    String typeAndAlias = key.substring(ALIAS.length());
                    int dot = typeAndAlias.indexOf('.');
                    String type = typeAndAlias.substring(0, dot);
                    String target = String.valueOf(entry.getValue());
                    Service resolved = BOUNCY_CASTLE.getService(type, target);
                    if (resolved != null && getService(type, typeAndAlias.substring(dot + 1)) == null) {
                        putService(new Delegate(this, type, typeAndAlias.substring(dot + 1), choose(sun, type, resolved.getAlgorithm())));
                    }
                }
            }
        }

        private static Service choose(Provider sun, String type, String algorithm) {
            Service jdk = "MessageDigest".equals(type) && sun != null ? sun.getService(type, algorithm) : null;
            return jdk != null ? jdk : BOUNCY_CASTLE.getService(type, algorithm);
        }
    }

    /** A service answered by another provider's implementation. */
    private static final class Delegate extends Provider.Service {
        private final Provider.Service target;

        Delegate(Provider provider, String type, String algorithm, Provider.Service target) {
            super(provider, type, algorithm, target.getClassName(), null, null);
            this.target = target;
        }

        @Override
        public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
            return target.newInstance(parameter);
        }

        @Override
        public boolean supportsParameter(Object parameter) {
            return target.supportsParameter(parameter);
        }
    }
}
