package dev.tresor.keys.repository;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.CertificateVault;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.Hex;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.RecipientId;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.CertificateRecord;
import dev.tresor.keys.spi.CertificateStorage;
import dev.tresor.keys.spi.TenantStorage;

final class StoredCertificateVault implements CertificateVault {
    /** Newest first: latest start of validity, then latest import, then fingerprint for a stable order. */
    static final Comparator<CertificateEntry> NEWEST_FIRST = Comparator.comparing(CertificateEntry::notBefore)
        .thenComparing(CertificateEntry::addedAt)
        .thenComparing(CertificateEntry::fingerprint)
        .reversed();

    private final CertificateStorage storage;
    private final TenantStorage tenants;
    private final CertificateRecords records;
    private final Clock clock;

    StoredCertificateVault(CertificateStorage storage, TenantStorage tenants, CertificateRecords records, Clock clock) {
        this.storage = storage;
        this.tenants = tenants;
        this.records = records;
        this.clock = clock;
    }

    @Override
    public CertificateEntry add(TenantId tenant, List<X509Certificate> chain, Origin origin) {
        requireTenant(tenant);
        CertificateRecord record = toRecord(tenant, chain, origin, clock.instant());
        storage.insertCertificate(record);
        return get(tenant, record.fingerprint()).orElseThrow();
    }

    @Override
    public int addAll(TenantId tenant, List<List<X509Certificate>> chains, Origin origin) {
        requireTenant(tenant);
        Instant now = clock.instant();
        List<CertificateRecord> batch = chains.stream()
            .map(chain -> toRecord(tenant, chain, origin, now))
            .collect(Collectors.toList());
        return storage.insertCertificates(batch);
    }

    private void requireTenant(TenantId tenant) {
        if (!tenants.tenantExists(tenant)) {
            throw new UnknownTenantException(tenant);
        }
    }

    private CertificateRecord toRecord(TenantId tenant, List<X509Certificate> chain, Origin origin, Instant now) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("No certificate given");
        }
        CertificateRecord record = records.toRecord(tenant, chain, origin, now);
        if (record.addresses().isEmpty()) {
            throw new IllegalArgumentException("Certificate '" + chain.get(0).getSubjectX500Principal().getName()
                + "' has no e-mail address (no rfc822Name in subjectAltName, no emailAddress in subject)");
        }
        return record;
    }

    @Override
    public Optional<CertificateEntry> get(TenantId tenant, Fingerprint fingerprint) {
        return storage.certificate(tenant, fingerprint).map(records::toEntry);
    }

    @Override
    public List<CertificateEntry> list(TenantId tenant, Optional<Fingerprint> after, int limit) {
        return toEntries(storage.certificates(tenant, after, limit).stream());
    }

    @Override
    public boolean setStatus(TenantId tenant, Fingerprint fingerprint, KeyStatus status) {
        return storage.updateCertificateStatus(tenant, fingerprint, status);
    }

    @Override
    public List<CertificateEntry> encryptionCertificates(TenantId tenant, EmailAddress recipient, SelectionPolicy policy) {
        Instant now = clock.instant();
        List<CertificateEntry> own = usable(List.of(tenant), recipient, now, CertificateEntry::canEncrypt);
        List<CertificateEntry> chosen = own.isEmpty()
            ? usable(List.copyOf(tenants.grantorsOf(tenant)), recipient, now, CertificateEntry::canEncrypt)
            : own;
        return policy == SelectionPolicy.NEWEST ? chosen.stream().limit(1).collect(Collectors.toUnmodifiableList()) : chosen;
    }

    /** Usable certificates of these tenants for this address, newest first. */
    List<CertificateEntry> usable(List<TenantId> tenants, EmailAddress address, Instant now, Predicate<CertificateEntry> purpose) {
        if (tenants.isEmpty()) {
            return List.of();
        }
        return storage.certificatesByAddress(tenants, address.asString()).stream()
            .map(records::toEntry)
            .filter(entry -> entry.isUsableAt(now))
            .filter(purpose)
            .sorted(NEWEST_FIRST)
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public List<CertificateEntry> find(TenantId tenant, RecipientId recipientId) {
        Stream<CertificateRecord> found = recipientId.subjectKeyIdentifier()
            .map(ski -> storage.certificatesBySubjectKeyIdentifier(tenant, Hex.encode(ski)).stream())
            .orElseGet(() -> storage.certificatesByIssuerAndSerial(tenant,
                CertificateRecords.issuer(recipientId.issuer().orElseThrow()),
                recipientId.serialNumber().orElseThrow().toString(16)).stream());
        return toEntries(found);
    }

    private List<CertificateEntry> toEntries(Stream<CertificateRecord> found) {
        return found.map(records::toEntry).collect(Collectors.toUnmodifiableList());
    }
}
