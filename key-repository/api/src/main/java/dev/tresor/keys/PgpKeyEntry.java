package dev.tresor.keys;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tresor.keys.io.PgpComponentKey;
import dev.tresor.keys.io.PgpPublicKeyInfo;

/**
 * An OpenPGP key in one tenant's vault: its public key ring, with what the vault knows about it. Immutable.
 *
 * <p>What the ring says (user ids, subkeys, expiry, revocations) is what its verified self-signatures establish (see
 * {@link dev.tresor.keys.io.PgpKeys}); the {@link #status()} is the administrator's, independent of the ring.
 */
public final class PgpKeyEntry {
    private final TenantId tenant;
    private final PgpPublicKeyInfo key;
    private final Set<EmailAddress> addresses;
    private final Origin origin;
    private final KeyStatus status;
    private final Instant addedAt;
    private final boolean hasSecretKey;

    public PgpKeyEntry(TenantId tenant, PgpPublicKeyInfo key, Set<EmailAddress> addresses, Origin origin,
                       KeyStatus status, Instant addedAt, boolean hasSecretKey) {
        this.tenant = Objects.requireNonNull(tenant);
        this.key = Objects.requireNonNull(key);
        this.addresses = Set.copyOf(addresses);
        this.origin = Objects.requireNonNull(origin);
        this.status = Objects.requireNonNull(status);
        this.addedAt = Objects.requireNonNull(addedAt);
        this.hasSecretKey = hasSecretKey;
    }

    public TenantId tenant() {
        return tenant;
    }

    /** The primary key's fingerprint: the key's identity in the vault. */
    public PgpFingerprint fingerprint() {
        return PgpFingerprint.of(key.fingerprint());
    }

    /** The key ids of the primary key and of every subkey bound to it, revoked and expired ones included. */
    public Set<Long> keyIds() {
        return allKeys().stream().map(PgpComponentKey::keyId).collect(Collectors.toUnmodifiableSet());
    }

    /** The e-mail addresses of its valid user ids, normalised. */
    public Set<EmailAddress> addresses() {
        return addresses;
    }

    public List<String> userIds() {
        return key.userIds();
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

    public Instant creationTime() {
        return key.creationTime();
    }

    /** When the whole key expires, if it does. */
    public Optional<Instant> expiry() {
        return key.expiry();
    }

    /** Whether the key holder revoked the whole key (a revocation of its primary key). */
    public boolean isRevoked() {
        return key.isRevoked();
    }

    /** Whether the vault holds its secret keys: then it is one of the tenant's own keys. */
    public boolean hasSecretKey() {
        return hasSecretKey;
    }

    /** The public key ring as parsed, for the OpenPGP engine. */
    public PgpPublicKeyInfo key() {
        return key;
    }

    /** The public key ring in binary OpenPGP packets. */
    public byte[] encoded() {
        return key.encoded();
    }

    /**
     * The keys of the ring that may encrypt to it at {@code time}: none unless the entry is active and the primary
     * key valid (neither revoked nor expired); then every unrevoked, unexpired encryption-capable key.
     */
    public List<PgpComponentKey> encryptionKeysAt(Instant time) {
        return usableAt(time) ? validAt(key.encryptionKeys(), time) : List.of();
    }

    /** The keys of the ring that may sign at {@code time}, under the same rule as {@link #encryptionKeysAt}. */
    public List<PgpComponentKey> signingKeysAt(Instant time) {
        return usableAt(time) ? validAt(key.signingKeys(), time) : List.of();
    }

    private boolean usableAt(Instant time) {
        return status == KeyStatus.ACTIVE && key.primaryKey().isValidAt(time);
    }

    private static List<PgpComponentKey> validAt(List<PgpComponentKey> keys, Instant time) {
        return keys.stream().filter(component -> component.isValidAt(time)).collect(Collectors.toUnmodifiableList());
    }

    private List<PgpComponentKey> allKeys() {
        List<PgpComponentKey> all = new ArrayList<>();
        all.add(key.primaryKey());
        all.addAll(key.subkeys());
        return all;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof PgpKeyEntry) {
            PgpKeyEntry that = (PgpKeyEntry) o;
            return tenant.equals(that.tenant) && fingerprint().equals(that.fingerprint()) && status == that.status
                && origin == that.origin;
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, key.fingerprint(), status, origin);
    }

    @Override
    public String toString() {
        return "PgpKeyEntry[" + tenant + ", " + key.fingerprint() + ", " + key.userIds() + ", " + status + ", " + origin
            + (hasSecretKey ? ", with secret key" : "") + "]";
    }
}
