package dev.tresor.pgp;

import java.security.Provider;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyConverter;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPPrivateKey;

/**
 * Unlocked OpenPGP private keys in the JCA form a provider signs or decrypts with, converted once per key object.
 * Bouncy Castle converts a plain {@link PGPPrivateKey} on every use, and for Ed25519 and X25519 that means deriving
 * the public key again: a scalar multiplication as costly as the signature itself. The key repository hands out the
 * same unlocked key objects while a key is unchanged, so a weak, identity-keyed map finds them again and forgets them
 * with them.
 */
final class JcaPrivateKeys {
    private final Provider provider;
    private final Map<PGPPrivateKey, PGPPrivateKey> converted = Collections.synchronizedMap(new WeakHashMap<>());

    /** @param provider the provider of the key factories, or null for the JDK's */
    JcaPrivateKeys(Provider provider) {
        this.provider = provider;
    }

    /** The key as a {@link JcaPGPPrivateKey}, which Bouncy Castle's JCA operators use as it is. */
    PGPPrivateKey of(PGPPrivateKey key, PGPPublicKey publicKey) throws PGPException {
        if (key instanceof JcaPGPPrivateKey) {
            return key;
        }
        PGPPrivateKey known = converted.get(key);
        if (known != null) {
            return known;
        }
        JcaPGPKeyConverter converter = new JcaPGPKeyConverter();
        if (provider != null) {
            converter.setProvider(provider);
        }
        PGPPrivateKey jca = new JcaPGPPrivateKey(publicKey, converter.getPrivateKey(key));
        converted.put(key, jca);
        return jca;
    }
}
