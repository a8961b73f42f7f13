package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import dev.tresor.keys.TenantId;

/**
 * Tenant CAs and the register of what they issued, as rows: no cryptography, no rules. One of the vaults of a
 * {@link KeyStorage}, under its rules. Kinds, statuses and reasons are stored as the text of
 * {@code dev.tresor.keys.lifecycle.KeyKind#asString}, {@code KeyStatus#name} and the RFC 5280 reason code.
 */
public interface LifecycleStorage {

    /** A tenant's CA: its certificate and issuers (DER), its private key as the key protection layer sealed it. */
    final class CaRow {
        private final byte[] certificate;
        private final List<byte[]> chain;
        private final byte[] protectedKey;
        private final String settings;
        private final boolean generated;
        private final Instant createdAt;

        public CaRow(byte[] certificate, List<byte[]> chain, byte[] protectedKey, String settings, boolean generated,
                     Instant createdAt) {
            this.certificate = certificate.clone();
            this.chain = chain.stream().map(byte[]::clone).collect(java.util.stream.Collectors.toUnmodifiableList());
            this.protectedKey = protectedKey.clone();
            this.settings = Objects.requireNonNull(settings);
            this.generated = generated;
            this.createdAt = Objects.requireNonNull(createdAt);
        }

        public byte[] certificate() {
            return certificate.clone();
        }

        public List<byte[]> chain() {
            return chain.stream().map(byte[]::clone).collect(java.util.stream.Collectors.toUnmodifiableList());
        }

        public byte[] protectedKey() {
            return protectedKey.clone();
        }

        public String settings() {
            return settings;
        }

        public boolean generated() {
            return generated;
        }

        public Instant createdAt() {
            return createdAt;
        }
    }

    /** One issued key in the register. {@code id} is unique per tenant and kind. */
    final class IssuedRow {
        private final String kind;
        private final String id;
        private final String address;
        private final String fingerprint;
        private final Instant issuedAt;
        private final Instant notAfter;
        private final String status;
        private final Optional<Instant> revokedAt;
        private final Optional<Integer> reasonCode;
        private final Optional<String> renewedBy;

        public IssuedRow(String kind, String id, String address, String fingerprint, Instant issuedAt, Instant notAfter,
                         String status, Optional<Instant> revokedAt, Optional<Integer> reasonCode, Optional<String> renewedBy) {
            this.kind = Objects.requireNonNull(kind);
            this.id = Objects.requireNonNull(id);
            this.address = Objects.requireNonNull(address);
            this.fingerprint = Objects.requireNonNull(fingerprint);
            this.issuedAt = Objects.requireNonNull(issuedAt);
            this.notAfter = Objects.requireNonNull(notAfter);
            this.status = Objects.requireNonNull(status);
            this.revokedAt = Objects.requireNonNull(revokedAt);
            this.reasonCode = Objects.requireNonNull(reasonCode);
            this.renewedBy = Objects.requireNonNull(renewedBy);
        }

        public String kind() {
            return kind;
        }

        public String id() {
            return id;
        }

        public String address() {
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

        /** ACTIVE, SUPERSEDED or REVOKED. */
        public String status() {
            return status;
        }

        public Optional<Instant> revokedAt() {
            return revokedAt;
        }

        public Optional<Integer> reasonCode() {
            return reasonCode;
        }

        public Optional<String> renewedBy() {
            return renewedBy;
        }
    }

    /** The CRL last published for a tenant. */
    final class CrlRow {
        private final long number;
        private final byte[] crl;
        private final Instant thisUpdate;
        private final Instant nextUpdate;

        public CrlRow(long number, byte[] crl, Instant thisUpdate, Instant nextUpdate) {
            this.number = number;
            this.crl = crl.clone();
            this.thisUpdate = Objects.requireNonNull(thisUpdate);
            this.nextUpdate = Objects.requireNonNull(nextUpdate);
        }

        public long number() {
            return number;
        }

        public byte[] crl() {
            return crl.clone();
        }

        public Instant thisUpdate() {
            return thisUpdate;
        }

        public Instant nextUpdate() {
            return nextUpdate;
        }
    }

    /**
     * Stores the tenant's CA.
     *
     * @return false, storing nothing, if the tenant has one already
     * @throws dev.tresor.keys.UnknownTenantException when the tenant does not exist
     */
    boolean insertCa(TenantId tenant, CaRow ca);

    Optional<CaRow> ca(TenantId tenant);

    /** @return false if the tenant has no CA */
    boolean updateCaSettings(TenantId tenant, String settings);

    /** The tenants that have a CA, ordered by id. */
    List<TenantId> tenantsWithCa();

    /** Adds a key to the register; an existing (tenant, kind, id) is an error (IllegalStateException). */
    void addIssued(TenantId tenant, IssuedRow row);

    Optional<IssuedRow> issued(TenantId tenant, String kind, String id);

    /** The tenant's register, or one address's part of it (addresses compared as stored), oldest first. */
    List<IssuedRow> issued(TenantId tenant, Optional<String> address);

    /** Active keys of the tenant that expire before {@code before}, soonest first. */
    List<IssuedRow> activeExpiringBefore(TenantId tenant, Instant before);

    /** Every revoked key of the kind, oldest revocation first (what a CRL lists). */
    List<IssuedRow> revoked(TenantId tenant, String kind);

    /**
     * Marks an active key revoked.
     *
     * @return false if there is no such key or it is revoked already
     */
    boolean markRevoked(TenantId tenant, String kind, String id, Instant at, int reasonCode);

    /**
     * Marks an active key superseded by its renewal.
     *
     * @return false if there is no such active key
     */
    boolean markSuperseded(TenantId tenant, String kind, String id, String renewedBy);

    /**
     * Stores the tenant's newest CRL if {@code crl.number()} is higher than the stored one's.
     *
     * @return false if a CRL with this number or a higher one is stored already
     */
    boolean putCrl(TenantId tenant, CrlRow crl);

    Optional<CrlRow> crl(TenantId tenant);

    /**
     * Runs {@code work} while holding the lock of (tenant, kind, address), across every thread of this node and, for a
     * shared database, every node: what it reads from the database then, it reads after the previous holder's writes
     * committed. Locks of different addresses never wait for each other.
     */
    <T> T withIssuanceLock(TenantId tenant, String kind, String address, Supplier<T> work);
}
