package dev.tresor.keys.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheStats;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.spi.AuditStorage;
import dev.tresor.keys.spi.CertificateRecord;
import dev.tresor.keys.spi.CertificateStorage;
import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.LifecycleStorage;
import dev.tresor.keys.spi.PdfPasswordStorage;
import dev.tresor.keys.spi.PgpKeyRecord;
import dev.tresor.keys.spi.PgpKeyStorage;
import dev.tresor.keys.spi.PolicyStorage;
import dev.tresor.keys.spi.PrivateKeyStorage;
import dev.tresor.keys.spi.StorageChange;
import dev.tresor.keys.spi.StorageChangeObserver;
import dev.tresor.keys.spi.TenantStorage;
import dev.tresor.keys.spi.TlsPolicyStorage;
import dev.tresor.keys.spi.TrustAnchorStorage;

/**
 * Keeps the answers of the lookups on every mail's path, in front of any {@link KeyStorage}: certificates and OpenPGP
 * keys by address (whom to encrypt to, which key signs), the sealed private key and OpenPGP secret key that sign, the
 * tenant a domain is mapped to, federation grantors, a tenant's current policies (read once per mail and tenant), its
 * CA (does it issue a key to a sender without one?) and the TLS policy of a recipient domain (asked per recipient).
 * Everything else (administration reads and the other vaults) goes straight to storage.
 *
 * <p>A Guava {@link Cache} holds them: at most {@code maximumSize} answers (the least recently used go first), each
 * for at most {@code ttl}, with hit and miss counts ({@link #statistics()}).
 *
 * <p>Staleness is bounded, never open-ended:
 * <ul>
 *     <li>a write through this node forgets at once the answers about the tenant (or domain) it changed, the same
 *     {@link StorageChange}s that the write announces to other nodes, so this node never serves an answer older than
 *     its own last write;</li>
 *     <li>a write through another node sharing the database (PostgreSQL) is told to this cache as a
 *     {@link StorageChange} by whoever listens to the database ({@link StorageChangeObserver}): the answers about that
 *     tenant or domain are forgotten when the news arrives. While the listener is not connected
 *     ({@link #changesMayBeMissed()}) nothing is reused at all: every lookup reads the database;</li>
 *     <li>with nobody listening (a node whose storage is its own: H2, memory) answers are reused for at most
 *     {@code ttl}. The TTL applies with a listener too, as a backstop. The default is 30 s; {@code Duration.ZERO}
 *     turns caching off.</li>
 * </ul>
 * An answer read while a change arrives is never kept: a lookup that overlaps an invalidation returns its answer but
 * leaves nothing in the cache, so a read that started before another node's commit cannot outlive the news of it.
 */
public final class CachingKeyStorage implements KeyStorage, StorageChangeObserver {
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
    public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

    /** The cached lookups. */
    private enum Query {
        CERTIFICATES_BY_ADDRESS, PGP_KEYS_BY_ADDRESS, PRIVATE_KEY, PGP_SECRET_KEY, GRANTORS, TENANT_OF_DOMAIN,
        CURRENT_POLICIES, CA, TLS_POLICY
    }

    /** Which lookup, for which tenants, about which address, domain or fingerprint. */
    private static final class Key {
        final Query query;
        final Set<TenantId> tenants;
        final String subject;

        Key(Query query, Set<TenantId> tenants, String subject) {
            this.query = query;
            this.tenants = tenants;
            this.subject = subject;
        }

        boolean concerns(StorageChange change) {
            switch (change.kind()) {
                case TENANT:
                    return tenants.stream().anyMatch(tenant -> tenant.asString().equals(change.subject()));
                case DOMAIN:
                    return query == Query.TENANT_OF_DOMAIN && subject.equals(change.subject());
                default:
                    return true;
            }
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key other = (Key) o;
            return query == other.query && tenants.equals(other.tenants) && subject.equals(other.subject);
        }

        @Override
        public int hashCode() {
            return Objects.hash(query, tenants, subject);
        }
    }

    private final KeyStorage delegate;
    private final boolean enabled;
    private final Cache<Key, Object> cache;
    /** Counts invalidations, so that a lookup can tell whether one overlapped it. */
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean reusable = true;
    private final TenantStorage tenants;
    private final CertificateStorage certificates;
    private final PrivateKeyStorage privateKeys;
    private final PgpKeyStorage pgpKeys;
    private final PolicyStorage policies;
    private final LifecycleStorage lifecycle;
    private final TlsPolicyStorage tlsPolicies;

