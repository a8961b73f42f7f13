package dev.tresor.keys.audit;

import java.util.Objects;

import dev.tresor.keys.spi.AuditStorage;
import dev.tresor.keys.spi.CertificateStorage;
import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.LifecycleStorage;
import dev.tresor.keys.spi.PdfPasswordStorage;
import dev.tresor.keys.spi.PgpKeyStorage;
import dev.tresor.keys.spi.PolicyStorage;
import dev.tresor.keys.spi.PrivateKeyStorage;
import dev.tresor.keys.spi.TenantStorage;
import dev.tresor.keys.spi.TlsPolicyStorage;
import dev.tresor.keys.spi.TrustAnchorStorage;

/**
 * A storage whose audit log is another one in front of its own, such as a {@link BatchingAuditStorage}: every vault
 * but the audit log is the storage's. Whoever holds this storage writes the audit through that one, and nothing else.
 */
public final class KeyStorageWithAudit implements KeyStorage {
    private final KeyStorage storage;
    private final AuditStorage audit;

    public KeyStorageWithAudit(KeyStorage storage, AuditStorage audit) {
        this.storage = Objects.requireNonNull(storage);
        this.audit = Objects.requireNonNull(audit);
    }

    @Override
    public TenantStorage tenants() {
        return storage.tenants();
    }

    @Override
    public CertificateStorage certificates() {
        return storage.certificates();
    }

    @Override
    public PrivateKeyStorage privateKeys() {
        return storage.privateKeys();
    }

    @Override
    public PgpKeyStorage pgpKeys() {
        return storage.pgpKeys();
    }

    @Override
    public TrustAnchorStorage trustAnchors() {
        return storage.trustAnchors();
    }

    @Override
    public PdfPasswordStorage pdfPasswords() {
        return storage.pdfPasswords();
    }

    @Override
    public TlsPolicyStorage tlsPolicies() {
        return storage.tlsPolicies();
    }

    @Override
    public PolicyStorage policies() {
        return storage.policies();
    }

    @Override
    public AuditStorage audit() {
        return audit;
    }

    @Override
    public LifecycleStorage lifecycle() {
        return storage.lifecycle();
    }
}
