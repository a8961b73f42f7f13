package dev.tresor.keys;


/** A write named a tenant that does not exist. Tenants are created explicitly, never as a side effect. */
public class UnknownTenantException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final TenantId tenant;

    public UnknownTenantException(TenantId tenant) {
        super("Unknown tenant '" + tenant.asString() + "'");
        this.tenant = tenant;
    }

    public TenantId tenant() {
        return tenant;
    }
}
