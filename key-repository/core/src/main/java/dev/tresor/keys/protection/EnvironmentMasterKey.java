package dev.tresor.keys.protection;

import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * A master key read from an environment variable holding the standard base64 (RFC 4648, with padding; surrounding
 * whitespace ignored) of 32 random bytes, e.g. set from a container secret:
 *
 * <pre>
 * TRESOR_MASTER_KEY=$(openssl rand -base64 32)
 * </pre>
 *
 * <p>The {@linkplain #id() id} is {@code local:} followed by 16 hex digits derived from the key (the same as for
 * {@link FileMasterKey} holding the same key, so a key can move between the two).
 */
public final class EnvironmentMasterKey implements MasterKey {
    private final String variableName;
    private final LocalMasterKey key;

    private EnvironmentMasterKey(String variableName, LocalMasterKey key) {
        this.variableName = variableName;
        this.key = key;
    }

    /**
     * Reads the master key from the process environment.
     *
     * @throws KeyProtectionException naming the variable if it is missing, empty, not base64, or not 32 bytes
     */
    public static EnvironmentMasterKey from(String variableName) {
        return from(variableName, System.getenv());
    }

    /** Reads the master key from {@code environment} instead of the process environment. */
    static EnvironmentMasterKey from(String variableName, Map<String, String> environment) {
        Objects.requireNonNull(variableName, "variableName");
        String value = environment.get(variableName);
        if (value == null || value.trim().isEmpty()) {
            throw new KeyProtectionException("Environment variable " + variableName + " is "
                + (value == null ? "not set" : "empty") + "; set it to the base64 of 32 random bytes, e.g. "
                + variableName + "=$(openssl rand -base64 32)");
        }
        byte[] keyBytes;
        try {
            keyBytes = Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character: not even part of a key goes into a message.
            throw new KeyProtectionException("Environment variable " + variableName + " is not valid base64; set "
                + "it to the base64 of 32 random bytes, e.g. " + variableName + "=$(openssl rand -base64 32)");
        }
        try {
            if (keyBytes.length != AesGcm.KEY_BYTES) {
                throw new KeyProtectionException("Environment variable " + variableName + " decodes to "
                    + keyBytes.length + " bytes; a Tresor master key is " + AesGcm.KEY_BYTES + " bytes (AES-256), "
                    + "e.g. " + variableName + "=$(openssl rand -base64 32)");
            }
            return new EnvironmentMasterKey(variableName, LocalMasterKey.of(keyBytes));
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
        }
    }

    @Override
    public String id() {
        return key.id();
    }

    @Override
    public byte[] wrap(byte[] keyToWrap, byte[] associatedData) {
        return key.wrap(keyToWrap, associatedData);
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) {
        return key.unwrap(wrapped, associatedData);
    }

    @Override
    public String toString() {
        return "EnvironmentMasterKey[$" + variableName + ", id " + key.id() + "]";
    }
}
