package dev.tresor.keys.protection;

import java.util.List;

import dev.tresor.keys.TenantId;

/**
 * Where {@link KeyProtection} keeps wrapped tenant keys. Implementations are thread-safe (and, for a database shared
 * by several nodes, safe across processes) and store values unchanged; they never unwrap anything.
 *
 * <p>The uniqueness of tenant + version is what makes concurrent first use safe: when two writers {@link #add} the
 * same version, exactly one succeeds and the other re-reads and uses the winner's key (a database backend: a unique
 * constraint, {@code false} on a duplicate-key violation). Storage failures are reported as unchecked exceptions.
 */
public interface TenantKeyStore {
    /** The tenant's keys, oldest version first; empty if the tenant has none yet. */
    List<WrappedTenantKey> tenantKeys(TenantId tenant);

    /**
     * Stores {@code key} unless its tenant already has a key with its version.
     *
     * @return {@code true} if stored, {@code false} if that version exists (another writer got there first)
     */
    boolean add(WrappedTenantKey key);

    /** Every tenant's keys, for master key rotation; in no particular order. */
    List<WrappedTenantKey> all();

    /**
     * Replaces the stored key of the same tenant and version by {@code key}, re-wrapped under another master key.
     *
     * @throws KeyProtectionException if no key of that tenant and version is stored
     */
    void replace(WrappedTenantKey key);
}
