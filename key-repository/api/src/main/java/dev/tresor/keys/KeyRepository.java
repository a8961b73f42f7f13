package dev.tresor.keys;

/**
 * Every certificate, key, trust anchor and password Tresor uses, each belonging to exactly one tenant. Every method
 * of every vault takes the tenant it acts for; nothing reads or writes keys without one.
 */
public interface KeyRepository {

    TenantDirectory tenants();

    CertificateVault certificates();

    PrivateKeyVault privateKeys();

    PgpKeyVault pgpKeys();

    TrustAnchorVault trustAnchors();

    PdfPasswordVault pdfPasswords();

    TlsPolicyVault tlsPolicies();

    PolicyVault policies();

    AuditLog audit();

    /** Tenant CAs and the keys they issue, renew, revoke and publish. */
    dev.tresor.keys.lifecycle.KeyLifecycle lifecycle();
}
