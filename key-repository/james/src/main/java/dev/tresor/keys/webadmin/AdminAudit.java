package dev.tresor.keys.webadmin;

import java.time.Clock;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.AuditEvent.Operation;
import dev.tresor.keys.AuditLog;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;

/**
 * What an administrator changed through WebAdmin, in the tenant's audit log with the detail {@value #DETAIL}.
 *
 * <p>The audit log keys events by certificate fingerprint (SHA-256); an OpenPGP key's event has no such key and names
 * the OpenPGP fingerprint in its detail instead: {@code webadmin: OpenPGP key <FINGERPRINT>}.
 */
final class AdminAudit {
    static final String DETAIL = "webadmin";

    private final AuditLog log;
    private final Clock clock;

    AdminAudit(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    void imported(TenantId tenant, Fingerprint key) {
        append(tenant, Operation.IMPORT, key, DETAIL);
    }

    void exported(TenantId tenant, Fingerprint key) {
        append(tenant, Operation.EXPORT, key, DETAIL);
    }

    void trustAnchorAdded(TenantId tenant, Fingerprint anchor) {
        append(tenant, Operation.IMPORT, anchor, DETAIL + ": trust anchor");
    }

    void trustAnchorRemoved(TenantId tenant, Fingerprint anchor) {
        append(tenant, Operation.REVOKE, anchor, DETAIL + ": trust anchor removed");
    }

    /**
     * The audit log has no operation for putting a revoked or superseded key back into use; it is recorded as an
     * import of that key, and says so.
     */
    void statusChanged(TenantId tenant, Fingerprint key, KeyStatus status) {
        append(tenant, operationOf(status), key, DETAIL + reactivation(status));
    }

    void pgpKeyImported(TenantId tenant, PgpFingerprint key) {
        append(tenant, Operation.IMPORT, key, DETAIL + ": OpenPGP key");
    }

    /** An OpenPGP key with its secret keys: one of the tenant's own. */
    void pgpSecretKeyImported(TenantId tenant, PgpFingerprint key) {
        append(tenant, Operation.IMPORT, key, DETAIL + ": OpenPGP key with its secret keys");
    }

    /** As {@link #statusChanged(TenantId, Fingerprint, KeyStatus)}. */
    void pgpKeyStatusChanged(TenantId tenant, PgpFingerprint key, KeyStatus status) {
        append(tenant, operationOf(status), key, DETAIL + ": OpenPGP key" + reactivation(status));
    }

    private static Operation operationOf(KeyStatus status) {
        switch (status) {
            case REVOKED:
                return Operation.REVOKE;
            case SUPERSEDED:
                return Operation.SUPERSEDE;
            default:
                return Operation.IMPORT;
        }
    }

    private static String reactivation(KeyStatus status) {
        return status == KeyStatus.ACTIVE ? ": reactivated" : "";
    }

    private void append(TenantId tenant, Operation operation, Fingerprint key, String detail) {
        log.append(AuditEvent.of(clock.instant(), tenant, operation).withKey(key).withDetail(detail));
    }

    private void append(TenantId tenant, Operation operation, PgpFingerprint key, String detail) {
        log.append(AuditEvent.of(clock.instant(), tenant, operation).withKey(key).withDetail(detail));
    }
}
