package dev.tresor.keys.protection;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.SecureRandom;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM with 96-bit random nonces and 128-bit tags, from one named JCA provider. The JDK's own provider for keys
 * held in memory (it uses the CPU's AES instructions; Bouncy Castle's pure-Java AES is many times slower), the
 * PKCS#11 provider for a key inside an HSM.
 */
final class AesGcm {
    static final int KEY_BYTES = 32;
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final String JDK_PROVIDER = "SunJCE";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AesGcm JDK = new AesGcm(null);

    private final Provider provider;

    private AesGcm(Provider provider) {
        this.provider = provider;
    }

    static AesGcm jdk() {
        return JDK;
    }

    static AesGcm of(Provider provider) {
        return new AesGcm(provider);
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Returns ciphertext followed by the 16-byte tag. */
    byte[] encrypt(Key key, byte[] nonce, byte[] plaintext, byte[] associatedData) {
        try {
            Cipher cipher = newCipher();
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new KeyProtectionException("AES-GCM encryption failed in provider " + providerName() + ": " + e, e);
        }
    }

    /**
     * Decrypts {@code length} bytes of ciphertext and tag starting at {@code offset}.
     *
     * @throws AEADBadTagException if the key, nonce or associated data differ from encryption, or the data was
     *     modified; the caller knows what that means and says so
     */
    byte[] decrypt(Key key, byte[] nonce, byte[] input, int offset, int length, byte[] associatedData)
        throws AEADBadTagException {
        try {
            Cipher cipher = newCipher();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(input, offset, length);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new KeyProtectionException("AES-GCM decryption failed in provider " + providerName() + ": " + e, e);
        }
    }

    private Cipher newCipher() throws NoSuchAlgorithmException, NoSuchPaddingException {
        try {
            return provider == null
                ? Cipher.getInstance(TRANSFORMATION, JDK_PROVIDER)
                : Cipher.getInstance(TRANSFORMATION, provider);
        } catch (NoSuchProviderException e) {
            throw new KeyProtectionException("The JDK provider " + JDK_PROVIDER + " is missing: Tresor needs it for "
                + TRANSFORMATION, e);
        }
    }

    private String providerName() {
        return provider == null ? JDK_PROVIDER : provider.getName();
    }
}
