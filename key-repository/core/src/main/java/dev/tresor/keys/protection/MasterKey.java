package dev.tresor.keys.protection;

/**
 * The root of the key hierarchy: wraps and unwraps tenant keys. Implementations keep the master key itself out of
 * reach where they can ({@link Pkcs11MasterKey} never lets it leave the HSM) and are safe for concurrent use.
 *
 * @see FileMasterKey
 * @see EnvironmentMasterKey
 * @see Pkcs11MasterKey
 */
public interface MasterKey {
    /**
     * The stable identifier of this master key version, stored next to every tenant key it wraps. Two different
     * master keys never share an id; the same key always has the same id, across restarts and nodes.
     */
    String id();

    /**
     * Encrypts {@code key} so that only this master key, given the same {@code associatedData}, can recover it.
     * Each call uses a fresh nonce, so wrapping the same key twice gives different results.
     *
     * @throws KeyProtectionException if the master key is unusable (e.g. the HSM is unreachable)
     */
    byte[] wrap(byte[] key, byte[] associatedData);

    /**
     * Reverses {@link #wrap}.
     *
     * @throws KeyProtectionException if {@code wrapped} was produced by another master key, with other associated
     *     data, or was modified
     */
    byte[] unwrap(byte[] wrapped, byte[] associatedData);
}
