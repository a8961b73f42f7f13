package dev.tresor.keys.repository;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;

/**
 * A real key repository (in-memory storage, real key protection) for engine and mailet tests: tenants with their
 * domains, certificates and private keys, set up the way an admin would through WebAdmin. Without James: the mailet
 * tests add James's domain aliases on top ({@code TestVaults} in mailets/james).
 */
public class TestKeyRepository {
    private final KeyRepository repository;
    private final MemoryKeyStorage storage;
    private final MemoryTenantKeyStore tenantKeys;
    private final Clock clock;

    protected TestKeyRepository(Path directory, Clock clock) {
        this.storage = new MemoryKeyStorage();
        this.tenantKeys = MemoryTenantKeyStore.create();
        this.clock = clock;
        this.repository = StoredKeyRepository.create(storage,
            KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")), tenantKeys), clock);
    }

    public static TestKeyRepository create(Path directory, Clock clock) {
        return new TestKeyRepository(directory, clock);
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
     * The tenant's audit log without the domain mappings that {@link #tenant} writes: what the code under test did
     * with keys (newest first).
     */
    public List<AuditEvent> keyUses(TenantId tenant) {
        return repository.audit().query(tenant, Instant.EPOCH, Instant.MAX, 1000).stream()
            .filter(event -> event.operation() != AuditEvent.Operation.MAP_DOMAIN
                && event.operation() != AuditEvent.Operation.UNMAP_DOMAIN)
            .collect(Collectors.toList());
    }

    /** Creates the tenant and gives it the domains. */
    public TenantId tenant(String name, String... domains) {
        TenantId tenant = TenantId.of(name);
        repository.tenants().create(tenant);
        for (String domain : domains) {
            repository.tenants().mapDomain(domain, tenant);
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
