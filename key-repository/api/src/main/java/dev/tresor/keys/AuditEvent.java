package dev.tresor.keys;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/** One use or change of a key: who (tenant), what (operation, key), with whom (counterpart), in which mail. */
public final class AuditEvent {

    public enum Operation {
        SIGN, VERIFY, ENCRYPT, DECRYPT, IMPORT, REVOKE, SUPERSEDE, EXPORT, HARVEST,
        /** A mail handed to the next hop over TLS (RequireTls); the key is the server certificate's fingerprint. */
        DELIVER,
        /** A mail domain given to the tenant (new, or moved from another tenant: the detail says which). No key. */
        MAP_DOMAIN,
        /** A mail domain taken from the tenant (unmapped, or moved to another tenant: the detail says which). No key. */
        UNMAP_DOMAIN,
        /** A policy scope set or replaced (the detail names the scope, version, settings and who changed it). No key. */
        SET_POLICY,
        /** A policy scope removed (the detail names the scope, version and who removed it). No key. */
        REMOVE_POLICY,
        /** A mail held in the tenant's quarantine because a policy could not be met (the detail says why). */
        QUARANTINE,
        /** A quarantined mail released by an admin to continue through the chain. */
        RELEASE,
        /** A quarantined mail deleted by an admin. */
        DELETE_QUARANTINED,
        /**
         * A key issued to a local user by the tenant's CA: on her first mail, ahead of time by an admin, or renewing an
         * older key (the detail says which, and who asked).
         */
        ISSUE,
        /** The tenant's CA created, imported, or its settings changed (the detail says which, and who). */
        CHANGE_CA
    }

    private final Instant time;
    private final TenantId tenant;
    private final Operation operation;
    private final Optional<String> key;
    private final Optional<EmailAddress> counterpart;
    private final Optional<String> messageId;
    private final Optional<String> detail;

    private AuditEvent(Instant time, TenantId tenant, Operation operation, Optional<String> key,
                       Optional<EmailAddress> counterpart, Optional<String> messageId, Optional<String> detail) {
        this.time = Objects.requireNonNull(time);
        this.tenant = Objects.requireNonNull(tenant);
        this.operation = Objects.requireNonNull(operation);
        this.key = key;
        this.counterpart = counterpart;
        this.messageId = messageId;
        this.detail = detail;
    }

    public static AuditEvent of(Instant time, TenantId tenant, Operation operation) {
        return new AuditEvent(time, tenant, operation, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The key used: a certificate, by its SHA-256 fingerprint. */
    public AuditEvent withKey(Fingerprint certificate) {
        return withKey(certificate.asString());
    }

    /** The key used: an OpenPGP key, by its fingerprint. */
    public AuditEvent withKey(PgpFingerprint openPgpKey) {
        return withKey(openPgpKey.asString());
    }

    /** The key used, by the fingerprint text of either kind (as stored in the audit log). */
    public AuditEvent withKey(String fingerprint) {
        if (fingerprint.isBlank()) {
            throw new IllegalArgumentException("Empty key fingerprint");
        }
        return new AuditEvent(time, tenant, operation, Optional.of(fingerprint), counterpart, messageId, detail);
    }

    public AuditEvent withCounterpart(EmailAddress address) {
        return new AuditEvent(time, tenant, operation, key, Optional.of(address), messageId, detail);
    }

    public AuditEvent withMessageId(String id) {
        return new AuditEvent(time, tenant, operation, key, counterpart, Optional.of(id), detail);
    }

    public AuditEvent withDetail(String text) {
        return new AuditEvent(time, tenant, operation, key, counterpart, messageId, Optional.of(text));
    }

    public Instant time() {
        return time;
    }

    public TenantId tenant() {
        return tenant;
    }

    public Operation operation() {
        return operation;
    }

    /** The fingerprint of the key used: 64 lower-case hex digits for a certificate, upper-case hex for OpenPGP. */
    public Optional<String> key() {
        return key;
    }

    public Optional<EmailAddress> counterpart() {
        return counterpart;
    }

    public Optional<String> messageId() {
        return messageId;
    }

    public Optional<String> detail() {
        return detail;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof AuditEvent) {
            AuditEvent that = (AuditEvent) o;
            return time.equals(that.time) && tenant.equals(that.tenant) && operation == that.operation
                && key.equals(that.key) && counterpart.equals(that.counterpart) && messageId.equals(that.messageId)
                && detail.equals(that.detail);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(time, tenant, operation, key, counterpart, messageId, detail);
    }

    @Override
    public String toString() {
        return "AuditEvent[" + time + " " + tenant + " " + operation + key.map(k -> " key=" + k).orElse("")
            + counterpart.map(c -> " counterpart=" + c).orElse("") + messageId.map(m -> " message=" + m).orElse("") + "]";
    }
}
