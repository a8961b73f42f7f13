package dev.tresor.keys.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.rrt.lib.Mapping;
import org.apache.james.rrt.lib.MappingSource;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;

class TenantResolverTest {
    private static final Domain ACME = Domain.of("acme.example");
    private static final Domain ACME_ALIAS = Domain.of("acme-alias.example");
    private static final Domain PARTNER = Domain.of("partner.example");
    private static final Domain PARTNER_ALIAS = Domain.of("partner-alias.example");
    private static final Domain LONELY = Domain.of("lonely.example");
    private static final TenantId ACME_CORP = TenantId.of("acme-corp");
    private static final TenantId OTHER_CORP = TenantId.of("other-corp");

    @TempDir
    Path directory;

    private KeyRepository repository;
    private MemoryRecipientRewriteTable recipientRewriteTable;
    private TenantResolver resolver;

    @BeforeEach
    void setUp() throws Exception {
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
            MemoryTenantKeyStore.create());
        repository = StoredKeyRepository.create(new MemoryKeyStorage(), protection, Clock.systemUTC());

        // no DNS: auto-detection is off, so the domain list never asks it
        MemoryDomainList domainList = new MemoryDomainList(null);
        domainList.configure(DomainListConfiguration.builder()
            .autoDetect(false)
            .autoDetectIp(false)
            .addConfiguredDomains(ACME, ACME_ALIAS, PARTNER, PARTNER_ALIAS, LONELY));
        recipientRewriteTable = new MemoryRecipientRewriteTable();
        recipientRewriteTable.setDomainList(domainList);

        resolver = new TenantResolver(repository, recipientRewriteTable);
    }

    private void mapDomain(Domain domain, TenantId tenant) {
        repository.tenants().create(tenant);
        repository.tenants().mapDomain(domain.asString(), tenant);
    }

    @Test
    void aCachingResolverShouldReuseTheAliasesOfADomainWithinItsTtlAndOnlyThen() throws Exception {
        mapDomain(ACME, ACME_CORP);
        TenantResolver caching = new TenantResolver(repository, recipientRewriteTable, Duration.ofHours(1));
        assertThat(caching.tenantOf(ACME_ALIAS)).isEqualTo(TenantId.of("acme-alias.example"));

        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(ACME_ALIAS), ACME);

        assertThat(caching.tenantOf(ACME_ALIAS)).as("within the TTL: the alias is not known yet")
            .isEqualTo(TenantId.of("acme-alias.example"));
        assertThat(resolver.tenantOf(ACME_ALIAS)).as("without a cache: known at once").isEqualTo(ACME_CORP);
        assertThat(new TenantResolver(repository, recipientRewriteTable, Duration.ofMillis(1)).tenantOf(ACME_ALIAS))
            .isEqualTo(ACME_CORP);
    }

    @Test
    void aCachingResolverShouldStillRefuseAnAmbiguousAlias() throws Exception {
        mapDomain(ACME, ACME_CORP);
        mapDomain(PARTNER, OTHER_CORP);
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(LONELY), ACME);
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(LONELY), PARTNER);
        TenantResolver caching = new TenantResolver(repository, recipientRewriteTable, Duration.ofHours(1));

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> caching.tenantOf(LONELY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("different tenants");
        }
    }

    @Test
    void anAliasOfAMappedDomainBelongsToThatDomainsTenant() throws Exception {
        mapDomain(ACME, ACME_CORP);
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(ACME_ALIAS), ACME);

        assertThat(resolver.tenantOf(ACME_ALIAS)).isEqualTo(ACME_CORP);
        assertThat(resolver.tenantOf(new MailAddress("alice@acme-alias.example"))).isEqualTo(ACME_CORP);
    }

    @Test
    void anAliasOfAnUnmappedDomainBelongsToTheTargetDomainAsTenant() throws Exception {
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(PARTNER_ALIAS), PARTNER);

        assertThat(resolver.tenantOf(PARTNER_ALIAS)).isEqualTo(TenantId.of("partner.example"));
    }

    @Test
    void aDomainWithoutAliasIsResolvedByTheDirectoryAlone() throws Exception {
        mapDomain(ACME, ACME_CORP);

        assertThat(resolver.tenantOf(ACME)).isEqualTo(ACME_CORP);
        assertThat(resolver.tenantOf(LONELY)).isEqualTo(TenantId.of("lonely.example"));
        assertThat(resolver.tenantOf(new MailAddress("bob@lonely.example"))).isEqualTo(TenantId.of("lonely.example"));
    }

    @Test
    void anExplicitDirectoryMappingOfTheAliasDomainWinsOverTheAlias() throws Exception {
        mapDomain(ACME, ACME_CORP);
        mapDomain(ACME_ALIAS, OTHER_CORP);
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(ACME_ALIAS), ACME);

        assertThat(resolver.tenantOf(ACME_ALIAS)).isEqualTo(OTHER_CORP);
    }

    @Test
    void anAliasDomainExplicitlyMappedToItsOwnNameAsTenantKeepsThatTenant() throws Exception {
        mapDomain(ACME, ACME_CORP);
        mapDomain(ACME_ALIAS, TenantId.of("acme-alias.example"));
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(ACME_ALIAS), ACME);

        assertThat(resolver.tenantOf(ACME_ALIAS)).isEqualTo(TenantId.of("acme-alias.example"));
    }

    @Test
    void aliasesAreResolvedOneLevelOnlySoALoopEnds() throws Exception {
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(ACME_ALIAS), ACME);
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(ACME), ACME_ALIAS);

        assertThat(resolver.tenantOf(ACME_ALIAS)).isEqualTo(TenantId.of("acme.example"));
        assertThat(resolver.tenantOf(ACME)).isEqualTo(TenantId.of("acme-alias.example"));
    }

    @Test
    void anAliasToItselfIsIgnored() throws Exception {
        // WebAdmin refuses this; the RRT itself does not
        recipientRewriteTable.addMapping(MappingSource.fromDomain(LONELY), Mapping.domainAlias(LONELY));

        assertThat(resolver.tenantOf(LONELY)).isEqualTo(TenantId.of("lonely.example"));
    }

    @Test
    void otherRecipientRewriteTableMappingsOfTheDomainAreNoAlias() throws Exception {
        mapDomain(ACME, ACME_CORP);
        recipientRewriteTable.addDomainMapping(MappingSource.fromDomain(LONELY), ACME);

        assertThat(resolver.tenantOf(LONELY)).isEqualTo(TenantId.of("lonely.example"));
    }

    @Test
    void anAliasOfDomainsOfDifferentTenantsIsRefusedRatherThanGuessed() throws Exception {
        mapDomain(ACME, ACME_CORP);
        mapDomain(PARTNER, OTHER_CORP);
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(LONELY), ACME);
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(LONELY), PARTNER);

        assertThatThrownBy(() -> resolver.tenantOf(LONELY))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("lonely.example")
            .hasMessageContaining("different tenants");
    }

    @Test
    void anAliasOfSeveralDomainsOfOneTenantBelongsToThatTenant() throws Exception {
        mapDomain(ACME, ACME_CORP);
        mapDomain(PARTNER, ACME_CORP);
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(LONELY), ACME);
        recipientRewriteTable.addDomainAliasMapping(MappingSource.fromDomain(LONELY), PARTNER);

        assertThat(resolver.tenantOf(LONELY)).isEqualTo(ACME_CORP);
    }
}
