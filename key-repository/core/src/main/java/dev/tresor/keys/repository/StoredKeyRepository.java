package dev.tresor.keys.repository;

import java.time.Clock;

import dev.tresor.keys.AuditLog;
import dev.tresor.keys.CertificateVault;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.PdfPasswordVault;
import dev.tresor.keys.PgpKeyVault;
import dev.tresor.keys.PolicyVault;
import dev.tresor.keys.PrivateKeyVault;
import dev.tresor.keys.TenantDirectory;
import dev.tresor.keys.TlsPolicyVault;
import dev.tresor.keys.TrustAnchorVault;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.spi.KeyStorage;

/**
 * The key repository over any {@link KeyStorage}: the selection rules, validation and key protection are written
 * once, here, and the backends only store rows.
 */
public final class StoredKeyRepository implements KeyRepository {
    private final StoredTenantDirectory tenants;
    private final StoredCertificateVault certificates;
    private final StoredPrivateKeyVault privateKeys;
    private final StoredPgpKeyVault pgpKeys;
    private final StoredTrustAnchorVault trustAnchors;
    private final StoredPdfPasswordVault pdfPasswords;
    private final StoredTlsPolicyVault tlsPolicies;
    private final StoredPolicyVault policies;
    private final StoredAuditLog audit;
    private final StoredKeyLifecycle lifecycle;

    private StoredKeyRepository(KeyStorage storage, KeyProtection protection, Clock clock) {
        this.audit = new StoredAuditLog(storage.audit());
        this.tenants = new StoredTenantDirectory(storage.tenants(), audit, clock);
        this.certificates = new StoredCertificateVault(storage.certificates(), storage.tenants(), new CertificateRecords(),
            clock);
        this.privateKeys = new StoredPrivateKeyVault(storage.privateKeys(), certificates, protection, clock);
        this.pgpKeys = new StoredPgpKeyVault(storage.pgpKeys(), storage.tenants(), protection, clock);
        this.trustAnchors = new StoredTrustAnchorVault(storage.trustAnchors(), clock);
        this.pdfPasswords = new StoredPdfPasswordVault(storage.pdfPasswords(), protection, clock);
        this.tlsPolicies = new StoredTlsPolicyVault(storage.tlsPolicies(), clock);
        this.policies = new StoredPolicyVault(storage.policies(), audit, clock);
        this.lifecycle = new StoredKeyLifecycle(storage.lifecycle(), tenants, certificates, privateKeys, pgpKeys, protection,
            audit, clock);
    }

    public static StoredKeyRepository create(KeyStorage storage, KeyProtection protection, Clock clock) {
        return new StoredKeyRepository(storage, protection, clock);
    }

    @Override
    public TenantDirectory tenants() {
        return tenants;
    }

    @Override
    public CertificateVault certificates() {
        return certificates;
    }

    @Override
    public PrivateKeyVault privateKeys() {
        return privateKeys;
    }

    @Override
    public PgpKeyVault pgpKeys() {
        return pgpKeys;
    }

    @Override
    public TrustAnchorVault trustAnchors() {
        return trustAnchors;
    }

    @Override
    public PdfPasswordVault pdfPasswords() {
        return pdfPasswords;
    }

    @Override
    public TlsPolicyVault tlsPolicies() {
        return tlsPolicies;
    }

    @Override
    public PolicyVault policies() {
        return policies;
    }

    @Override
    public AuditLog audit() {
        return audit;
    }

    @Override
    public dev.tresor.keys.lifecycle.KeyLifecycle lifecycle() {
        return lifecycle;
    }
}
