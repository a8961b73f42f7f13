package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;

/**
 * A certificate as a storage backend keeps it: the DER bytes plus the facts the lookups search by, computed once at
 * import. Backends store and return it as is; they never parse certificates.
 */
public final class CertificateRecord {
    private final TenantId tenant;
    private final Fingerprint fingerprint;
    private final byte[] der;
    private final List<byte[]> chain;
    private final Set<String> addresses;
    private final String issuer;
    private final String serialNumber;
    private final Optional<String> subjectKeyIdentifier;
    private final Instant notBefore;
    private final Instant notAfter;
    private final boolean canEncrypt;
    private final boolean canSign;
    private final Origin origin;
    private final KeyStatus status;
    private final Instant addedAt;

    /**
     * @param der           the certificate, DER
     * @param chain         its issuers (DER), nearest first, without the certificate itself
     * @param addresses     normalised e-mail addresses (see {@link dev.tresor.keys.EmailAddress#asString()})
     * @param issuer        the issuer DN in RFC 2253 canonical form ({@code X500Principal.CANONICAL})
     * @param serialNumber  the serial number, lower-case hex without leading zeros
     * @param subjectKeyIdentifier the subject key identifier extension, lower-case hex, if present
     */
    public CertificateRecord(TenantId tenant, Fingerprint fingerprint, byte[] der, List<byte[]> chain, Set<String> addresses,
                             String issuer, String serialNumber, Optional<String> subjectKeyIdentifier,
                             Instant notBefore, Instant notAfter, boolean canEncrypt, boolean canSign,
                             Origin origin, KeyStatus status, Instant addedAt) {
        this.tenant = Objects.requireNonNull(tenant);
        this.fingerprint = Objects.requireNonNull(fingerprint);
        this.der = der.clone();
        this.chain = chain.stream().map(byte[]::clone).collect(java.util.stream.Collectors.toUnmodifiableList());
        this.addresses = Set.copyOf(addresses);
        this.issuer = Objects.requireNonNull(issuer);
        this.serialNumber = Objects.requireNonNull(serialNumber);
        this.subjectKeyIdentifier = Objects.requireNonNull(subjectKeyIdentifier);
        this.notBefore = Objects.requireNonNull(notBefore);
        this.notAfter = Objects.requireNonNull(notAfter);
        this.canEncrypt = canEncrypt;
        this.canSign = canSign;
        this.origin = Objects.requireNonNull(origin);
        this.status = Objects.requireNonNull(status);
        this.addedAt = Objects.requireNonNull(addedAt);
    }

    public CertificateRecord withStatus(KeyStatus newStatus) {
        return new CertificateRecord(tenant, fingerprint, der, chain, addresses, issuer, serialNumber, subjectKeyIdentifier,
            notBefore, notAfter, canEncrypt, canSign, origin, newStatus, addedAt);
    }

    public TenantId tenant() {
        return tenant;
    }

    public Fingerprint fingerprint() {
        return fingerprint;
    }

    public byte[] der() {
        return der.clone();
    }

    public List<byte[]> chain() {
        return chain.stream().map(byte[]::clone).collect(java.util.stream.Collectors.toUnmodifiableList());
    }

    public Set<String> addresses() {
        return addresses;
    }

    public String issuer() {
        return issuer;
    }

    public String serialNumber() {
        return serialNumber;
    }

    public Optional<String> subjectKeyIdentifier() {
        return subjectKeyIdentifier;
    }

    public Instant notBefore() {
        return notBefore;
    }

    public Instant notAfter() {
        return notAfter;
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
}
