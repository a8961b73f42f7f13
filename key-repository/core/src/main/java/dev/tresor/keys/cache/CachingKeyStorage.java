package dev.tresor.keys.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.spi.AuditRecord;
import dev.tresor.keys.spi.CertificateRecord;
import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.PgpKeyRecord;
import dev.tresor.keys.spi.StorageChange;
import dev.tresor.keys.spi.StorageChangeObserver;

/**
 * Keeps the answers of the queries on every outgoing mail's path (certificates and OpenPGP keys by recipient address,
 * federation grantors, the tenant a domain is mapped to) for a bounded time, in front of any {@link KeyStorage}.
 *
 * <p>Staleness is bounded, never open-ended:
 * <ul>
 *     <li>a write through this node (import, status change, grant, revoke, domain mapping) empties the cache at once,
 *     so this node never serves an answer older than its own last write;</li>
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
 *
 * <p>Everything else (private keys, passwords, audit, administration reads) goes straight to storage.
 */
public final class CachingKeyStorage implements KeyStorage, StorageChangeObserver {
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
    private static final int MAX_ENTRIES = 100_000;

    /** Which query, for which tenants, about which address or domain. */
    private static final class Key {
        final String query;
        final Set<TenantId> tenants;
        final String subject;

        Key(String query, Set<TenantId> tenants, String subject) {
            this.query = query;
            this.tenants = tenants;
            this.subject = subject;
        }

