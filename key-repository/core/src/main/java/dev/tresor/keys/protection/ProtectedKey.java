package dev.tresor.keys.protection;

import java.util.Arrays;
import java.util.Objects;

/**
 * A private key encrypted by {@link KeyProtection}: immutable, safe to store and to log (its {@link #toString()}
 * shows no bytes). The tenant and the context it was protected for are not stored in it; they must be given again
 * to unprotect it.
 *
 * <p>Byte layout, format version 1 (all integers unsigned big-endian; total length 93 + n bytes):
 *
 * <pre>
 * offset  length  field
 * 0       1       format version, 0x01
 * 1       4       tenant key version that wrapped the data key, 1 to 2^31-1
 * 5       12      data key nonce
 * 17      48      wrapped data key: AES-256-GCM under the tenant key of the 32-byte data key, ciphertext then tag
 * 65      12      payload nonce
 * 77      n + 16  payload: AES-256-GCM under the data key of the n-byte private key (n at least 1), then the tag
 * </pre>
 *
 * The associated data of both AES-GCM operations binds the tenant and the context; see {@link KeyProtection}.
 */
public final class ProtectedKey {
    static final byte FORMAT_VERSION = 0x01;
    static final int HEADER_LENGTH = 5;
    static final int DATA_KEY_NONCE_OFFSET = HEADER_LENGTH;
    static final int WRAPPED_DATA_KEY_OFFSET = DATA_KEY_NONCE_OFFSET + AesGcm.NONCE_BYTES;
    static final int WRAPPED_DATA_KEY_LENGTH = AesGcm.KEY_BYTES + AesGcm.TAG_BYTES;
    static final int PAYLOAD_NONCE_OFFSET = WRAPPED_DATA_KEY_OFFSET + WRAPPED_DATA_KEY_LENGTH;
    static final int PAYLOAD_OFFSET = PAYLOAD_NONCE_OFFSET + AesGcm.NONCE_BYTES;
    static final int MIN_LENGTH = PAYLOAD_OFFSET + AesGcm.TAG_BYTES + 1;

    private final byte[] bytes;
    private final int tenantKeyVersion;

    private ProtectedKey(byte[] bytes, int tenantKeyVersion) {
        this.bytes = bytes;
        this.tenantKeyVersion = tenantKeyVersion;
    }

    /**
     * Parses a stored protected key. Only the structure is checked here; whether it decrypts is for
     * {@link KeyProtection#unprotect}.
     *
     * @throws KeyProtectionException if {@code bytes} is truncated, of another format version, or names tenant key
     *     version 0 or above 2^31-1
     */
    public static ProtectedKey fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < MIN_LENGTH) {
            throw new KeyProtectionException("Protected key is truncated: " + bytes.length + " bytes, at least "
                + MIN_LENGTH + " expected");
        }
        if (bytes[0] != FORMAT_VERSION) {
            throw new KeyProtectionException(String.format(
                "Protected key has unsupported format version 0x%02x; this Tresor reads version 0x%02x",
                bytes[0], FORMAT_VERSION));
        }
        int tenantKeyVersion = readInt(bytes, 1);
        if (tenantKeyVersion < 1) {
            throw new KeyProtectionException("Protected key names tenant key version "
                + Integer.toUnsignedString(tenantKeyVersion) + "; versions are 1 to " + Integer.MAX_VALUE);
        }
        return new ProtectedKey(bytes.clone(), tenantKeyVersion);
    }

    static ProtectedKey assemble(byte[] header, byte[] dataKeyNonce, byte[] wrappedDataKey, byte[] payloadNonce,
                                 byte[] payload) {
        byte[] bytes = new byte[PAYLOAD_OFFSET + payload.length];
        System.arraycopy(header, 0, bytes, 0, HEADER_LENGTH);
        System.arraycopy(dataKeyNonce, 0, bytes, DATA_KEY_NONCE_OFFSET, AesGcm.NONCE_BYTES);
        System.arraycopy(wrappedDataKey, 0, bytes, WRAPPED_DATA_KEY_OFFSET, WRAPPED_DATA_KEY_LENGTH);
        System.arraycopy(payloadNonce, 0, bytes, PAYLOAD_NONCE_OFFSET, AesGcm.NONCE_BYTES);
        System.arraycopy(payload, 0, bytes, PAYLOAD_OFFSET, payload.length);
        return fromBytes(bytes);
    }

    /** The first 5 bytes of the layout: format version and tenant key version. */
    static byte[] header(int tenantKeyVersion) {
        return new byte[] {FORMAT_VERSION, (byte) (tenantKeyVersion >>> 24), (byte) (tenantKeyVersion >>> 16),
            (byte) (tenantKeyVersion >>> 8), (byte) tenantKeyVersion};
    }

    private static int readInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) << 24 | (bytes[offset + 1] & 0xff) << 16 | (bytes[offset + 2] & 0xff) << 8
            | (bytes[offset + 3] & 0xff);
    }

    /** The stored form, as laid out above. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** The tenant key version this key was protected under, e.g. to find keys still under a retired version. */
    public int tenantKeyVersion() {
        return tenantKeyVersion;
    }

    byte[] header() {
        return Arrays.copyOf(bytes, HEADER_LENGTH);
    }

    byte[] dataKeyNonce() {
        return Arrays.copyOfRange(bytes, DATA_KEY_NONCE_OFFSET, WRAPPED_DATA_KEY_OFFSET);
    }

    byte[] payloadNonce() {
        return Arrays.copyOfRange(bytes, PAYLOAD_NONCE_OFFSET, PAYLOAD_OFFSET);
    }

    /** The layout itself, not a copy: for decrypting slices of it in place. */
    byte[] layout() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProtectedKey && Arrays.equals(bytes, ((ProtectedKey) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "ProtectedKey[format 1, tenant key v" + tenantKeyVersion + ", " + bytes.length + " bytes]";
    }
}
