package dev.tresor.keys.spi;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;

/**
 * OpenPGP keys: public key rings searchable by address and key id, and their secret key rings, encrypted by the key
 * protection layer.
 * One of the vaults of a {@link KeyStorage}, under its rules.
 */
public interface PgpKeyStorage {
    /** @return false (and changes nothing) if the tenant already holds a key with this fingerprint */
    boolean insertPgpKey(PgpKeyRecord key);

    /**
     * Replaces everything stored of a key the tenant holds (key ring, addresses, key ids, origin, status, added at)
     * but its secret key.
     *
     * @return false (and changes nothing) if the tenant holds no such key
     */
    boolean updatePgpKey(PgpKeyRecord key);

    Optional<PgpKeyRecord> pgpKey(TenantId tenant, PgpFingerprint fingerprint);

    /** A page of the tenant's keys ordered by fingerprint, starting after {@code after} when given. */
    List<PgpKeyRecord> pgpKeys(TenantId tenant, Optional<PgpFingerprint> after, int limit);

    /** Every key of any of these tenants that names this normalised address, whatever its status. */
    List<PgpKeyRecord> pgpKeysByAddress(Collection<TenantId> tenants, String address);

    /** Every key of the tenant whose primary key or one of whose subkeys has this key id. */
    List<PgpKeyRecord> pgpKeysByKeyId(TenantId tenant, long keyId);

    /** @return false if the tenant holds no such key */
    boolean updatePgpKeyStatus(TenantId tenant, PgpFingerprint fingerprint, KeyStatus status);

    /**
     * Stores or replaces the secret key ring of a key the tenant holds.
     *
     * @throws IllegalArgumentException when the tenant holds no such key
     */
    void putPgpSecretKey(TenantId tenant, PgpFingerprint fingerprint, byte[] protectedBlob);

    Optional<byte[]> pgpSecretKey(TenantId tenant, PgpFingerprint fingerprint);
}
