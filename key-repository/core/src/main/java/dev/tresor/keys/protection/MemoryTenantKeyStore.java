package dev.tresor.keys.protection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.tresor.keys.TenantId;

/** A {@link TenantKeyStore} in memory, for tests and for the memory server; thread-safe. */
public final class MemoryTenantKeyStore implements TenantKeyStore {
    private final Map<TenantId, TreeMap<Integer, WrappedTenantKey>> keysByTenant = new HashMap<>();

    private MemoryTenantKeyStore() {
    }

    public static MemoryTenantKeyStore create() {
        return new MemoryTenantKeyStore();
    }

    @Override
    public synchronized List<WrappedTenantKey> tenantKeys(TenantId tenant) {
        TreeMap<Integer, WrappedTenantKey> versions = keysByTenant.get(tenant);
        return versions == null ? List.of() : List.copyOf(versions.values());
    }

    @Override
    public synchronized boolean add(WrappedTenantKey key) {
        return keysByTenant.computeIfAbsent(key.tenant(), tenant -> new TreeMap<>())
            .putIfAbsent(key.version(), key) == null;
    }

    @Override
    public synchronized List<WrappedTenantKey> all() {
        List<WrappedTenantKey> all = new ArrayList<>();
        keysByTenant.values().forEach(versions -> all.addAll(versions.values()));
        return all;
    }

    @Override
    public synchronized void replace(WrappedTenantKey key) {
        TreeMap<Integer, WrappedTenantKey> versions = keysByTenant.get(key.tenant());
        if (versions == null || versions.replace(key.version(), key) == null) {
            throw new KeyProtectionException("Tenant " + key.tenant() + " has no tenant key version " + key.version()
                + " to replace");
        }
    }
}
