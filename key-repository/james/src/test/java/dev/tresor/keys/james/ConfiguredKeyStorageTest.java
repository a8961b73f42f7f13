package dev.tresor.keys.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.convert.DefaultListDelimiterHandler;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.audit.BatchingAuditStorage;
import dev.tresor.keys.jdbc.JdbcKeyStorage;
import dev.tresor.keys.spi.AuditRecord;

/** The storage chain James opens, as far as the audit log goes: batched below the cache, written out at close. */
class ConfiguredKeyStorageTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final Instant NOW = Instant.parse("2026-12-06T09:00:00Z");

    @TempDir
    Path james;

    @Test
    void closeShouldWriteEveryQueuedAuditRecordBeforeTheDatabaseCloses() throws Exception {
        ConfiguredKeyStorage configured = new ConfiguredKeyStorage(configuration("audit.flushInterval=10s\n"));
        configured.storage().tenants().createTenant(ACME, NOW);
        IntStream.range(0, 700).forEach(i -> configured.storage().audit().appendAudit(record("use " + i)));

        configured.close();

        JdbcKeyStorage reopened = JdbcKeyStorage.h2(james.resolve("var/tresor/keys"));
        try {
            assertThat(operations(reopened)).hasSize(700).startsWith("use 699").endsWith("use 0");
        } finally {
            reopened.close();
        }
    }

    @Test
    void theAuditShouldBeBatchedByDefaultAndReadAfterItsWrites() throws Exception {
        ConfiguredKeyStorage configured = new ConfiguredKeyStorage(configuration(""));
        try {
            configured.storage().tenants().createTenant(ACME, NOW);

            configured.storage().audit().appendAudit(record("sign"));

            assertThat(configured.storage().audit()).isInstanceOf(BatchingAuditStorage.class);
            assertThat(configured.storage().audit().audit(ACME, NOW, NOW.plusSeconds(1), 10))
                .extracting(AuditRecord::operation).containsExactly("sign");
        } finally {
            configured.close();
        }
    }

    @Test
    void aFlushIntervalOfZeroShouldWriteEachRecordAtOnce() throws Exception {
        ConfiguredKeyStorage configured = new ConfiguredKeyStorage(configuration("audit.flushInterval=0\n"));
        try {
            configured.storage().tenants().createTenant(ACME, NOW);

            configured.storage().audit().appendAudit(record("sign"));

            assertThat(configured.storage().audit()).isNotInstanceOf(BatchingAuditStorage.class);
            assertThat(configured.cache().delegate().audit().audit(ACME, NOW, NOW.plusSeconds(1), 10))
                .extracting(AuditRecord::operation).containsExactly("sign");
        } finally {
            configured.close();
        }
    }

    private KeyRepositoryConfiguration configuration(String properties) throws Exception {
        PropertiesConfiguration configuration = new PropertiesConfiguration();
        configuration.setListDelimiterHandler(new DefaultListDelimiterHandler(','));
        new FileHandler(configuration).load(new StringReader(properties));
        return KeyRepositoryConfiguration.from(configuration, james);
    }

    private static AuditRecord record(String operation) {
        return new AuditRecord(0, NOW, ACME, operation, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty());
    }

    private static List<String> operations(JdbcKeyStorage storage) {
        return storage.audit().audit(ACME, NOW, NOW.plusSeconds(1), 10_000).stream()
            .map(AuditRecord::operation)
            .collect(Collectors.toList());
    }
}
