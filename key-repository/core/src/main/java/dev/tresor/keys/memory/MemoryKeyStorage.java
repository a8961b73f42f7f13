package dev.tresor.keys.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.AuditRecord;
import dev.tresor.keys.spi.AuditStorage;
import dev.tresor.keys.spi.CertificateRecord;
import dev.tresor.keys.spi.CertificateStorage;
import dev.tresor.keys.spi.IssuanceLocks;
import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.LifecycleStorage;
import dev.tresor.keys.spi.PdfPasswordStorage;
import dev.tresor.keys.spi.PgpKeyRecord;
import dev.tresor.keys.spi.PgpKeyStorage;
import dev.tresor.keys.spi.PolicyStorage;
import dev.tresor.keys.spi.PrivateKeyStorage;
import dev.tresor.keys.spi.TenantStorage;
import dev.tresor.keys.spi.TlsPolicyStorage;
import dev.tresor.keys.spi.TrustAnchorStorage;

/**
 * Keys in memory, for tests and trials: everything is lost when the JVM stops. Thread-safe by one lock per instance,
 * which is plenty for what it is for.
 *
 * <p>One class serves every vault: all of them hang off one map of tenants under that one lock, so a vault of its own
 * would only forward to it. A new vault is one more interface, its methods and its accessor here.
 *
 * <p>The one exception to the one lock is {@link #withIssuanceLock}: its work calls back into this storage and may take
 * long (generating a key), so it holds a lock of its own key ({@link IssuanceLocks}), never the instance's.
 */
