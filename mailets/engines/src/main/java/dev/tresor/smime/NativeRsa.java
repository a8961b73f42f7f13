package dev.tresor.smime;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;

/**
 * RSA PKCS#1 v1.5 signatures computed by AWS-LC, through Amazon Corretto Crypto Provider (ACCP), where ACCP's native
 * library loads (Linux x86-64); the JDK's RSA everywhere else, for every key ACCP does not take, and with
 * {@code -Dtresor.rsa=jdk}.
 *
 * <p>Why a second provider: the relay benchmark's profile (issue 17, 10 KB mails) put the RSA-2048 signature at two
 * thirds of the CPU the S/MIME chain adds to a relayed mail. JDK 17 signs in 0.83-0.95 ms on the benchmark machine,
 * AWS-LC in 0.27 ms (its AVX-512 IFMA code, as fast as {@code openssl speed rsa2048} there), Bouncy Castle's pure Java
 * no faster than the JDK. The key must be ACCP's own form: ACCP given a JDK key converts it on every signature and is then
 * slower than the JDK, so each key is converted once and kept, weakly, per key (the key repository hands out the same
 * decoded key while the stored key is unchanged).
 *
 * <p>Safety: a PKCS#1 v1.5 signature is deterministic, so before a key is used natively, ACCP's signature of a fixed
 * text is compared with the JDK's byte for byte; a key whose signatures differ stays with the JDK. ACCP is used as an
 * instance and never registered, like Bouncy Castle ({@link SmimeProviders}): the rest of James keeps its providers.
 */
final class NativeRsa {
    private static final Logger LOGGER = LoggerFactory.getLogger(NativeRsa.class);
    private static final String ALGORITHM = "SHA256withRSA";
    private static final byte[] PROBE = "Tresor: is the native RSA signature the JDK's?".getBytes(StandardCharsets.US_ASCII);
    private static final Optional<Provider> PROVIDER = load();
    private static final Map<PrivateKey, Optional<PrivateKey>> KEYS = Collections.synchronizedMap(new WeakHashMap<>());

    private NativeRsa() {
    }

    /** ACCP, when its native library loaded and passed its self-tests, and the JDK's RSA is not asked for. */
    static Optional<Provider> provider() {
        return PROVIDER;
    }

    /**
     * The key in ACCP's form, when ACCP is there and signs with it exactly as the JDK does; empty otherwise (sign with
     * the JDK).
     */
    static Optional<PrivateKey> nativeKey(PrivateKey key) {
        if (PROVIDER.isEmpty() || !(key instanceof RSAPrivateCrtKey)) {
            return Optional.empty();
        }
        Optional<PrivateKey> known = KEYS.get(key);
        if (known == null) {
            known = convert(PROVIDER.get(), key);
            KEYS.put(key, known);
        }
        return known;
    }

    private static Optional<PrivateKey> convert(Provider provider, PrivateKey key) {
        try {
            PrivateKey converted = (PrivateKey) KeyFactory.getInstance("RSA", provider).translateKey(key);
            if (MessageDigest.isEqual(sign(Signature.getInstance(ALGORITHM, provider), converted),
                sign(Signature.getInstance(ALGORITHM), key))) {
                return Optional.of(converted);
            }
            LOGGER.warn("An RSA key signs differently in Amazon Corretto Crypto Provider than in the JDK: it signs with"
                + " the JDK");
        } catch (GeneralSecurityException | RuntimeException e) {
            LOGGER.warn("Amazon Corretto Crypto Provider does not take an RSA key ({}): it signs with the JDK",
                e.toString());
        }
        return Optional.empty();
    }

    private static byte[] sign(Signature signature, PrivateKey key) throws GeneralSecurityException {
        signature.initSign(key);
        signature.update(PROBE);
        return signature.sign();
    }

    private static Optional<Provider> load() {
        if ("jdk".equals(System.getProperty("tresor.rsa"))) {
            LOGGER.info("RSA signatures use the JDK (-Dtresor.rsa=jdk)");
            return Optional.empty();
        }
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                LOGGER.info("RSA signatures use the JDK: the native library of Amazon Corretto Crypto Provider did not"
                    + " load here ({})", accp.getLoadingError().toString());
                return Optional.empty();
            }
            accp.assertHealthy();
            LOGGER.info("RSA signatures use AWS-LC (Amazon Corretto Crypto Provider {})", accp.getVersionStr());
            return Optional.of(accp);
        } catch (LinkageError | RuntimeException e) {
            LOGGER.info("RSA signatures use the JDK: Amazon Corretto Crypto Provider is not usable here ({})",
                e.toString());
            return Optional.empty();
        }
    }
}
