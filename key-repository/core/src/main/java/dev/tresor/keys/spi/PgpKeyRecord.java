package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;

/**
 * An OpenPGP public key ring as a storage backend keeps it: the binary packets plus the facts the lookups search by,
 * computed at import. Backends store and return it as is; they never parse OpenPGP.
 */
public final class PgpKeyRecord {
    private final TenantId tenant;
    private final PgpFingerprint fingerprint;
    private final byte[] keyRing;
    private final Set<String> addresses;
    private final Set<Long> keyIds;
    private final Origin origin;
    private final KeyStatus status;
    private final Instant addedAt;
    private final boolean hasSecretKey;

    /**
     * @param fingerprint  of the primary key
     * @param keyRing      the public key ring, binary OpenPGP packets
     * @param addresses    normalised e-mail addresses of its valid user ids
     * @param keyIds       the key ids of the primary key and all its subkeys
     * @param hasSecretKey whether the backend holds a secret key for it ({@link PgpKeyStorage#putPgpSecretKey}): set by
     *                     the backend on reads, ignored on writes
     */
    public PgpKeyRecord(TenantId tenant, PgpFingerprint fingerprint, byte[] keyRing, Set<String> addresses,
                        Set<Long> keyIds, Origin origin, KeyStatus status, Instant addedAt, boolean hasSecretKey) {
        this.tenant = Objects.requireNonNull(tenant);
        this.fingerprint = Objects.requireNonNull(fingerprint);
        this.keyRing = keyRing.clone();
        this.addresses = Set.copyOf(addresses);
        this.keyIds = Set.copyOf(keyIds);
        this.origin = Objects.requireNonNull(origin);
        this.status = Objects.requireNonNull(status);
        this.addedAt = Objects.requireNonNull(addedAt);
        this.hasSecretKey = hasSecretKey;
    }

    public PgpKeyRecord withStatus(KeyStatus newStatus) {
        return new PgpKeyRecord(tenant, fingerprint, keyRing, addresses, keyIds, origin, newStatus, addedAt, hasSecretKey);
    }

    public PgpKeyRecord withSecretKey(boolean secretKey) {
        return new PgpKeyRecord(tenant, fingerprint, keyRing, addresses, keyIds, origin, status, addedAt, secretKey);
    }

    public TenantId tenant() {
        return tenant;
    }

    public PgpFingerprint fingerprint() {
        return fingerprint;
    }

    public byte[] keyRing() {
        return keyRing.clone();
    }

    public Set<String> addresses() {
        return addresses;
    }

    public Set<Long> keyIds() {
        return keyIds;
    }

    public Origin origin() {
        return origin;
    }

    public KeyStatus status() {
        return status;
    }

    public Instant addedAt() {
        return addedAt;
    }

    public boolean hasSecretKey() {
        return hasSecretKey;
    }

    @Override
    public String toString() {
        return "PgpKeyRecord[" + tenant + ", " + fingerprint + ", " + status + "]";
    }
}