        boolean concernsDomain(String domain) {
            return query.equals(DOMAIN) && subject.equals(domain);
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Key)) {
                return false;
            }
            Key other = (Key) o;
            return query.equals(other.query) && tenants.equals(other.tenants) && subject.equals(other.subject);
        }

        @Override
        public int hashCode() {
            return Objects.hash(query, tenants, subject);
        }
    }

    private static final String DOMAIN = "domain";

    private static final class Entry<T> {
        final T value;
        final long expiresAt;

        Entry(T value, long expiresAt) {
            this.value = value;
            this.expiresAt = expiresAt;
        }
    }

    private final KeyStorage delegate;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Map<Key, Entry<?>> cache = new ConcurrentHashMap<>();
    /** Counts invalidations, so that a lookup can tell whether one overlapped it. */
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean reusable = true;

    private CachingKeyStorage(KeyStorage delegate, Duration ttl, LongSupplier nanoTime) {
        this.delegate = Objects.requireNonNull(delegate);
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("Cache TTL must not be negative: " + ttl);
        }
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    public static CachingKeyStorage wrap(KeyStorage delegate, Duration ttl) {
        return new CachingKeyStorage(delegate, ttl, System::nanoTime);
    }

    static CachingKeyStorage wrap(KeyStorage delegate, Duration ttl, LongSupplier nanoTime) {
        return new CachingKeyStorage(delegate, ttl, nanoTime);
    }

    public KeyStorage delegate() {
        return delegate;
    }

    @Override
    public List<CertificateRecord> certificatesByAddress(Collection<TenantId> tenants, String address) {
        return cached(new Key("address", Set.copyOf(tenants), address), () -> delegate.certificatesByAddress(tenants, address));
    }

    @Override
    public List<PgpKeyRecord> pgpKeysByAddress(Collection<TenantId> tenants, String address) {
        return cached(new Key("pgp address", Set.copyOf(tenants), address), () -> delegate.pgpKeysByAddress(tenants, address));
    }

    @Override
    public Set<TenantId> grantorsOf(TenantId grantee) {
        return cached(new Key("grantors", Set.of(grantee), ""), () -> delegate.grantorsOf(grantee));
    }

    @Override
    public Optional<TenantId> tenantOfDomain(String domain) {
        return cached(new Key(DOMAIN, Set.of(), domain), () -> delegate.tenantOfDomain(domain));
    }

    // what other nodes changed

    @Override
    public void changed(StorageChange change) {
        generation.incrementAndGet();
        switch (change.kind()) {
            case TENANT:
                TenantId tenant = TenantId.of(change.subject());
                cache.keySet().removeIf(key -> key.tenants.contains(tenant));
                break;
            case DOMAIN:
                cache.keySet().removeIf(key -> key.concernsDomain(change.subject()));
                break;
            default:
                cache.clear();
        }
    }

    @Override
    public void changesMayBeMissed() {
        reusable = false;
        invalidateAll();
    }

    @Override
    public void changesFollowed() {
        invalidateAll();
        reusable = true;
    }

    /** Whether answers are kept at all: not while changes of other nodes may go unheard. */
    public boolean reusesAnswers() {
        return reusable && ttlNanos > 0;
    }

    @SuppressWarnings("unchecked")
    private <T> T cached(Key key, Supplier<T> load) {
        if (!reusesAnswers()) {
            return load.get();
        }
        long now = nanoTime.getAsLong();
        Entry<?> entry = cache.get(key);
        if (entry != null && entry.expiresAt - now > 0) {
            return (T) entry.value;
        }
        long before = generation.get();
        T value = load.get();
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        Entry<T> loaded = new Entry<>(value, now + ttlNanos);
        cache.put(key, loaded);
        // An invalidation that began after the put removes the entry itself; one that began during the load, here.
        if (generation.get() != before || !reusable) {
            cache.remove(key, loaded);
        }
        return value;
    }

    private void invalidateAll() {
        generation.incrementAndGet();
        cache.clear();
    }

    private <T> T invalidating(T result) {
        invalidateAll();
        return result;
    }

    // writes: through, then forget every cached answer

    @Override
    public boolean createTenant(TenantId tenant, Instant createdAt) {
        return invalidating(delegate.createTenant(tenant, createdAt));
    }

    @Override
    public TenantId mapDomain(String domain, TenantId tenant) {
        return invalidating(delegate.mapDomain(domain, tenant));
    }

    @Override
    public boolean moveDomain(String domain, TenantId from, TenantId to) {
        return invalidating(delegate.moveDomain(domain, from, to));
    }

    @Override
    public boolean unmapDomain(String domain) {
        return invalidating(delegate.unmapDomain(domain));
    }

    @Override
    public void grant(TenantId grantor, TenantId grantee) {
        delegate.grant(grantor, grantee);
        invalidateAll();
    }

    @Override
    public boolean revokeGrant(TenantId grantor, TenantId grantee) {
        return invalidating(delegate.revokeGrant(grantor, grantee));
    }

    @Override
    public boolean insertCertificate(CertificateRecord certificate) {
        return invalidating(delegate.insertCertificate(certificate));
    }

    @Override
    public int insertCertificates(List<CertificateRecord> certificates) {
        return invalidating(delegate.insertCertificates(certificates));
    }

    @Override
    public boolean updateCertificateStatus(TenantId tenant, Fingerprint fingerprint, KeyStatus status) {
        return invalidating(delegate.updateCertificateStatus(tenant, fingerprint, status));
    }

    @Override
    public boolean insertPgpKey(PgpKeyRecord key) {
        return invalidating(delegate.insertPgpKey(key));
    }

    @Override
    public boolean updatePgpKey(PgpKeyRecord key) {
        return invalidating(delegate.updatePgpKey(key));
    }

    @Override
    public boolean updatePgpKeyStatus(TenantId tenant, PgpFingerprint fingerprint, KeyStatus status) {
        return invalidating(delegate.updatePgpKeyStatus(tenant, fingerprint, status));
    }

    /** The records found by address say whether a secret key is stored. */
    @Override
    public void putPgpSecretKey(TenantId tenant, PgpFingerprint fingerprint, byte[] protectedBlob) {
        delegate.putPgpSecretKey(tenant, fingerprint, protectedBlob);
        invalidateAll();
    }

    // everything else: straight through

    @Override
    public Optional<PgpKeyRecord> pgpKey(TenantId tenant, PgpFingerprint fingerprint) {
        return delegate.pgpKey(tenant, fingerprint);
    }

    @Override
    public List<PgpKeyRecord> pgpKeys(TenantId tenant, Optional<PgpFingerprint> after, int limit) {
        return delegate.pgpKeys(tenant, after, limit);
    }

    @Override
    public List<PgpKeyRecord> pgpKeysByKeyId(TenantId tenant, long keyId) {
        return delegate.pgpKeysByKeyId(tenant, keyId);
    }

    @Override
    public Optional<byte[]> pgpSecretKey(TenantId tenant, PgpFingerprint fingerprint) {
        return delegate.pgpSecretKey(tenant, fingerprint);
    }

    @Override
    public boolean tenantExists(TenantId tenant) {
        return delegate.tenantExists(tenant);
    }

    @Override
    public List<TenantId> tenants() {
        return delegate.tenants();
    }

    @Override
    public List<String> domainsOf(TenantId tenant) {
        return delegate.domainsOf(tenant);
    }

    @Override
    public Set<TenantId> granteesOf(TenantId grantor) {
        return delegate.granteesOf(grantor);
    }

    @Override
    public Optional<CertificateRecord> certificate(TenantId tenant, Fingerprint fingerprint) {
        return delegate.certificate(tenant, fingerprint);
    }

    @Override
    public List<CertificateRecord> certificatesByIssuerAndSerial(TenantId tenant, String issuer, String serialNumber) {
        return delegate.certificatesByIssuerAndSerial(tenant, issuer, serialNumber);
    }

    @Override
    public List<CertificateRecord> certificatesBySubjectKeyIdentifier(TenantId tenant, String subjectKeyIdentifier) {
        return delegate.certificatesBySubjectKeyIdentifier(tenant, subjectKeyIdentifier);
    }

    @Override
    public List<CertificateRecord> certificates(TenantId tenant, Optional<Fingerprint> after, int limit) {
        return delegate.certificates(tenant, after, limit);
    }

    @Override
    public List<CertificateRecord> certificatesWithPrivateKeyExpiringBefore(Instant before, int limit) {
        return delegate.certificatesWithPrivateKeyExpiringBefore(before, limit);
    }

    @Override
    public void putPrivateKey(TenantId tenant, Fingerprint certificate, byte[] protectedBlob) {
        delegate.putPrivateKey(tenant, certificate, protectedBlob);
    }

    @Override
    public Optional<byte[]> privateKey(TenantId tenant, Fingerprint certificate) {
        return delegate.privateKey(tenant, certificate);
    }

    @Override
    public boolean insertTrustAnchor(TenantId tenant, Fingerprint fingerprint, byte[] der, Instant addedAt) {
        return delegate.insertTrustAnchor(tenant, fingerprint, der, addedAt);
    }

    @Override
    public List<byte[]> trustAnchors(TenantId tenant) {
        return delegate.trustAnchors(tenant);
    }

    @Override
    public boolean deleteTrustAnchor(TenantId tenant, Fingerprint fingerprint) {
        return delegate.deleteTrustAnchor(tenant, fingerprint);
    }

    @Override
    public void putPdfPassword(TenantId tenant, String address, byte[] protectedBlob, Instant updatedAt) {
        delegate.putPdfPassword(tenant, address, protectedBlob, updatedAt);
    }

    @Override
    public Optional<byte[]> pdfPassword(TenantId tenant, String address) {
        return delegate.pdfPassword(tenant, address);
    }

    @Override
    public boolean deletePdfPassword(TenantId tenant, String address) {
        return delegate.deletePdfPassword(tenant, address);
    }

    @Override
    public void putTlsPolicy(TenantId tenant, String domain, String policy, Instant updatedAt) {
        delegate.putTlsPolicy(tenant, domain, policy, updatedAt);
    }

    @Override
    public Optional<String> tlsPolicy(TenantId tenant, String domain) {
        return delegate.tlsPolicy(tenant, domain);
    }

    @Override
    public SortedMap<String, String> tlsPolicies(TenantId tenant) {
        return delegate.tlsPolicies(tenant);
    }

    @Override
    public boolean deleteTlsPolicy(TenantId tenant, String domain) {
        return delegate.deleteTlsPolicy(tenant, domain);
    }

    @Override
    public AuditRecord appendAudit(AuditRecord record) {
        return delegate.appendAudit(record);
    }

    @Override
    public List<AuditRecord> audit(TenantId tenant, Instant from, Instant to, int limit) {
        return delegate.audit(tenant, from, to, limit);
    }
}
