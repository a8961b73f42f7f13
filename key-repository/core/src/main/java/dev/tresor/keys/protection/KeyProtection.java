package dev.tresor.keys.protection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.TenantId;

/**
 * Encrypts private keys at rest by envelope encryption: each private key under its own random data key, the data
 * key under its tenant's key, tenant keys under the master key. Thread-safe.
 *
 * <h2>Private keys at rest (README section)</h2>
 *
 * <p>Tresor never stores a private key in the clear. Each private key (PKCS#8, or an OpenPGP secret key packet) is
 * encrypted with AES-256-GCM under a <em>data key</em> generated for it alone. The data key is encrypted with the
 * current <em>tenant key</em> of the key's tenant (AES-256-GCM), and every tenant key is encrypted by the
 * <em>master key</em>. Each encryption is bound to where its result belongs (the tenant, and for private keys also
 * the certificate or key they belong to), so a row copied into another tenant's or another key's place does not
 * decrypt.
 *
 * <p>The master key comes from one of:
 * <ul>
 * <li>a <b>file</b> ({@link FileMasterKey}): created with 32 random bytes on first start, mode {@code 600}; Tresor
 *     refuses to start if group or others can access it. Back it up separately from the database.</li>
 * <li>an <b>environment variable</b> ({@link EnvironmentMasterKey}): base64 of 32 bytes, e.g. from a container
 *     secret: {@code TRESOR_MASTER_KEY=$(openssl rand -base64 32)}.</li>
 * <li>an <b>HSM</b> through PKCS#11 ({@link Pkcs11MasterKey}): the AES key is generated in the token and never
 *     leaves it; Tresor asks the token to encrypt and decrypt tenant keys (AES-GCM).</li>
 * </ul>
 *
 * <p>Rotation. <em>Tenant keys</em>: rotating adds a new version that protects every key stored from then on;
 * older versions stay to decrypt what they protected. <em>Master key</em>: rotating re-encrypts every tenant key
 * under the new master key in one pass; the private keys themselves are not touched, so it takes moments even for
 * many tenants. Afterwards the old master key decrypts nothing, and can be retired once the rotation is done and
 * every node runs with the new one. A rotation that stopped half-way can simply be run again.
 *
 * <p>Unwrapped tenant keys are cached in memory (a bounded number) so that using a private key costs two AES-GCM
 * decryptions of a few hundred bytes, not a trip to the HSM. Data keys and private keys are never cached.
 *
 * <h2>Stored formats</h2>
 *
 * <p>A protected private key is a {@link ProtectedKey}: version byte {@code 0x01}, 4-byte tenant key version,
 * 12-byte data key nonce, 48-byte wrapped data key, 12-byte payload nonce, payload ciphertext and 16-byte tag (see
 * {@link ProtectedKey} for offsets). A tenant key is a {@link WrappedTenantKey} in a {@link TenantKeyStore}: tenant,
 * version, master key id, the master key's output, creation time. The newest version of a tenant is its primary.
 *
 * <p>Associated data (authenticated, never stored; integers unsigned big-endian, strings UTF-8):
 *
 * <pre>
 * data key under tenant key:   0x01 | bytes 0..4 of the ProtectedKey | uint16 length | tenant id | uint32 length | context
 * private key under data key:  0x02 | bytes 0..4 of the ProtectedKey | uint16 length | tenant id | uint32 length | context
 * tenant key under master key: 0x03 | uint16 length | tenant id | uint32 tenant key version
 * </pre>
 *
 * <p>All AES-GCM in memory uses the JDK's own provider (SunJCE), with 96-bit random nonces and 128-bit tags.
 */
public final class KeyProtection {
    private static final Logger LOGGER = LoggerFactory.getLogger(KeyProtection.class);
    private static final int DEFAULT_CACHED_TENANT_KEYS = 1000;
    private static final int MAX_ADD_ATTEMPTS = 10;
    private static final byte PURPOSE_DATA_KEY = 0x01;
    private static final byte PURPOSE_PAYLOAD = 0x02;
    private static final byte PURPOSE_TENANT_KEY = 0x03;

    private final TenantKeyStore store;
    private final TenantKeyCache cache;
    /** Read: any use of the master key or the store. Write: master key rotation, so it sees every tenant key. */
    private final ReadWriteLock masterKeyLock = new ReentrantReadWriteLock();
    private volatile MasterKey masterKey;

    private KeyProtection(MasterKey masterKey, TenantKeyStore store, int cachedTenantKeys) {
        this.masterKey = masterKey;
        this.store = store;
        this.cache = new TenantKeyCache(cachedTenantKeys);
    }

    public static KeyProtection create(MasterKey masterKey, TenantKeyStore store) {
        return create(masterKey, store, DEFAULT_CACHED_TENANT_KEYS);
    }

