package dev.tresor.keys.protection;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

import dev.tresor.keys.TenantId;

/**
 * One version of a tenant key as stored: the AES-256 key wrapped by the master key named {@link #masterKeyId()}.
 * A tenant's newest version is its primary key, the one that protects new private keys; older versions stay to
 * unprotect what they protected. The wrapped bytes are opaque (the master key's format) and authenticated together
 * with the tenant and version, so a row copied to another tenant or version does not unwrap.
 *
 * <p>Storage columns: tenant ({@link TenantId#asString()}, up to 64 characters), version (int, 1 and up), master
 * key id (string, up to 200 characters), wrapped (bytes, about 61), created (timestamp). Unique on tenant + version.
 */
public final class WrappedTenantKey {
    static final int MAX_MASTER_KEY_ID_LENGTH = 200;

    private final TenantId tenant;
    private final int version;
    private final String masterKeyId;
    private final byte[] wrapped;
    private final Instant created;

    private WrappedTenantKey(TenantId tenant, int version, String masterKeyId, byte[] wrapped, Instant created) {
        this.tenant = tenant;
        this.version = version;
        this.masterKeyId = masterKeyId;
        this.wrapped = wrapped;
        this.created = created;
    }

    /**
     * @throws IllegalArgumentException if {@code version} is below 1, the master key id is empty or longer than 200
     *     characters, or {@code wrapped} is empty
     */
    public static WrappedTenantKey of(TenantId tenant, int version, String masterKeyId, byte[] wrapped,
                                      Instant created) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(masterKeyId, "masterKeyId");
        Objects.requireNonNull(wrapped, "wrapped");
        Objects.requireNonNull(created, "created");
        if (version < 1) {
            throw new IllegalArgumentException("Tenant key version must be 1 or more, not " + version);
        }
        if (masterKeyId.isEmpty() || masterKeyId.length() > MAX_MASTER_KEY_ID_LENGTH) {
            throw new IllegalArgumentException("Master key id must be 1 to " + MAX_MASTER_KEY_ID_LENGTH
                + " characters, not " + masterKeyId.length());
        }
        if (wrapped.length == 0) {
            throw new IllegalArgumentException("Wrapped tenant key must not be empty");
        }
        return new WrappedTenantKey(tenant, version, masterKeyId, wrapped.clone(), created);
    }

    /** The same tenant key, version and creation time, wrapped anew by another master key. */
    public WrappedTenantKey rewrappedBy(String newMasterKeyId, byte[] newWrapped) {
        return of(tenant, version, newMasterKeyId, newWrapped, created);
    }

    public TenantId tenant() {
        return tenant;
    }

    public int version() {
        return version;
    }

    public String masterKeyId() {
        return masterKeyId;
    }

    /** A copy of the wrapped key. */
    public byte[] wrapped() {
        return wrapped.clone();
    }

    public Instant created() {
        return created;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof WrappedTenantKey)) {
            return false;
        }
        WrappedTenantKey other = (WrappedTenantKey) o;
        return version == other.version && tenant.equals(other.tenant) && masterKeyId.equals(other.masterKeyId)
            && Arrays.equals(wrapped, other.wrapped) && created.equals(other.created);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, version, masterKeyId, Arrays.hashCode(wrapped), created);
    }

    @Override
    public String toString() {
        return "WrappedTenantKey[" + tenant + " v" + version + ", master key " + masterKeyId + ", created "
            + created + "]";
    }
}
