package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.List;

import dev.tresor.keys.TenantId;

/**
 * The audit log: appended to, read per tenant, never changed.
 * One of the vaults of a {@link KeyStorage}, under its rules.
 */
public interface AuditStorage {
    /** @return the record with its assigned id */
    AuditRecord appendAudit(AuditRecord record);

    /** The tenant's records with {@code from <= time < to}, newest first, at most {@code limit}. */
    List<AuditRecord> audit(TenantId tenant, Instant from, Instant to, int limit);
}
