package dev.tresor.distribution.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.keys.james.UserKeyRevocation;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.lifecycle.RevocationReason;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;

/** A James user deleted from the distribution's users repository loses the keys Tresor issued to her. */
class DatabaseUsersRepositoryTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final Username ALICE = Username.of("alice@acme.example");

    @TempDir
    Path data;

    private EntityManagerFactory factory;
    private KeyRepository keys;
    private MemoryDomainList domains;

    @BeforeEach
    void setUp() throws Exception {
        factory = Persistence.createEntityManagerFactory(OpenedJamesDatabase.PERSISTENCE_UNIT,
            JamesDatabase.embedded(data).openJpaProperties());
        keys = StoredKeyRepository.create(new MemoryKeyStorage(), KeyProtection.create(
            FileMasterKey.loadOrCreate(data.resolve("master.key")), MemoryTenantKeyStore.create()), Clock.systemUTC());
        keys.tenants().create(ACME);
        keys.tenants().mapDomain("acme.example", ACME);
        keys.lifecycle().createCa(ACME, CaSettings.defaults("http://pki.acme.example"), "test");
        domains = new MemoryDomainList(null);
        domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false)
            .addConfiguredDomains(Domain.of("acme.example")));
    }

    @AfterEach
    void close() {
        factory.close();
    }

    @Test
    void deletingAUserShouldRevokeTheKeysIssuedToHerAndOnlyHers() throws Exception {
        MemoryRecipientRewriteTable rrt = new MemoryRecipientRewriteTable();
        rrt.setDomainList(domains);
        DatabaseUsersRepository users = users(new UserKeyRevocation(keys, new TenantResolver(keys, rrt)));
        users.addUser(ALICE, "secret");
        IssuedKey alices = issue("alice@acme.example");
        IssuedKey bobs = issue("bob@acme.example");

        users.removeUser(ALICE);

        assertThat(users.contains(ALICE)).isFalse();
        IssuedKey revoked = keys.lifecycle().issuedKey(ACME, KeyKind.SMIME, alices.id()).orElseThrow();
        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(revoked.revocationReason()).hasValue(RevocationReason.CESSATION_OF_OPERATION);
        assertThat(keys.lifecycle().issuedKey(ACME, KeyKind.SMIME, bobs.id()).orElseThrow().status())
            .isEqualTo(KeyStatus.ACTIVE);
    }

    @Test
    void aRevocationThatFailsShouldNotKeepTheUser() throws Exception {
        MemoryRecipientRewriteTable rrt = new MemoryRecipientRewriteTable();
        rrt.setDomainList(domains);
        KeyRepository broken = (KeyRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {KeyRepository.class}, (proxy, method, arguments) -> {
                if (method.getName().equals("lifecycle")) {
                    throw new IllegalStateException("the key storage is away");
                }
                return method.invoke(keys, arguments);
            });
        DatabaseUsersRepository users = users(new UserKeyRevocation(broken, new TenantResolver(broken, rrt)));
        users.addUser(ALICE, "secret");

        users.removeUser(ALICE);

        assertThat(users.contains(ALICE)).isFalse();
    }

    private DatabaseUsersRepository users(UserKeyRevocation revocation) throws Exception {
        DatabaseUsersRepository users = new DatabaseUsersRepository(domains, factory, () -> revocation);
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("enableVirtualHosting", true);
        users.configure(configuration);
        return users;
    }

    private IssuedKey issue(String address) {
        return keys.lifecycle().issue(ACME, KeyKind.SMIME, EmailAddress.of(address), Optional.empty(), "test");
    }
}