    static KeyProtection create(MasterKey masterKey, TenantKeyStore store, int cachedTenantKeys) {
        Objects.requireNonNull(masterKey, "masterKey");
        Objects.requireNonNull(store, "store");
        if (cachedTenantKeys < 1) {
            throw new IllegalArgumentException("cachedTenantKeys must be 1 or more, not " + cachedTenantKeys);
        }
        return new KeyProtection(masterKey, store, cachedTenantKeys);
    }

    /**
     * Encrypts {@code plaintext} for {@code tenant} under the tenant's primary key, creating the tenant's first key
     * if it has none.
     *
     * @param plaintext the private key (PKCS#8, OpenPGP secret key packet, ...); not kept
     * @param context what the private key belongs to, e.g. its certificate fingerprint; needed again to unprotect
     * @throws IllegalArgumentException if {@code plaintext} or {@code context} is empty
     */
    public ProtectedKey protect(TenantId tenant, byte[] plaintext, byte[] context) {
        Objects.requireNonNull(tenant, "tenant");
        requireNonEmpty(plaintext, "plaintext");
        requireNonEmpty(context, "context");
        Lock lock = masterKeyLock.readLock();
        lock.lock();
        try {
            TenantKey primary = primaryKeyOf(tenant);
            byte[] header = ProtectedKey.header(primary.version);
            byte[] dataKey = AesGcm.randomBytes(AesGcm.KEY_BYTES);
            try {
                byte[] dataKeyNonce = AesGcm.randomBytes(AesGcm.NONCE_BYTES);
                byte[] wrappedDataKey = AesGcm.jdk().encrypt(primary.key, dataKeyNonce, dataKey,
                    associatedData(PURPOSE_DATA_KEY, header, tenant, context));
                byte[] payloadNonce = AesGcm.randomBytes(AesGcm.NONCE_BYTES);
                byte[] payload = AesGcm.jdk().encrypt(new SecretKeySpec(dataKey, "AES"), payloadNonce, plaintext,
                    associatedData(PURPOSE_PAYLOAD, header, tenant, context));
                return ProtectedKey.assemble(header, dataKeyNonce, wrappedDataKey, payloadNonce, payload);
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Decrypts a key protected by {@link #protect} for the same tenant and context.
     *
     * @return the private key; the caller wipes it when done
     * @throws KeyProtectionException if the key was protected for another tenant or context, was modified, or its
     *     tenant key is missing or wrapped by another master key
     */
    public byte[] unprotect(TenantId tenant, ProtectedKey key, byte[] context) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        requireNonEmpty(context, "context");
        Lock lock = masterKeyLock.readLock();
        lock.lock();
        try {
            SecretKey tenantKey = tenantKey(tenant, key.tenantKeyVersion());
            byte[] header = key.header();
            byte[] layout = key.layout();
            byte[] dataKey = null;
            try {
                dataKey = AesGcm.jdk().decrypt(tenantKey, key.dataKeyNonce(), layout,
                    ProtectedKey.WRAPPED_DATA_KEY_OFFSET, ProtectedKey.WRAPPED_DATA_KEY_LENGTH,
                    associatedData(PURPOSE_DATA_KEY, header, tenant, context));
                return AesGcm.jdk().decrypt(new SecretKeySpec(dataKey, "AES"), key.payloadNonce(), layout,
                    ProtectedKey.PAYLOAD_OFFSET, layout.length - ProtectedKey.PAYLOAD_OFFSET,
                    associatedData(PURPOSE_PAYLOAD, header, tenant, context));
            } catch (AEADBadTagException e) {
                throw new KeyProtectionException("Cannot decrypt this private key of tenant " + tenant + " (tenant key "
                    + "version " + key.tenantKeyVersion() + "): it was protected for another tenant or another "
                    + "key (context), or it was modified", e);
            } finally {
                if (dataKey != null) {
                    Arrays.fill(dataKey, (byte) 0);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a new primary key for {@code tenant}; keys protected so far stay readable with the older versions.
     *
     * @return the new tenant key version
     */
    public int rotateTenantKey(TenantId tenant) {
        Objects.requireNonNull(tenant, "tenant");
        Lock lock = masterKeyLock.readLock();
        lock.lock();
        try {
            for (int attempt = 0; attempt < MAX_ADD_ATTEMPTS; attempt++) {
                int next = newest(store.tenantKeys(tenant)).map(key -> Math.addExact(key.version(), 1)).orElse(1);
                Optional<TenantKey> added = addTenantKey(tenant, next);
                if (added.isPresent()) {
                    LOGGER.info("Rotated the tenant key of {}: version {} is now primary", tenant, next);
                    return next;
                }
            }
            throw concurrentWriters(tenant);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Re-wraps every stored tenant key under {@code newMasterKey} and from then on uses it. Protected keys are not
     * touched. Tenant keys already under {@code newMasterKey} are skipped, so an interrupted rotation can be run
     * again; each new wrap is checked to unwrap before it replaces the old one.
     *
     * @return the number of tenant keys re-wrapped
     * @throws KeyProtectionException if {@code newMasterKey} has the current master key's id, or a stored tenant key
     *     is wrapped by a third master key
     */
    public int rotateMasterKey(MasterKey newMasterKey) {
        Objects.requireNonNull(newMasterKey, "newMasterKey");
        Lock lock = masterKeyLock.writeLock();
        lock.lock();
        try {
            MasterKey oldMasterKey = masterKey;
            if (oldMasterKey.id().equals(newMasterKey.id())) {
                throw new KeyProtectionException("The new master key has the id '" + newMasterKey.id() + "' of the "
                    + "current one; a new master key version needs a new id (for PKCS#11, a new key label)");
            }
            int rewrapped = 0;
            for (WrappedTenantKey stored : store.all()) {
                if (stored.masterKeyId().equals(newMasterKey.id())) {
                    continue;
                }
                store.replace(rewrap(stored, oldMasterKey, newMasterKey));
                rewrapped++;
            }
            masterKey = newMasterKey;
            cache.clear();
            LOGGER.info("Rotated the master key from {} to {}: {} tenant keys re-wrapped", oldMasterKey.id(),
                newMasterKey.id(), rewrapped);
            return rewrapped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unwraps every stored tenant key with the current master key (each at most once: unwrapped keys are cached), to
     * find out whether this master key is the one the store was written with.
     *
     * @return one line per tenant key that the current master key cannot unwrap, naming the tenant, the version
     *     and the master key it is wrapped by; empty when every tenant key unwraps
     */
    public List<String> unwrappableTenantKeyProblems() {
        Lock lock = masterKeyLock.readLock();
        lock.lock();
        try {
            List<String> problems = new ArrayList<>();
            MasterKey current = masterKey;
            for (WrappedTenantKey stored : store.all()) {
                try {
                    if (!stored.masterKeyId().equals(current.id())) {
                        // cached or not: the stored key changed under us (another node rotated the master key)
                        throw new KeyProtectionException("wrapped by another master key");
                    }
                    unwrapCached(stored);
                } catch (KeyProtectionException e) {
                    problems.add("tenant " + stored.tenant() + " key v" + stored.version() + " (wrapped by master key '"
                        + stored.masterKeyId() + "')");
                }
            }
            return List.copyOf(problems);
        } finally {
            lock.unlock();
        }
    }

    /** The id of the master key in use. */
    public String masterKeyId() {
        return masterKey.id();
    }

    private static WrappedTenantKey rewrap(WrappedTenantKey stored, MasterKey oldMasterKey, MasterKey newMasterKey) {
        if (!stored.masterKeyId().equals(oldMasterKey.id())) {
            throw new KeyProtectionException("Cannot rotate tenant key " + stored.tenant() + " v" + stored.version()
                + ": it is wrapped by master key '" + stored.masterKeyId() + "', neither the current '"
                + oldMasterKey.id() + "' nor the new '" + newMasterKey.id() + "'; rotate with a KeyProtection on '"
                + stored.masterKeyId() + "' first");
        }
        byte[] associatedData = tenantKeyAssociatedData(stored.tenant(), stored.version());
        byte[] rawKey = oldMasterKey.unwrap(stored.wrapped(), associatedData);
        byte[] check = null;
        try {
            byte[] wrapped = newMasterKey.wrap(rawKey, associatedData);
            check = newMasterKey.unwrap(wrapped, associatedData);
            if (!Arrays.equals(rawKey, check)) {
                throw new KeyProtectionException("Master key '" + newMasterKey.id() + "' unwrapped tenant key "
                    + stored.tenant() + " v" + stored.version() + " to other bytes than it wrapped; rotation stopped");
            }
            return stored.rewrappedBy(newMasterKey.id(), wrapped);
        } finally {
            Arrays.fill(rawKey, (byte) 0);
            if (check != null) {
                Arrays.fill(check, (byte) 0);
            }
        }
    }

    private TenantKey primaryKeyOf(TenantId tenant) {
        for (int attempt = 0; attempt < MAX_ADD_ATTEMPTS; attempt++) {
            Optional<WrappedTenantKey> newest = newest(store.tenantKeys(tenant));
            if (newest.isPresent()) {
                return new TenantKey(newest.get().version(), unwrapCached(newest.get()));
            }
            // First use of this tenant. If another thread or node adds version 1 first, ours is not stored and the
            // next round reads theirs: everyone protects under the one stored key.
            Optional<TenantKey> created = addTenantKey(tenant, 1);
            if (created.isPresent()) {
                LOGGER.info("Created the first tenant key of {}", tenant);
                return created.get();
            }
        }
        throw concurrentWriters(tenant);
    }

    private Optional<TenantKey> addTenantKey(TenantId tenant, int version) {
        byte[] rawKey = AesGcm.randomBytes(AesGcm.KEY_BYTES);
        try {
            MasterKey current = masterKey;
            byte[] wrapped = current.wrap(rawKey, tenantKeyAssociatedData(tenant, version));
            if (!store.add(WrappedTenantKey.of(tenant, version, current.id(), wrapped, Instant.now()))) {
                return Optional.empty();
            }
            SecretKey key = new SecretKeySpec(rawKey, "AES");
            cache.put(tenant, version, key);
            return Optional.of(new TenantKey(version, key));
        } finally {
            Arrays.fill(rawKey, (byte) 0);
        }
    }

    private SecretKey tenantKey(TenantId tenant, int version) {
        SecretKey cached = cache.get(tenant, version);
        if (cached != null) {
            return cached;
        }
        WrappedTenantKey stored = store.tenantKeys(tenant).stream()
            .filter(key -> key.version() == version)
            .findFirst()
            .orElseThrow(() -> new KeyProtectionException("Tenant " + tenant + " has no tenant key version " + version
                + ": the protected key belongs to another tenant, or its tenant key was deleted"));
        return unwrapCached(stored);
    }

    private SecretKey unwrapCached(WrappedTenantKey stored) {
        SecretKey cached = cache.get(stored.tenant(), stored.version());
        if (cached != null) {
            return cached;
        }
        MasterKey current = masterKey;
        if (!stored.masterKeyId().equals(current.id())) {
            throw new KeyProtectionException("Tenant key " + stored.tenant() + " v" + stored.version() + " is wrapped "
                + "by master key '" + stored.masterKeyId() + "', but this Tresor uses master key '" + current.id()
                + "': configure that master key, or finish the master key rotation");
        }
        byte[] rawKey = current.unwrap(stored.wrapped(), tenantKeyAssociatedData(stored.tenant(), stored.version()));
        try {
            if (rawKey.length != AesGcm.KEY_BYTES) {
                throw new KeyProtectionException("Tenant key " + stored.tenant() + " v" + stored.version() + " is "
                    + rawKey.length + " bytes, not " + AesGcm.KEY_BYTES);
            }
            SecretKey key = new SecretKeySpec(rawKey, "AES");
            cache.put(stored.tenant(), stored.version(), key);
            return key;
        } finally {
            Arrays.fill(rawKey, (byte) 0);
        }
    }

    private static Optional<WrappedTenantKey> newest(List<WrappedTenantKey> keys) {
        return keys.stream().max(Comparator.comparingInt(WrappedTenantKey::version));
    }

    private static KeyProtectionException concurrentWriters(TenantId tenant) {
        return new KeyProtectionException("Could not add a tenant key for " + tenant + " after " + MAX_ADD_ATTEMPTS
            + " attempts: the tenant key store refused every new version, yet did not list it");
    }

    private static byte[] associatedData(byte purpose, byte[] header, TenantId tenant, byte[] context) {
        byte[] tenantBytes = tenant.asString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + header.length + 2 + tenantBytes.length + 4 + context.length)
            .put(purpose)
            .put(header)
            .putShort((short) tenantBytes.length)
            .put(tenantBytes)
            .putInt(context.length)
            .put(context)
            .array();
    }

    private static byte[] tenantKeyAssociatedData(TenantId tenant, int version) {
        byte[] tenantBytes = tenant.asString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 2 + tenantBytes.length + 4)
            .put(PURPOSE_TENANT_KEY)
            .putShort((short) tenantBytes.length)
            .put(tenantBytes)
            .putInt(version)
            .array();
    }

    private static void requireNonEmpty(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, name);
        if (bytes.length == 0) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    @Override
    public String toString() {
        return "KeyProtection[master key " + masterKey.id() + "]";
    }

    private static final class TenantKey {
        private final int version;
        private final SecretKey key;

        private TenantKey(int version, SecretKey key) {
            this.version = version;
            this.key = key;
        }
    }

    /** Unwrapped tenant keys, least recently used evicted first. */
    private static final class TenantKeyCache {
        private final Map<String, SecretKey> keys;

        private TenantKeyCache(int capacity) {
            this.keys = new LinkedHashMap<String, SecretKey>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, SecretKey> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized SecretKey get(TenantId tenant, int version) {
            return keys.get(cacheKey(tenant, version));
        }

        synchronized void put(TenantId tenant, int version, SecretKey key) {
            keys.put(cacheKey(tenant, version), key);
        }

        synchronized void clear() {
            keys.clear();
        }

        // Tenant ids never contain a space, so this key is unambiguous.
        private static String cacheKey(TenantId tenant, int version) {
            return tenant.asString() + ' ' + version;
        }
    }
}
