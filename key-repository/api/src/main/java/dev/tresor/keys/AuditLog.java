package dev.tresor.keys;

import java.time.Instant;
import java.util.List;

/** Append-only record of every key use, queried per tenant. */
public interface AuditLog {

    void append(AuditEvent event);

    /** The tenant's events with {@code from <= time < to}, newest first, at most {@code limit}. */
    List<AuditEvent> query(TenantId tenant, Instant from, Instant to, int limit);
}
