package dev.tresor.keys.spi;

import java.time.Instant;
import java.util.List;

import dev.tresor.keys.TenantId;

/**
 * The audit log: appended to, read per tenant, never changed.
 * One of the vaults of a {@link KeyStorage}, under its rules.
 *
 * <p>Appending returns nothing: the storage assigns each record an id (increasing in the order of appending), which a
 * reader sees in {@link #audit}. Nobody needs it at the time of writing, and a writer that batches records
 * ({@code BatchingAuditStorage}) has none to give yet.
 */
public interface AuditStorage {
    void appendAudit(AuditRecord record);

    /**
     * Appends the records in their order, all or none: one transaction where the backend has them. A record of an
     * unknown tenant fails the whole call with {@link dev.tresor.keys.UnknownTenantException}.
     */
    void appendAudits(List<AuditRecord> records);

    /** The tenant's records with {@code from <= time < to}, newest first, at most {@code limit}. */
    List<AuditRecord> audit(TenantId tenant, Instant from, Instant to, int limit);
}
