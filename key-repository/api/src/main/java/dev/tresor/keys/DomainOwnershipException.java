package dev.tresor.keys;

import java.util.Optional;

/**
 * A domain is not where the caller assumed: another tenant owns it (so mapping it would silently move it, and with it
 * the keys that protect its mail), or it is not owned by the tenant a move names as its owner.
 */
public final class DomainOwnershipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String domain;
    private final transient Optional<TenantId> owner;

    public DomainOwnershipException(String domain, Optional<TenantId> owner, String message) {
        super(message);
        this.domain = domain;
        this.owner = owner;
    }

    /** The domain, in canonical form. */
    public String domain() {
        return domain;
    }

    /** The tenant that owns the domain now; empty if none does. */
    public Optional<TenantId> owner() {
        return owner;
    }
}
