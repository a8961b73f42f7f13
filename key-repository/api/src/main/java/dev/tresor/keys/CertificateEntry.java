package dev.tresor.keys;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** A certificate in one tenant's vault, with what the vault knows about it. Immutable. */
public final class CertificateEntry {
    private final TenantId tenant;
    private final Fingerprint fingerprint;
    private final X509Certificate certificate;
    private final List<X509Certificate> chain;
    private final Set<EmailAddress> addresses;
    private final boolean canEncrypt;
    private final boolean canSign;
    private final Origin origin;
    private final KeyStatus status;
    private final Instant addedAt;

    public CertificateEntry(TenantId tenant, Fingerprint fingerprint, X509Certificate certificate, List<X509Certificate> chain,
                            Set<EmailAddress> addresses, boolean canEncrypt, boolean canSign, Origin origin, KeyStatus status,
                            Instant addedAt) {
        this.tenant = Objects.requireNonNull(tenant);
        this.fingerprint = Objects.requireNonNull(fingerprint);
        this.certificate = Objects.requireNonNull(certificate);
        this.chain = List.copyOf(chain);
        this.addresses = Set.copyOf(addresses);
        this.canEncrypt = canEncrypt;
        this.canSign = canSign;
        this.origin = Objects.requireNonNull(origin);
        this.status = Objects.requireNonNull(status);
        this.addedAt = Objects.requireNonNull(addedAt);
    }

    public TenantId tenant() {
        return tenant;
    }

    public Fingerprint fingerprint() {
        return fingerprint;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The issuers of the certificate, nearest first, as imported (without the certificate itself). */
    public List<X509Certificate> chain() {
        return chain;
    }

    public Set<EmailAddress> addresses() {
        return addresses;
    }

    public boolean canEncrypt() {
        return canEncrypt;
    }

    public boolean canSign() {
        return canSign;
    }

    public Origin origin() {
        return origin;
    }

    public KeyStatus status() {
        return status;
    }

    public Instant addedAt() {
        return addedAt;
    }

    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** Active and within its validity period: may be chosen to encrypt or sign. */
    public boolean isUsableAt(Instant now) {
        return status == KeyStatus.ACTIVE && !now.isBefore(notBefore()) && !now.isAfter(notAfter());
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof CertificateEntry) {
            CertificateEntry that = (CertificateEntry) o;
            return tenant.equals(that.tenant) && fingerprint.equals(that.fingerprint) && status == that.status
                && origin == that.origin;
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, fingerprint, status, origin);
    }

    @Override
    public String toString() {
        return "CertificateEntry[" + tenant + ", " + fingerprint + ", " + certificate.getSubjectX500Principal().getName()
            + ", " + status + ", " + origin + "]";
    }
}
