package dev.tresor.keys.protection;

import java.security.Key;
import java.util.Objects;

import javax.crypto.AEADBadTagException;

/**
 * The byte layout every built-in {@link MasterKey} wraps into, whether the AES key is in memory or in an HSM:
 *
 * <pre>
 * offset  length  field
 * 0       1       format version, 0x01
 * 1       12      nonce, random per wrap
 * 13      n + 16  AES-256-GCM ciphertext of the n-byte key, then the 16-byte tag
 * </pre>
 *
 * The associated data given to {@link MasterKey#wrap} is authenticated, not stored.
 */
final class MasterKeyWrapFormat {
    private static final byte VERSION = 0x01;
    private static final int HEADER_BYTES = 1 + AesGcm.NONCE_BYTES;

    private MasterKeyWrapFormat() {
    }

    static byte[] wrap(AesGcm gcm, Key masterKey, byte[] key, byte[] associatedData) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(associatedData, "associatedData");
        if (key.length == 0) {
            throw new IllegalArgumentException("The key to wrap must not be empty");
        }
        byte[] nonce = AesGcm.randomBytes(AesGcm.NONCE_BYTES);
        byte[] sealed = gcm.encrypt(masterKey, nonce, key, associatedData);
        byte[] wrapped = new byte[HEADER_BYTES + sealed.length];
        wrapped[0] = VERSION;
        System.arraycopy(nonce, 0, wrapped, 1, nonce.length);
        System.arraycopy(sealed, 0, wrapped, HEADER_BYTES, sealed.length);
        return wrapped;
    }

    static byte[] unwrap(AesGcm gcm, Key masterKey, String masterKeyId, byte[] wrapped, byte[] associatedData) {
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(associatedData, "associatedData");
        if (wrapped.length < HEADER_BYTES + AesGcm.TAG_BYTES + 1) {
            throw new KeyProtectionException("Wrapped key is truncated: " + wrapped.length + " bytes, at least "
                + (HEADER_BYTES + AesGcm.TAG_BYTES + 1) + " expected");
        }
        if (wrapped[0] != VERSION) {
            throw new KeyProtectionException(String.format(
                "Wrapped key has unsupported format version 0x%02x; this Tresor reads version 0x%02x",
                wrapped[0], VERSION));
        }
        byte[] nonce = new byte[AesGcm.NONCE_BYTES];
        System.arraycopy(wrapped, 1, nonce, 0, nonce.length);
        try {
            return gcm.decrypt(masterKey, nonce, wrapped, HEADER_BYTES, wrapped.length - HEADER_BYTES,
                associatedData);
        } catch (AEADBadTagException e) {
            throw new KeyProtectionException("Master key '" + masterKeyId + "' cannot unwrap this key: it was "
                + "wrapped by another master key, for another tenant or key version, or modified", e);
        }
    }
}
