package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.tresor.keys.TenantId;

/** One line of a tenant's audit log, as stored. {@code id} is assigned by the backend, increasing. */
public final class AuditRecord {
    private final long id;
    private final Instant time;
    private final TenantId tenant;
    private final String operation;
    private final Optional<String> keyFingerprint;
    private final Optional<String> counterpart;
    private final Optional<String> messageId;
    private final Optional<String> detail;

    public AuditRecord(long id, Instant time, TenantId tenant, String operation, Optional<String> keyFingerprint,
                       Optional<String> counterpart, Optional<String> messageId, Optional<String> detail) {
        this.id = id;
        this.time = Objects.requireNonNull(time);
        this.tenant = Objects.requireNonNull(tenant);
        this.operation = Objects.requireNonNull(operation);
        this.keyFingerprint = Objects.requireNonNull(keyFingerprint);
        this.counterpart = Objects.requireNonNull(counterpart);
        this.messageId = Objects.requireNonNull(messageId);
        this.detail = Objects.requireNonNull(detail);
    }

    public AuditRecord withId(long newId) {
        return new AuditRecord(newId, time, tenant, operation, keyFingerprint, counterpart, messageId, detail);
    }

    public long id() {
        return id;
    }

    public Instant time() {
        return time;
    }

    public TenantId tenant() {
        return tenant;
    }

    public String operation() {
        return operation;
    }

    public Optional<String> keyFingerprint() {
        return keyFingerprint;
    }

    public Optional<String> counterpart() {
        return counterpart;
    }

    public Optional<String> messageId() {
        return messageId;
    }

    public Optional<String> detail() {
        return detail;
    }

    /** Every field: what the log shows of a record the audit log could not store. */
    @Override
    public String toString() {
        return "AuditRecord[" + time + ", tenant " + tenant.asString() + ", " + operation
            + keyFingerprint.map(key -> ", key " + key).orElse("")
            + counterpart.map(address -> ", counterpart " + address).orElse("")
            + messageId.map(id -> ", message " + id).orElse("")
            + detail.map(text -> ", detail " + text).orElse("") + "]";
    }
}
