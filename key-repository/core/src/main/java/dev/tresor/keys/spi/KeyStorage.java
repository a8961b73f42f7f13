package dev.tresor.keys.spi;

/**
 * What a storage backend (memory, JDBC on H2 or PostgreSQL) provides: one storage per vault of the key repository,
 * tenant-scoped rows, no semantics. Selection rules, validation, key protection and caching live above it, once for
 * every backend.
 *
 * <p>Rules every vault of every implementation follows (pinned by {@code KeyStorageContract}; the semantics above it
 * by {@code KeyRepositoryContract}):
 * <ul>
 *     <li>every read and write names its tenant(s); nothing ever returns a row of another tenant;</li>
 *     <li>writes to an unknown tenant throw {@link dev.tresor.keys.UnknownTenantException};</li>
 *     <li>byte arrays go in and come out as copies;</li>
 *     <li>secret material arrives already encrypted ({@code protectedBlob}); backends never see plaintext keys.</li>
 * </ul>
 *
 * <p>A new vault is a new interface here, one accessor below, and its implementation in each backend.
 */
public interface KeyStorage {
    TenantStorage tenants();

    CertificateStorage certificates();

    PrivateKeyStorage privateKeys();

    PgpKeyStorage pgpKeys();

    TrustAnchorStorage trustAnchors();

    PdfPasswordStorage pdfPasswords();

    TlsPolicyStorage tlsPolicies();

    PolicyStorage policies();

    AuditStorage audit();

    LifecycleStorage lifecycle();
}