public final class MemoryKeyStorage implements KeyStorage, TenantStorage, CertificateStorage, PrivateKeyStorage,
    PgpKeyStorage, TrustAnchorStorage, PdfPasswordStorage, TlsPolicyStorage, PolicyStorage, AuditStorage,
    LifecycleStorage {

    private static final class Vault {
        final Map<Fingerprint, CertificateRecord> certificates = new TreeMap<>();
        final Map<Fingerprint, byte[]> privateKeys = new HashMap<>();
        final Map<PgpFingerprint, PgpKeyRecord> pgpKeys = new TreeMap<>();
        final Map<PgpFingerprint, byte[]> pgpSecretKeys = new HashMap<>();
        final Map<Fingerprint, byte[]> trustAnchors = new TreeMap<>();

        PgpKeyRecord read(PgpKeyRecord key) {
            return key.withSecretKey(pgpSecretKeys.containsKey(key.fingerprint()));
        }
        final Map<String, byte[]> pdfPasswords = new HashMap<>();
        final SortedMap<String, String> tlsPolicies = new TreeMap<>();
        final Map<String, List<PolicyRow>> policies = new TreeMap<>();
        final List<AuditRecord> audit = new ArrayList<>();
        Optional<CaRow> ca = Optional.empty();
        /** The register by kind and id. */
        final Map<List<String>, IssuedRow> issued = new HashMap<>();
        Optional<CrlRow> crl = Optional.empty();
    }

    private static final Comparator<IssuedRow> BY_KIND_AND_ID = Comparator.comparing(IssuedRow::kind)
        .thenComparing(IssuedRow::id);

    private final Map<TenantId, Vault> vaults = new TreeMap<>();
    private final Map<String, TenantId> domains = new HashMap<>();
    private final Map<TenantId, Set<TenantId>> grantorsByGrantee = new HashMap<>();
    private long nextAuditId = 1;
    private final IssuanceLocks issuanceLocks = new IssuanceLocks();

    @Override
    public TenantStorage tenants() {
        return this;
    }

    @Override
    public CertificateStorage certificates() {
        return this;
    }

    @Override
    public PrivateKeyStorage privateKeys() {
        return this;
    }

    @Override
    public PgpKeyStorage pgpKeys() {
        return this;
    }

    @Override
    public TrustAnchorStorage trustAnchors() {
        return this;
    }

    @Override
    public PdfPasswordStorage pdfPasswords() {
        return this;
    }

    @Override
    public TlsPolicyStorage tlsPolicies() {
        return this;
    }

    @Override
    public PolicyStorage policies() {
        return this;
    }

    @Override
    public AuditStorage audit() {
        return this;
    }

    @Override
    public LifecycleStorage lifecycle() {
        return this;
    }

    @Override
    public synchronized boolean createTenant(TenantId tenant, Instant createdAt) {
        return vaults.putIfAbsent(tenant, new Vault()) == null;
    }

    @Override
    public synchronized boolean tenantExists(TenantId tenant) {
        return vaults.containsKey(tenant);
    }

    @Override
    public synchronized List<TenantId> allTenants() {
        return List.copyOf(vaults.keySet());
    }

    @Override
    public synchronized TenantId mapDomain(String domain, TenantId tenant) {
        TenantId owner = domains.get(domain);
        if (owner != null) {
            return owner;
        }
        vault(tenant);
        domains.put(domain, tenant);
        return tenant;
    }

    @Override
    public synchronized boolean moveDomain(String domain, TenantId from, TenantId to) {
        vault(to);
        if (!from.equals(domains.get(domain))) {
            return false;
        }
        domains.put(domain, to);
        return true;
    }

    @Override
    public synchronized boolean unmapDomain(String domain) {
        return domains.remove(domain) != null;
    }

    @Override
    public synchronized Optional<TenantId> tenantOfDomain(String domain) {
        return Optional.ofNullable(domains.get(domain));
    }

    @Override
    public synchronized List<String> domainsOf(TenantId tenant) {
        return domains.entrySet().stream()
            .filter(entry -> entry.getValue().equals(tenant))
            .map(Map.Entry::getKey)
            .sorted()
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized void grant(TenantId grantor, TenantId grantee) {
        vault(grantor);
        vault(grantee);
        grantorsByGrantee.computeIfAbsent(grantee, any -> new HashSet<>()).add(grantor);
    }

    @Override
    public synchronized boolean revokeGrant(TenantId grantor, TenantId grantee) {
        Set<TenantId> grantors = grantorsByGrantee.get(grantee);
        return grantors != null && grantors.remove(grantor);
    }

    @Override
    public synchronized Set<TenantId> grantorsOf(TenantId grantee) {
        return Set.copyOf(grantorsByGrantee.getOrDefault(grantee, Set.of()));
    }

    @Override
    public synchronized Set<TenantId> granteesOf(TenantId grantor) {
        return grantorsByGrantee.entrySet().stream()
            .filter(entry -> entry.getValue().contains(grantor))
            .map(Map.Entry::getKey)
            .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public synchronized boolean insertCertificate(CertificateRecord certificate) {
        return vault(certificate.tenant()).certificates.putIfAbsent(certificate.fingerprint(), certificate) == null;
    }

    @Override
    public synchronized Optional<CertificateRecord> certificate(TenantId tenant, Fingerprint fingerprint) {
        return existingVault(tenant).map(vault -> vault.certificates.get(fingerprint));
    }

    @Override
    public synchronized List<CertificateRecord> certificatesByAddress(Collection<TenantId> tenants, String address) {
        return tenants.stream()
            .distinct()
            .flatMap(tenant -> existingVault(tenant).stream())
            .flatMap(vault -> vault.certificates.values().stream())
            .filter(certificate -> certificate.addresses().contains(address))
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized List<CertificateRecord> certificatesByIssuerAndSerial(TenantId tenant, String issuer, String serialNumber) {
        return certificatesOf(tenant).stream()
            .filter(certificate -> certificate.issuer().equals(issuer) && certificate.serialNumber().equals(serialNumber))
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized List<CertificateRecord> certificatesBySubjectKeyIdentifier(TenantId tenant, String subjectKeyIdentifier) {
        return certificatesOf(tenant).stream()
            .filter(certificate -> certificate.subjectKeyIdentifier().equals(Optional.of(subjectKeyIdentifier)))
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized List<CertificateRecord> certificates(TenantId tenant, Optional<Fingerprint> after, int limit) {
        return certificatesOf(tenant).stream()
            .filter(certificate -> after.map(start -> certificate.fingerprint().compareTo(start) > 0).orElse(true))
            .limit(limit)
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized boolean updateCertificateStatus(TenantId tenant, Fingerprint fingerprint, KeyStatus status) {
        return existingVault(tenant)
            .map(vault -> vault.certificates.computeIfPresent(fingerprint, (any, certificate) -> certificate.withStatus(status)) != null)
            .orElse(false);
    }

    @Override
    public synchronized List<CertificateRecord> certificatesWithPrivateKeyExpiringBefore(Instant before, int limit) {
        return vaults.values().stream()
            .flatMap(vault -> vault.certificates.values().stream().filter(certificate -> vault.privateKeys.containsKey(certificate.fingerprint())))
            .filter(certificate -> certificate.notAfter().isBefore(before))
            .sorted(Comparator.comparing(CertificateRecord::notAfter))
            .limit(limit)
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized void putPrivateKey(TenantId tenant, Fingerprint certificate, byte[] protectedBlob) {
        Vault vault = vault(tenant);
        if (!vault.certificates.containsKey(certificate)) {
            throw new IllegalArgumentException("Tenant '" + tenant + "' holds no certificate " + certificate);
        }
        vault.privateKeys.put(certificate, protectedBlob.clone());
    }

    @Override
    public synchronized Optional<byte[]> privateKey(TenantId tenant, Fingerprint certificate) {
        return existingVault(tenant).map(vault -> vault.privateKeys.get(certificate)).map(byte[]::clone);
    }

    @Override
    public synchronized boolean insertPgpKey(PgpKeyRecord key) {
        return vault(key.tenant()).pgpKeys.putIfAbsent(key.fingerprint(), key.withSecretKey(false)) == null;
    }

    @Override
    public synchronized boolean updatePgpKey(PgpKeyRecord key) {
        return existingVault(key.tenant())
            .map(vault -> vault.pgpKeys.computeIfPresent(key.fingerprint(), (any, stored) -> key.withSecretKey(false)) != null)
            .orElse(false);
    }

    @Override
    public synchronized Optional<PgpKeyRecord> pgpKey(TenantId tenant, PgpFingerprint fingerprint) {
        return existingVault(tenant).flatMap(vault -> Optional.ofNullable(vault.pgpKeys.get(fingerprint)).map(vault::read));
    }

    @Override
    public synchronized List<PgpKeyRecord> pgpKeys(TenantId tenant, Optional<PgpFingerprint> after, int limit) {
        return existingVault(tenant).stream()
            .flatMap(vault -> vault.pgpKeys.values().stream().map(vault::read))
            .filter(key -> after.map(start -> key.fingerprint().compareTo(start) > 0).orElse(true))
            .limit(limit)
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized List<PgpKeyRecord> pgpKeysByAddress(Collection<TenantId> tenants, String address) {
        return tenants.stream()
            .distinct()
            .flatMap(tenant -> existingVault(tenant).stream())
            .flatMap(vault -> vault.pgpKeys.values().stream().map(vault::read))
            .filter(key -> key.addresses().contains(address))
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized List<PgpKeyRecord> pgpKeysByKeyId(TenantId tenant, long keyId) {
        return existingVault(tenant).stream()
            .flatMap(vault -> vault.pgpKeys.values().stream().map(vault::read))
            .filter(key -> key.keyIds().contains(keyId))
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized boolean updatePgpKeyStatus(TenantId tenant, PgpFingerprint fingerprint, KeyStatus status) {
        return existingVault(tenant)
            .map(vault -> vault.pgpKeys.computeIfPresent(fingerprint, (any, key) -> key.withStatus(status)) != null)
            .orElse(false);
    }

    @Override
    public synchronized void putPgpSecretKey(TenantId tenant, PgpFingerprint fingerprint, byte[] protectedBlob) {
        Vault vault = vault(tenant);
        if (!vault.pgpKeys.containsKey(fingerprint)) {
            throw new IllegalArgumentException("Tenant '" + tenant + "' holds no OpenPGP key " + fingerprint);
        }
        vault.pgpSecretKeys.put(fingerprint, protectedBlob.clone());
    }

    @Override
    public synchronized Optional<byte[]> pgpSecretKey(TenantId tenant, PgpFingerprint fingerprint) {
        return existingVault(tenant).map(vault -> vault.pgpSecretKeys.get(fingerprint)).map(byte[]::clone);
    }

    @Override
    public synchronized boolean insertTrustAnchor(TenantId tenant, Fingerprint fingerprint, byte[] der, Instant addedAt) {
        return vault(tenant).trustAnchors.putIfAbsent(fingerprint, der.clone()) == null;
    }

    @Override
    public synchronized List<byte[]> trustAnchors(TenantId tenant) {
        return existingVault(tenant)
            .map(vault -> vault.trustAnchors.values().stream().map(byte[]::clone).collect(Collectors.toUnmodifiableList()))
            .orElse(List.of());
    }

    @Override
    public synchronized boolean deleteTrustAnchor(TenantId tenant, Fingerprint fingerprint) {
        return existingVault(tenant).map(vault -> vault.trustAnchors.remove(fingerprint) != null).orElse(false);
    }

    @Override
    public synchronized void putPdfPassword(TenantId tenant, String address, byte[] protectedBlob, Instant updatedAt) {
        vault(tenant).pdfPasswords.put(address, protectedBlob.clone());
    }

    @Override
    public synchronized Optional<byte[]> pdfPassword(TenantId tenant, String address) {
        return existingVault(tenant).map(vault -> vault.pdfPasswords.get(address)).map(byte[]::clone);
    }

    @Override
    public synchronized boolean deletePdfPassword(TenantId tenant, String address) {
        return existingVault(tenant).map(vault -> vault.pdfPasswords.remove(address) != null).orElse(false);
    }

    @Override
    public synchronized int appendPolicy(TenantId tenant, String scope, Optional<String> settings, Instant changedAt,
                                         String changedBy) {
        List<PolicyRow> versions = vault(tenant).policies.computeIfAbsent(scope, any -> new ArrayList<>());
        int version = versions.size() + 1;
        versions.add(new PolicyRow(scope, version, settings, changedAt, changedBy));
        return version;
    }

    @Override
    public synchronized SortedMap<String, String> currentPolicies(TenantId tenant) {
        SortedMap<String, String> current = new TreeMap<>();
        existingVault(tenant).ifPresent(vault -> vault.policies.forEach((scope, versions) ->
            versions.get(versions.size() - 1).settings().ifPresent(settings -> current.put(scope, settings))));
        return current;
    }

    @Override
    public synchronized List<PolicyRow> policyHistory(TenantId tenant, String scope) {
        List<PolicyRow> history = new ArrayList<>(existingVault(tenant)
            .map(vault -> vault.policies.getOrDefault(scope, List.of())).orElse(List.of()));
        Collections.reverse(history);
        return history;
    }

    @Override
    public synchronized void putTlsPolicy(TenantId tenant, String domain, String policy, Instant updatedAt) {
        vault(tenant).tlsPolicies.put(domain, policy);
    }

    @Override
    public synchronized Optional<String> tlsPolicy(TenantId tenant, String domain) {
        return existingVault(tenant).map(vault -> vault.tlsPolicies.get(domain));
    }

    @Override
    public synchronized SortedMap<String, String> tlsPolicies(TenantId tenant) {
        return existingVault(tenant).<SortedMap<String, String>>map(vault -> new TreeMap<>(vault.tlsPolicies))
            .orElseGet(TreeMap::new);
    }

    @Override
    public synchronized boolean deleteTlsPolicy(TenantId tenant, String domain) {
        return existingVault(tenant).map(vault -> vault.tlsPolicies.remove(domain) != null).orElse(false);
    }

    @Override
    public synchronized void appendAudit(AuditRecord record) {
        vault(record.tenant()).audit.add(record.withId(nextAuditId++));
    }

    @Override
    public synchronized void appendAudits(List<AuditRecord> records) {
        records.forEach(record -> vault(record.tenant()));
        records.forEach(this::appendAudit);
    }

    @Override
    public synchronized List<AuditRecord> audit(TenantId tenant, Instant from, Instant to, int limit) {
        return existingVault(tenant).stream()
            .flatMap(vault -> vault.audit.stream())
            .filter(record -> !record.time().isBefore(from) && record.time().isBefore(to))
            .sorted(Comparator.comparing(AuditRecord::time).thenComparing(AuditRecord::id).reversed())
            .limit(limit)
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized boolean insertCa(TenantId tenant, CaRow ca) {
        Vault vault = vault(tenant);
        if (vault.ca.isPresent()) {
            return false;
        }
        vault.ca = Optional.of(ca);
        return true;
    }

    @Override
    public synchronized Optional<CaRow> ca(TenantId tenant) {
        return existingVault(tenant).flatMap(vault -> vault.ca);
    }

    @Override
    public synchronized boolean updateCaSettings(TenantId tenant, String settings) {
        Optional<Vault> vault = existingVault(tenant).filter(any -> any.ca.isPresent());
        vault.ifPresent(present -> present.ca = present.ca.map(ca -> new CaRow(ca.certificate(), ca.chain(),
            ca.protectedKey(), settings, ca.generated(), ca.createdAt())));
        return vault.isPresent();
    }

    @Override
    public synchronized List<TenantId> tenantsWithCa() {
        return vaults.entrySet().stream()
            .filter(entry -> entry.getValue().ca.isPresent())
            .map(Map.Entry::getKey)
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public synchronized void addIssued(TenantId tenant, IssuedRow row) {
        IssuedRow present = vault(tenant).issued.putIfAbsent(List.of(row.kind(), row.id()), row);
        if (present != null) {
            throw new IllegalStateException("Tenant '" + tenant + "' has issued " + row.kind() + " key " + row.id()
                + " already");
        }
    }

    @Override
    public synchronized Optional<IssuedRow> issued(TenantId tenant, String kind, String id) {
        return existingVault(tenant).map(vault -> vault.issued.get(List.of(kind, id)));
    }

    @Override
    public synchronized List<IssuedRow> issued(TenantId tenant, Optional<String> address) {
        return issuedWhere(tenant, row -> address.map(row.address()::equals).orElse(true),
            Comparator.comparing(IssuedRow::issuedAt));
    }

    @Override
    public synchronized List<IssuedRow> activeExpiringBefore(TenantId tenant, Instant before) {
        return issuedWhere(tenant, row -> row.status().equals(KeyStatus.ACTIVE.name()) && row.notAfter().isBefore(before),
            Comparator.comparing(IssuedRow::notAfter));
    }

    @Override
    public synchronized List<IssuedRow> revoked(TenantId tenant, String kind) {
        return issuedWhere(tenant, row -> row.kind().equals(kind) && row.status().equals(KeyStatus.REVOKED.name()),
            Comparator.comparing(row -> row.revokedAt().orElse(Instant.MAX)));
    }

    @Override
    public synchronized boolean markRevoked(TenantId tenant, String kind, String id, Instant at, int reasonCode) {
        return replaceIssued(tenant, kind, id, row -> !row.status().equals(KeyStatus.REVOKED.name()),
            row -> new IssuedRow(row.kind(), row.id(), row.address(), row.fingerprint(), row.issuedAt(), row.notAfter(),
                KeyStatus.REVOKED.name(), Optional.of(at), Optional.of(reasonCode), row.renewedBy()));
    }

    @Override
    public synchronized boolean markSuperseded(TenantId tenant, String kind, String id, String renewedBy) {
        return replaceIssued(tenant, kind, id, row -> row.status().equals(KeyStatus.ACTIVE.name()),
            row -> new IssuedRow(row.kind(), row.id(), row.address(), row.fingerprint(), row.issuedAt(), row.notAfter(),
                KeyStatus.SUPERSEDED.name(), row.revokedAt(), row.reasonCode(), Optional.of(renewedBy)));
    }

    @Override
    public synchronized boolean putCrl(TenantId tenant, CrlRow crl) {
        Vault vault = vault(tenant);
        if (vault.crl.map(stored -> stored.number() >= crl.number()).orElse(false)) {
            return false;
        }
        vault.crl = Optional.of(crl);
        return true;
    }

    @Override
    public synchronized Optional<CrlRow> crl(TenantId tenant) {
        return existingVault(tenant).flatMap(vault -> vault.crl);
    }

    /** Holds the key's lock, not this instance's: {@code work} comes back here, and other keys go on meanwhile. */
    @Override
    public <T> T withIssuanceLock(TenantId tenant, String kind, String address, Supplier<T> work) {
        if (!tenantExists(tenant)) {
            throw new UnknownTenantException(tenant);
        }
        return issuanceLocks.withLock(tenant, kind, address, work);
    }

    private List<IssuedRow> issuedWhere(TenantId tenant, Predicate<IssuedRow> filter,
                                        Comparator<IssuedRow> order) {
        return existingVault(tenant).stream()
            .flatMap(vault -> vault.issued.values().stream())
            .filter(filter)
            .sorted(order.thenComparing(BY_KIND_AND_ID))
            .collect(Collectors.toUnmodifiableList());
    }

    private boolean replaceIssued(TenantId tenant, String kind, String id, Predicate<IssuedRow> when,
                                  UnaryOperator<IssuedRow> change) {
        Optional<Vault> vault = existingVault(tenant);
        Optional<IssuedRow> row = vault.map(present -> present.issued.get(List.of(kind, id))).filter(when);
        row.ifPresent(present -> vault.orElseThrow().issued.put(List.of(kind, id), change.apply(present)));
        return row.isPresent();
    }

    private List<CertificateRecord> certificatesOf(TenantId tenant) {
        return existingVault(tenant).map(vault -> List.copyOf(vault.certificates.values())).orElse(List.of());
    }

    private Vault vault(TenantId tenant) {
        return existingVault(tenant).orElseThrow(() -> new UnknownTenantException(tenant));
    }

    private Optional<Vault> existingVault(TenantId tenant) {
        return Optional.ofNullable(vaults.get(tenant));
    }

    @Override
    public String toString() {
        return "MemoryKeyStorage" + Arrays.toString(vaults.keySet().toArray());
    }
}
