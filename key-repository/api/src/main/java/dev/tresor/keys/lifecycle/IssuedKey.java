package dev.tresor.keys.lifecycle;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.TenantId;

/**
 * One certificate or OpenPGP key Tresor issued to a local user, with where it stands: the register the tenant CA
 * answers OCSP and builds its CRL from, and the renewal job works through. Immutable.
 *
 * <p>{@link #id()} is the certificate's serial number (lower-case hex) for S/MIME, the key's fingerprint for OpenPGP.
 * {@link #fingerprint()} is the certificate's SHA-256 fingerprint or the OpenPGP fingerprint: the key as the vaults and
 * the audit log name it.
 */
public final class IssuedKey {
    private final TenantId tenant;
    private final KeyKind kind;
    private final String id;
    private final EmailAddress address;
    private final String fingerprint;
    private final Instant issuedAt;
    private final Instant notAfter;
    private final KeyStatus status;
    private final Optional<Instant> revokedAt;
    private final Optional<RevocationReason> revocationReason;
    private final Optional<String> renewedBy;

    public IssuedKey(TenantId tenant, KeyKind kind, String id, EmailAddress address, String fingerprint, Instant issuedAt,
                     Instant notAfter, KeyStatus status, Optional<Instant> revokedAt,
                     Optional<RevocationReason> revocationReason, Optional<String> renewedBy) {
        this.tenant = Objects.requireNonNull(tenant);
        this.kind = Objects.requireNonNull(kind);
        this.id = Objects.requireNonNull(id);
        this.address = Objects.requireNonNull(address);
        this.fingerprint = Objects.requireNonNull(fingerprint);
        this.issuedAt = Objects.requireNonNull(issuedAt);
        this.notAfter = Objects.requireNonNull(notAfter);
        this.status = Objects.requireNonNull(status);
        this.revokedAt = Objects.requireNonNull(revokedAt);
        this.revocationReason = Objects.requireNonNull(revocationReason);
        this.renewedBy = Objects.requireNonNull(renewedBy);
        if (status == KeyStatus.REVOKED != revokedAt.isPresent() || revokedAt.isPresent() != revocationReason.isPresent()) {
            throw new IllegalArgumentException("A revoked key has a revocation time and reason, and only a revoked one");
        }
    }

    public TenantId tenant() {
        return tenant;
    }

    public KeyKind kind() {
        return kind;
    }

    public String id() {
        return id;
    }

    public EmailAddress address() {
        return address;
    }

    public String fingerprint() {
        return fingerprint;
    }

    public Instant issuedAt() {
        return issuedAt;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public KeyStatus status() {
        return status;
    }

    public Optional<Instant> revokedAt() {
        return revokedAt;
    }

    public Optional<RevocationReason> revocationReason() {
        return revocationReason;
    }

    /** The id of the key that replaced this one when it was renewed. */
    public Optional<String> renewedBy() {
        return renewedBy;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof IssuedKey) {
            IssuedKey that = (IssuedKey) o;
            return tenant.equals(that.tenant) && kind == that.kind && id.equals(that.id) && status == that.status
                && renewedBy.equals(that.renewedBy) && revokedAt.equals(that.revokedAt);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenant, kind, id, status);
    }

    @Override
    public String toString() {
        return "IssuedKey[" + tenant + ", " + kind.asString() + " " + id + ", " + address + ", " + status
            + ", until " + notAfter + "]";
    }
}
