package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.TenantId;

/**
 * Certificates, searchable by address, issuer and serial, and subject key identifier.
 * One of the vaults of a {@link KeyStorage}, under its rules.
 */
public interface CertificateStorage {
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
}
