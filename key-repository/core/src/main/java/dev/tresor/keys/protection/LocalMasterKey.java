package dev.tresor.keys.protection;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.tresor.keys.Hex;

/**
 * An AES-256 master key held in this JVM's memory (loaded from a file or the environment), used through the JDK's
 * provider. Its id is {@code local:} followed by 16 hex digits of HMAC-SHA256(key, "tresor master key id"): the same
 * key gets the same id wherever it is loaded from, and the id reveals nothing about the key.
 */
final class LocalMasterKey implements MasterKey {
    private static final byte[] ID_LABEL = "tresor master key id".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final String id;

    private LocalMasterKey(SecretKeySpec key, String id) {
        this.key = key;
        this.id = id;
    }

    /** Copies {@code keyBytes}; the caller may wipe its array afterwards. */
    static LocalMasterKey of(byte[] keyBytes) {
        if (keyBytes.length != AesGcm.KEY_BYTES) {
            throw new IllegalArgumentException("A master key is " + AesGcm.KEY_BYTES + " bytes (AES-256), not "
                + keyBytes.length);
        }
        SecretKeySpec key = new SecretKeySpec(keyBytes, "AES");
        return new LocalMasterKey(key, "local:" + idOf(keyBytes));
    }

    private static String idOf(byte[] keyBytes) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256", "SunJCE");
            mac.init(new SecretKeySpec(keyBytes, "HmacSHA256"));
            byte[] digest = mac.doFinal(ID_LABEL);
            return Hex.encode(Arrays.copyOf(digest, 8));
        } catch (GeneralSecurityException e) {
            throw new KeyProtectionException("HmacSHA256 is unavailable from the JDK provider SunJCE", e);
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public byte[] wrap(byte[] keyToWrap, byte[] associatedData) {
        return MasterKeyWrapFormat.wrap(AesGcm.jdk(), key, keyToWrap, associatedData);
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) {
        return MasterKeyWrapFormat.unwrap(AesGcm.jdk(), key, id, wrapped, associatedData);
    }

    @Override
    public String toString() {
        return id;
    }
}
