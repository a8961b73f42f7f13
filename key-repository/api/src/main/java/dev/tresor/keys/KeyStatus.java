package dev.tresor.keys;

/**
 * Where a certificate or key stands in its lifecycle. Only {@link #ACTIVE} entries are chosen to encrypt or sign;
 * every entry, whatever its status, stays available to decrypt and verify old mail (key history).
 */
public enum KeyStatus {
    ACTIVE,
    /** replaced by a newer key for the same address; kept to decrypt */
    SUPERSEDED,
    /** withdrawn by an administrator; kept to decrypt, never used to encrypt or sign */
    REVOKED
}
