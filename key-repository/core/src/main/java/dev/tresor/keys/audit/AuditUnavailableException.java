package dev.tresor.keys.audit;

/**
 * The audit log cannot take a record now: its storage has been failing for longer than the writer waits. The operation
 * that wanted to be audited fails with it, as it would with a synchronous write to a database that is down.
 */
public final class AuditUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AuditUnavailableException(String message) {
        super("Audit log unavailable: " + message);
    }
}
