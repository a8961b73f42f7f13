package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;

/**
 * What a storage backend (memory, JDBC on H2 or PostgreSQL) provides: tenant-scoped rows, no semantics. Selection
 * rules, validation, key protection and caching live above it, once for every backend.
 *
 * <p>Rules every implementation follows (pinned by {@code KeyStorageContract}; the semantics above it by {@code KeyRepositoryContract}):
 * <ul>
 *     <li>every read and write names its tenant(s); nothing ever returns a row of another tenant;</li>
 *     <li>writes to an unknown tenant throw {@link dev.tresor.keys.UnknownTenantException};</li>
 *     <li>byte arrays go in and come out as copies;</li>
 *     <li>secret material arrives already encrypted ({@code protectedBlob}); backends never see plaintext keys.</li>
 * </ul>
 */
public interface KeyStorage {

    // tenants and their domains

    /** @return false if the tenant already existed */
    boolean createTenant(TenantId tenant, Instant createdAt);

    boolean tenantExists(TenantId tenant);

    List<TenantId> tenants();

    /**
     * Maps a normalised domain that no tenant owns to {@code tenant}; never takes it from another tenant (that is
     * {@link #moveDomain}). Atomic: of two tenants mapping the same free domain at once, one gets it.
     *
     * @return the tenant owning the domain afterwards: {@code tenant}, or the other tenant that already had it
     * @throws dev.tresor.keys.UnknownTenantException if {@code tenant} does not exist and the domain is free
     */
    TenantId mapDomain(String domain, TenantId tenant);

    /**
     * Moves a normalised domain from the tenant that owns it to another one, only if {@code from} owns it at that
     * moment (compare and set).
     *
     * @return false, changing nothing, if {@code from} does not own the domain
     * @throws dev.tresor.keys.UnknownTenantException if {@code to} does not exist
     */
    boolean moveDomain(String domain, TenantId from, TenantId to);

    /** @return false if the domain was not mapped */
    boolean unmapDomain(String domain);

    Optional<TenantId> tenantOfDomain(String domain);

    List<String> domainsOf(TenantId tenant);

    // federation: grantee may read grantor's public certificates and keys

    void grant(TenantId grantor, TenantId grantee);

    /** @return false if there was no such grant */
    boolean revokeGrant(TenantId grantor, TenantId grantee);

    Set<TenantId> grantorsOf(TenantId grantee);

    Set<TenantId> granteesOf(TenantId grantor);

    // certificates

    /** @return false (and changes nothing) if the tenant already holds a certificate with this fingerprint */
    boolean insertCertificate(CertificateRecord certificate);

    /**
     * Inserts many certificates at once (each one's tenant must exist); those a tenant already holds are skipped.
     *
     * @return how many were inserted
     */
    default int insertCertificates(List<CertificateRecord> certificates) {
        int inserted = 0;
        for (CertificateRecord certificate : certificates) {
            if (insertCertificate(certificate)) {
                inserted++;
            }
        }
        return inserted;
    }

    Optional<CertificateRecord> certificate(TenantId tenant, Fingerprint fingerprint);

    /** Every certificate of any of these tenants that names this normalised address, whatever its status. */
    List<CertificateRecord> certificatesByAddress(Collection<TenantId> tenants, String address);

    /** Every certificate of the tenant with this issuer (canonical DN) and serial (lower-case hex). */
    List<CertificateRecord> certificatesByIssuerAndSerial(TenantId tenant, String issuer, String serialNumber);

    /** Every certificate of the tenant with this subject key identifier (lower-case hex). */
    List<CertificateRecord> certificatesBySubjectKeyIdentifier(TenantId tenant, String subjectKeyIdentifier);

    /** A page of the tenant's certificates ordered by fingerprint, starting after {@code after} when given. */
    List<CertificateRecord> certificates(TenantId tenant, Optional<Fingerprint> after, int limit);

    /** @return false if the tenant holds no such certificate */
    boolean updateCertificateStatus(TenantId tenant, Fingerprint fingerprint, KeyStatus status);

    /** Certificates of any tenant that hold a private key and expire before {@code before}, for health checks. */
    List<CertificateRecord> certificatesWithPrivateKeyExpiringBefore(Instant before, int limit);

    // private keys, one per certificate, encrypted by the key protection layer

    /** Stores or replaces the private key of a certificate the tenant holds. */
    void putPrivateKey(TenantId tenant, Fingerprint certificate, byte[] protectedBlob);

    Optional<byte[]> privateKey(TenantId tenant, Fingerprint certificate);

    // OpenPGP keys, their public key rings searchable by address and key id

    /** @return false (and changes nothing) if the tenant already holds a key with this fingerprint */
    boolean insertPgpKey(PgpKeyRecord key);

    /**
     * Replaces everything stored of a key the tenant holds (key ring, addresses, key ids, origin, status, added at)
     * but its secret key.
     *
     * @return false (and changes nothing) if the tenant holds no such key
     */
    boolean updatePgpKey(PgpKeyRecord key);

    Optional<PgpKeyRecord> pgpKey(TenantId tenant, PgpFingerprint fingerprint);

    /** A page of the tenant's keys ordered by fingerprint, starting after {@code after} when given. */
    List<PgpKeyRecord> pgpKeys(TenantId tenant, Optional<PgpFingerprint> after, int limit);

    /** Every key of any of these tenants that names this normalised address, whatever its status. */
    List<PgpKeyRecord> pgpKeysByAddress(Collection<TenantId> tenants, String address);

    /** Every key of the tenant whose primary key or one of whose subkeys has this key id. */
    List<PgpKeyRecord> pgpKeysByKeyId(TenantId tenant, long keyId);

    /** @return false if the tenant holds no such key */
    boolean updatePgpKeyStatus(TenantId tenant, PgpFingerprint fingerprint, KeyStatus status);

    /**
     * Stores or replaces the secret key ring of a key the tenant holds.
     *
     * @throws IllegalArgumentException when the tenant holds no such key
     */
    void putPgpSecretKey(TenantId tenant, PgpFingerprint fingerprint, byte[] protectedBlob);

    Optional<byte[]> pgpSecretKey(TenantId tenant, PgpFingerprint fingerprint);

    // trust anchors

    /** @return false if the tenant already trusts this certificate */
    boolean insertTrustAnchor(TenantId tenant, Fingerprint fingerprint, byte[] der, Instant addedAt);

    List<byte[]> trustAnchors(TenantId tenant);

    boolean deleteTrustAnchor(TenantId tenant, Fingerprint fingerprint);

    // PDF passwords per recipient, encrypted by the key protection layer

    void putPdfPassword(TenantId tenant, String address, byte[] protectedBlob, Instant updatedAt);

    Optional<byte[]> pdfPassword(TenantId tenant, String address);

    boolean deletePdfPassword(TenantId tenant, String address);

    // TLS policies per normalised recipient domain, in their one-line form (TlsPolicy#asString)

    void putTlsPolicy(TenantId tenant, String domain, String policy, Instant updatedAt);

    Optional<String> tlsPolicy(TenantId tenant, String domain);

    /** Every policy of the tenant, ordered by domain. */
    SortedMap<String, String> tlsPolicies(TenantId tenant);

    /** @return false if the tenant had no policy for the domain */
    boolean deleteTlsPolicy(TenantId tenant, String domain);

    // audit log

    /** @return the record with its assigned id */
    AuditRecord appendAudit(AuditRecord record);

    /** The tenant's records with {@code from <= time < to}, newest first, at most {@code limit}. */
    List<AuditRecord> audit(TenantId tenant, Instant from, Instant to, int limit);
}