    private CachingKeyStorage(KeyStorage delegate, Duration ttl, long maximumSize, LongSupplier nanoTime) {
        this.delegate = Objects.requireNonNull(delegate);
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("Cache TTL must not be negative: " + ttl);
        }
        if (maximumSize < 0) {
            throw new IllegalArgumentException("Cache size must not be negative: " + maximumSize);
        }
        this.enabled = !ttl.isZero() && maximumSize > 0;
        this.cache = CacheBuilder.newBuilder()
            .maximumSize(maximumSize)
            .expireAfterWrite(ttl.toNanos(), TimeUnit.NANOSECONDS)
            .ticker(new Ticker() {
                @Override
                public long read() {
                    return nanoTime.getAsLong();
                }
            })
            .recordStats()
            .build();
        this.tenants = new CachedTenants(delegate.tenants());
        this.certificates = new CachedCertificates(delegate.certificates());
        this.privateKeys = new CachedPrivateKeys(delegate.privateKeys());
        this.pgpKeys = new CachedPgpKeys(delegate.pgpKeys());
        this.policies = new CachedPolicies(delegate.policies());
        this.lifecycle = new CachedLifecycle(delegate.lifecycle());
        this.tlsPolicies = new CachedTlsPolicies(delegate.tlsPolicies());
    }

    /** A cache of {@value #DEFAULT_MAXIMUM_SIZE} answers at most. */
    public static CachingKeyStorage wrap(KeyStorage delegate, Duration ttl) {
        return wrap(delegate, ttl, DEFAULT_MAXIMUM_SIZE);
    }

    /** @param maximumSize how many answers are kept at most; 0 turns caching off */
    public static CachingKeyStorage wrap(KeyStorage delegate, Duration ttl, long maximumSize) {
        return new CachingKeyStorage(delegate, ttl, maximumSize, System::nanoTime);
    }

    static CachingKeyStorage wrap(KeyStorage delegate, Duration ttl, LongSupplier nanoTime) {
        return new CachingKeyStorage(delegate, ttl, DEFAULT_MAXIMUM_SIZE, nanoTime);
    }

    public KeyStorage delegate() {
        return delegate;
    }

    @Override
    public TenantStorage tenants() {
        return tenants;
    }

    @Override
    public CertificateStorage certificates() {
        return certificates;
    }

    @Override
    public PrivateKeyStorage privateKeys() {
        return privateKeys;
    }

    @Override
    public PgpKeyStorage pgpKeys() {
        return pgpKeys;
    }

    @Override
    public TrustAnchorStorage trustAnchors() {
        return delegate.trustAnchors();
    }

    @Override
    public PdfPasswordStorage pdfPasswords() {
        return delegate.pdfPasswords();
    }

    @Override
    public TlsPolicyStorage tlsPolicies() {
        return tlsPolicies;
    }

    @Override
    public PolicyStorage policies() {
        return policies;
    }

    @Override
    public AuditStorage audit() {
        return delegate.audit();
    }

    /**
     * Only a tenant's CA is cached: the mail path asks for it whenever a sender has no key (does her tenant issue one?).
     * The register of issued keys, CRLs and the issuance lock always reach storage: issuance must read what is stored.
     */
    @Override
    public LifecycleStorage lifecycle() {
        return lifecycle;
    }

    /**
     * Hits and misses of the cached lookups since start (lookups made while nothing is reused are not counted), and
     * how many answers were evicted for room or age.
     */
    public CacheStats statistics() {
        return cache.stats();
    }

    /** How many answers the cache holds now. */
    public long size() {
        return cache.size();
    }

    /** Whether answers are kept at all: not while changes of other nodes may go unheard. */
    public boolean reusesAnswers() {
        return reusable && enabled;
    }

    // what other nodes changed

    @Override
    public void changed(StorageChange change) {
        forget(change);
    }

    @Override
    public void changesMayBeMissed() {
        reusable = false;
        forgetAll();
    }

    @Override
    public void changesFollowed() {
        forgetAll();
        reusable = true;
    }

    private void forget(StorageChange... changes) {
        generation.incrementAndGet();
        cache.asMap().keySet().removeIf(key -> {
            for (StorageChange change : changes) {
                if (key.concerns(change)) {
                    return true;
                }
            }
            return false;
        });
    }

    private void forgetAll() {
        generation.incrementAndGet();
        cache.invalidateAll();
    }

    private <T> T forgetting(T result, StorageChange... changes) {
        forget(changes);
        return result;
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(Key key, Supplier<T> load) {
        if (!reusesAnswers()) {
            return load.get();
        }
        Object cached = cache.getIfPresent(key);
        if (cached != null) {
            return (T) cached;
        }
        long before = generation.get();
        T value = load.get();
        cache.put(key, value);
        // An invalidation that began after the put removes the entry itself; one that began during the load, here.
        if (generation.get() != before || !reusable) {
            cache.asMap().remove(key, value);
        }
        return value;
    }

    private static Key key(Query query, Collection<TenantId> tenants, String subject) {
        return new Key(query, Set.copyOf(tenants), subject);
    }

    /** Tenants' domains and grants: the tenant of a domain and a grantee's grantors are cached. */
    private final class CachedTenants implements TenantStorage {
        private final TenantStorage storage;

        CachedTenants(TenantStorage storage) {
            this.storage = storage;
        }

        @Override
        public Optional<TenantId> tenantOfDomain(String domain) {
            return cached(key(Query.TENANT_OF_DOMAIN, Set.of(), domain), () -> storage.tenantOfDomain(domain));
        }

        @Override
        public Set<TenantId> grantorsOf(TenantId grantee) {
            return cached(key(Query.GRANTORS, Set.of(grantee), ""), () -> storage.grantorsOf(grantee));
        }

        @Override
        public boolean createTenant(TenantId tenant, Instant createdAt) {
            return forgetting(storage.createTenant(tenant, createdAt), StorageChange.tenant(tenant));
        }

        @Override
        public TenantId mapDomain(String domain, TenantId tenant) {
            return forgetting(storage.mapDomain(domain, tenant), StorageChange.domain(domain));
        }

        @Override
        public boolean moveDomain(String domain, TenantId from, TenantId to) {
            return forgetting(storage.moveDomain(domain, from, to), StorageChange.domain(domain));
        }

        @Override
        public boolean unmapDomain(String domain) {
            return forgetting(storage.unmapDomain(domain), StorageChange.domain(domain));
        }

        @Override
        public void grant(TenantId grantor, TenantId grantee) {
            storage.grant(grantor, grantee);
            forget(StorageChange.tenant(grantee), StorageChange.tenant(grantor));
        }

        @Override
        public boolean revokeGrant(TenantId grantor, TenantId grantee) {
            return forgetting(storage.revokeGrant(grantor, grantee), StorageChange.tenant(grantee),
                StorageChange.tenant(grantor));
        }

        @Override
        public boolean tenantExists(TenantId tenant) {
            return storage.tenantExists(tenant);
        }

        @Override
        public List<TenantId> allTenants() {
            return storage.allTenants();
        }

        @Override
        public List<String> domainsOf(TenantId tenant) {
            return storage.domainsOf(tenant);
        }

        @Override
        public Set<TenantId> granteesOf(TenantId grantor) {
            return storage.granteesOf(grantor);
        }
    }

    /** Certificates: those of an address are cached. */
    private final class CachedCertificates implements CertificateStorage {
        private final CertificateStorage storage;

        CachedCertificates(CertificateStorage storage) {
            this.storage = storage;
        }

        @Override
        public List<CertificateRecord> certificatesByAddress(Collection<TenantId> tenants, String address) {
            return cached(key(Query.CERTIFICATES_BY_ADDRESS, tenants, address),
                () -> storage.certificatesByAddress(tenants, address));
        }

        @Override
        public boolean insertCertificate(CertificateRecord certificate) {
            return forgetting(storage.insertCertificate(certificate), StorageChange.tenant(certificate.tenant()));
        }

        @Override
        public int insertCertificates(List<CertificateRecord> certificates) {
            return forgetting(storage.insertCertificates(certificates), certificates.stream()
                .map(CertificateRecord::tenant)
                .distinct()
                .map(StorageChange::tenant)
                .toArray(StorageChange[]::new));
        }

        @Override
        public boolean updateCertificateStatus(TenantId tenant, Fingerprint fingerprint, KeyStatus status) {
            return forgetting(storage.updateCertificateStatus(tenant, fingerprint, status), StorageChange.tenant(tenant));
        }

        @Override
        public Optional<CertificateRecord> certificate(TenantId tenant, Fingerprint fingerprint) {
            return storage.certificate(tenant, fingerprint);
        }

        @Override
        public List<CertificateRecord> certificatesByIssuerAndSerial(TenantId tenant, String issuer, String serialNumber) {
            return storage.certificatesByIssuerAndSerial(tenant, issuer, serialNumber);
        }

        @Override
        public List<CertificateRecord> certificatesBySubjectKeyIdentifier(TenantId tenant, String subjectKeyIdentifier) {
            return storage.certificatesBySubjectKeyIdentifier(tenant, subjectKeyIdentifier);
        }

        @Override
        public List<CertificateRecord> certificates(TenantId tenant, Optional<Fingerprint> after, int limit) {
            return storage.certificates(tenant, after, limit);
        }

        @Override
        public List<CertificateRecord> certificatesWithPrivateKeyExpiringBefore(Instant before, int limit) {
            return storage.certificatesWithPrivateKeyExpiringBefore(before, limit);
        }
    }

    /** Private keys, as sealed by key protection (the cache never holds a plaintext key): cached by certificate. */
    private final class CachedPrivateKeys implements PrivateKeyStorage {
        private final PrivateKeyStorage storage;

        CachedPrivateKeys(PrivateKeyStorage storage) {
            this.storage = storage;
        }

        @Override
        public void putPrivateKey(TenantId tenant, Fingerprint certificate, byte[] protectedBlob) {
            storage.putPrivateKey(tenant, certificate, protectedBlob);
            forget(StorageChange.tenant(tenant));
        }

        @Override
        public Optional<byte[]> privateKey(TenantId tenant, Fingerprint certificate) {
            Optional<byte[]> blob = cached(key(Query.PRIVATE_KEY, Set.of(tenant), certificate.asString()),
                () -> storage.privateKey(tenant, certificate));
            return blob.map(byte[]::clone);
        }
    }

    /** OpenPGP keys: those of an address, and sealed secret keys, are cached. */
    private final class CachedPgpKeys implements PgpKeyStorage {
        private final PgpKeyStorage storage;

        CachedPgpKeys(PgpKeyStorage storage) {
            this.storage = storage;
        }

        @Override
        public List<PgpKeyRecord> pgpKeysByAddress(Collection<TenantId> tenants, String address) {
            return cached(key(Query.PGP_KEYS_BY_ADDRESS, tenants, address), () -> storage.pgpKeysByAddress(tenants, address));
        }

        @Override
        public Optional<byte[]> pgpSecretKey(TenantId tenant, PgpFingerprint fingerprint) {
            Optional<byte[]> blob = cached(key(Query.PGP_SECRET_KEY, Set.of(tenant), fingerprint.asString()),
                () -> storage.pgpSecretKey(tenant, fingerprint));
            return blob.map(byte[]::clone);
        }

        @Override
        public boolean insertPgpKey(PgpKeyRecord key) {
            return forgetting(storage.insertPgpKey(key), StorageChange.tenant(key.tenant()));
        }

        @Override
        public boolean updatePgpKey(PgpKeyRecord key) {
            return forgetting(storage.updatePgpKey(key), StorageChange.tenant(key.tenant()));
        }

        @Override
        public boolean updatePgpKeyStatus(TenantId tenant, PgpFingerprint fingerprint, KeyStatus status) {
            return forgetting(storage.updatePgpKeyStatus(tenant, fingerprint, status), StorageChange.tenant(tenant));
        }

        /** The records found by address say whether a secret key is stored. */
        @Override
        public void putPgpSecretKey(TenantId tenant, PgpFingerprint fingerprint, byte[] protectedBlob) {
            storage.putPgpSecretKey(tenant, fingerprint, protectedBlob);
            forget(StorageChange.tenant(tenant));
        }

        @Override
        public Optional<PgpKeyRecord> pgpKey(TenantId tenant, PgpFingerprint fingerprint) {
            return storage.pgpKey(tenant, fingerprint);
        }

        @Override
        public List<PgpKeyRecord> pgpKeys(TenantId tenant, Optional<PgpFingerprint> after, int limit) {
            return storage.pgpKeys(tenant, after, limit);
        }

        @Override
        public List<PgpKeyRecord> pgpKeysByKeyId(TenantId tenant, long keyId) {
            return storage.pgpKeysByKeyId(tenant, keyId);
        }
    }

    /** Policies: a tenant's current ones are cached, unmodifiable; versions and history go to storage. */
    private final class CachedPolicies implements PolicyStorage {
        private final PolicyStorage storage;

        CachedPolicies(PolicyStorage storage) {
            this.storage = storage;
        }

        @Override
        public int appendPolicy(TenantId tenant, String scope, Optional<String> settings, Instant changedAt,
                                String changedBy) {
            return forgetting(storage.appendPolicy(tenant, scope, settings, changedAt, changedBy),
                StorageChange.tenant(tenant));
        }

        @Override
        public SortedMap<String, String> currentPolicies(TenantId tenant) {
            return cached(key(Query.CURRENT_POLICIES, Set.of(tenant), ""),
                () -> Collections.unmodifiableSortedMap(new TreeMap<>(storage.currentPolicies(tenant))));
        }

        @Override
        public List<PolicyRow> policyHistory(TenantId tenant, String scope) {
            return storage.policyHistory(tenant, scope);
        }
    }

    private final class CachedLifecycle implements LifecycleStorage {
        private final LifecycleStorage storage;

        CachedLifecycle(LifecycleStorage storage) {
            this.storage = storage;
        }

        @Override
        public boolean insertCa(TenantId tenant, CaRow ca) {
            return forgetting(storage.insertCa(tenant, ca), StorageChange.tenant(tenant));
        }

        @Override
        public Optional<CaRow> ca(TenantId tenant) {
            return cached(key(Query.CA, Set.of(tenant), ""), () -> storage.ca(tenant));
        }

        @Override
        public boolean updateCaSettings(TenantId tenant, String settings) {
            return forgetting(storage.updateCaSettings(tenant, settings), StorageChange.tenant(tenant));
        }

        @Override
        public List<TenantId> tenantsWithCa() {
            return storage.tenantsWithCa();
        }

        @Override
        public void addIssued(TenantId tenant, IssuedRow row) {
            storage.addIssued(tenant, row);
        }

        @Override
        public Optional<IssuedRow> issued(TenantId tenant, String kind, String id) {
            return storage.issued(tenant, kind, id);
        }

        @Override
        public List<IssuedRow> issued(TenantId tenant, Optional<String> address) {
            return storage.issued(tenant, address);
        }

        @Override
        public List<IssuedRow> activeExpiringBefore(TenantId tenant, Instant before) {
            return storage.activeExpiringBefore(tenant, before);
        }

        @Override
        public List<IssuedRow> revoked(TenantId tenant, String kind) {
            return storage.revoked(tenant, kind);
        }

        @Override
        public boolean markRevoked(TenantId tenant, String kind, String id, Instant at, int reasonCode) {
            return storage.markRevoked(tenant, kind, id, at, reasonCode);
        }

        @Override
        public boolean markSuperseded(TenantId tenant, String kind, String id, String renewedBy) {
            return storage.markSuperseded(tenant, kind, id, renewedBy);
        }

        @Override
        public boolean putCrl(TenantId tenant, CrlRow crl) {
            return storage.putCrl(tenant, crl);
        }

        @Override
        public Optional<CrlRow> crl(TenantId tenant) {
            return storage.crl(tenant);
        }

        @Override
        public <T> T withIssuanceLock(TenantId tenant, String kind, String address, Supplier<T> work) {
            return storage.withIssuanceLock(tenant, kind, address, work);
        }
    }

    /** The TLS policy of one recipient domain is asked for every recipient of every mail (RecipientRequiresTls). */
    private final class CachedTlsPolicies implements TlsPolicyStorage {
        private final TlsPolicyStorage storage;

        CachedTlsPolicies(TlsPolicyStorage storage) {
            this.storage = storage;
        }

        @Override
        public void putTlsPolicy(TenantId tenant, String domain, String policy, Instant updatedAt) {
            storage.putTlsPolicy(tenant, domain, policy, updatedAt);
            forget(StorageChange.tenant(tenant));
        }

        @Override
        public Optional<String> tlsPolicy(TenantId tenant, String domain) {
            return cached(key(Query.TLS_POLICY, Set.of(tenant), domain), () -> storage.tlsPolicy(tenant, domain));
        }

        @Override
        public SortedMap<String, String> tlsPolicies(TenantId tenant) {
            return storage.tlsPolicies(tenant);
        }

        @Override
        public boolean deleteTlsPolicy(TenantId tenant, String domain) {
            return forgetting(storage.deleteTlsPolicy(tenant, domain), StorageChange.tenant(tenant));
        }
    }
}
