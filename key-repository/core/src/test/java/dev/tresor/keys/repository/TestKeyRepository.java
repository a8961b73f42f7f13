package dev.tresor.mailets;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;

/**
 * A real key repository (in-memory storage, real key protection) and a real James RRT for mailet tests: tenants with
 * their domains, certificates and private keys, set up the way an admin would through WebAdmin.
 */
public final class TestVaults {
    private final KeyRepository repository;
    private final MemoryKeyStorage storage;
    private final MemoryTenantKeyStore tenantKeys;
    private final Clock clock;
    private final MemoryRecipientRewriteTable recipientRewriteTable;
    private final TenantResolver tenantResolver;

    private TestVaults(MemoryKeyStorage storage, MemoryTenantKeyStore tenantKeys, KeyProtection protection, Clock clock,
                       MemoryRecipientRewriteTable recipientRewriteTable) {
        this.storage = storage;
        this.tenantKeys = tenantKeys;
        this.clock = clock;
        this.repository = StoredKeyRepository.create(storage, protection, clock);
        this.recipientRewriteTable = recipientRewriteTable;
        this.tenantResolver = new TenantResolver(repository, recipientRewriteTable);
    }

    public static TestVaults create(Path directory, Clock clock) {
        MemoryTenantKeyStore tenantKeys = MemoryTenantKeyStore.create();
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")), tenantKeys);
        try {
            MemoryDomainList domainList = new MemoryDomainList(null);
            domainList.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
            MemoryRecipientRewriteTable recipientRewriteTable = new MemoryRecipientRewriteTable();
            recipientRewriteTable.setDomainList(domainList);
            return new TestVaults(new MemoryKeyStorage(), tenantKeys, protection, clock, recipientRewriteTable);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public KeyRepository repository() {
        return repository;
    }

    /** The same keys seen through another master key (a lost and replaced one): no private key can be decrypted. */
    public KeyRepository repositoryWithAnotherMasterKey(Path masterKeyFile) {
        return StoredKeyRepository.create(storage,
            KeyProtection.create(FileMasterKey.loadOrCreate(masterKeyFile), tenantKeys), clock);
    }

    /**
     * The tenant's audit log without the domain mappings that {@link #tenant} writes: what the mailets under test
     * did with keys (newest first).
     */
    public List<AuditEvent> keyUses(TenantId tenant) {
        return repository.audit().query(tenant, Instant.EPOCH, Instant.MAX, 1000).stream()
            .filter(event -> event.operation() != AuditEvent.Operation.MAP_DOMAIN
                && event.operation() != AuditEvent.Operation.UNMAP_DOMAIN)
            .collect(Collectors.toList());
    }

    public TenantResolver tenantResolver() {
        return tenantResolver;
    }

    public MemoryRecipientRewriteTable recipientRewriteTable() {
        return recipientRewriteTable;
    }

    /** Creates the tenant and gives it the domains. */
    public TenantId tenant(String name, String... domains) {
        TenantId tenant = TenantId.of(name);
        repository.tenants().create(tenant);
        for (String domain : domains) {
            repository.tenants().mapDomain(Domain.of(domain).asString(), tenant);
        }
        return tenant;
    }

    /** A partner's certificate in the tenant's directory (public part only). */
    public CertificateEntry addCertificate(TenantId tenant, TestPki.Issued issued) {
        return repository.certificates().add(tenant, issued.chain(), Origin.IMPORTED);
    }

    /** A user's own certificate with its private key, for signing and decryption. */
    public CertificateEntry addKeyPair(TenantId tenant, TestPki.Issued issued) {
        CertificateEntry entry = addCertificate(tenant, issued);
        repository.privateKeys().add(tenant, entry.fingerprint(), issued.privateKey());
        return entry;
    }

    public void addTrustAnchor(TenantId tenant, TestPki ca) {
        repository.trustAnchors().add(tenant, ca.certificate());
    }
}

