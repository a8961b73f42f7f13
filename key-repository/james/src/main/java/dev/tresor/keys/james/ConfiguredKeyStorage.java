package dev.tresor.keys.james;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.cache.CacheStats;

import dev.tresor.keys.audit.BatchingAuditStorage;
import dev.tresor.keys.audit.KeyStorageWithAudit;
import dev.tresor.keys.cache.CachingKeyStorage;
import dev.tresor.keys.jdbc.JdbcKeyStorage;
import dev.tresor.keys.jdbc.PostgresChangeListener;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.protection.TenantKeyStore;
import dev.tresor.keys.spi.KeyStorage;

/**
 * The storage {@code keyrepository.properties} names, opened once when James starts and closed when it stops
 * (James calls {@link PreDestroy} methods of the objects Guice built on shutdown).
 *
 * <p>On PostgreSQL, where other nodes write too, a {@link PostgresChangeListener} tells the cache what they change
 * ({@code cache.listener.heartbeat}); on H2 and in memory this node is the only writer and the cache needs no news.
 *
 * <p>Audit records are written in batches by a {@link BatchingAuditStorage} every {@code audit.flushInterval} (none:
 * each one at once). It sits under the cache, so that every write to the audit log on this node goes through it, and
 * {@link #close()} writes what it still holds before the database closes.
 *
 * <p>The cache's hit and miss counts are logged every {@value #STATISTICS_MINUTES} minutes (when it was used since
 * the last report) and when James stops.
 */
@Singleton
public final class ConfiguredKeyStorage {
    private static final Logger LOGGER = LoggerFactory.getLogger(ConfiguredKeyStorage.class);
    static final long STATISTICS_MINUTES = 15;

    private final KeyStorage storage;
    private final TenantKeyStore tenantKeys;
    private final Optional<JdbcKeyStorage> database;
    private final Optional<BatchingAuditStorage> batchedAudit;
    private final CachingKeyStorage cached;
    private final Optional<PostgresChangeListener> changeListener;
    private final ScheduledExecutorService statisticsReports;
    private CacheStats reported = new CacheStats(0, 0, 0, 0, 0, 0);

    @Inject
    public ConfiguredKeyStorage(KeyRepositoryConfiguration configuration) {
        switch (configuration.storage()) {
            case MEMORY:
                LOGGER.warn("Tresor keys are kept in memory (storage=memory): they are lost when James stops");
                this.storage = new MemoryKeyStorage();
                this.tenantKeys = MemoryTenantKeyStore.create();
                this.database = Optional.empty();
                break;
            case POSTGRESQL:
                KeyRepositoryConfiguration.Postgresql postgresql = configuration.postgresql().orElseThrow();
                this.database = Optional.of(JdbcKeyStorage.postgres(postgresql.url(), postgresql.user(), postgresql.password()));
                this.storage = database.get();
                this.tenantKeys = database.get().tenantKeyStore();
                break;
            default:
                this.database = Optional.of(JdbcKeyStorage.h2(withParentDirectory(configuration.h2File())));
                this.storage = database.get();
                this.tenantKeys = database.get().tenantKeyStore();
        }
        this.batchedAudit = configuration.auditFlushInterval().isZero()
            ? Optional.empty()
            : Optional.of(BatchingAuditStorage.start(storage.audit(), configuration.auditFlushInterval()));
        KeyStorage audited = batchedAudit.<KeyStorage>map(audit -> new KeyStorageWithAudit(storage, audit)).orElse(storage);
        this.cached = CachingKeyStorage.wrap(audited, configuration.cacheTtl(), configuration.cacheSize());
        this.changeListener = database
            .filter(JdbcKeyStorage::isShared)
            .filter(shared -> cached.reusesAnswers())
            .map(shared -> shared.listenToOtherNodes(cached, configuration.listenerHeartbeat()));
        this.statisticsReports = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "tresor-key-cache-statistics");
            thread.setDaemon(true);
            return thread;
        });
        statisticsReports.scheduleAtFixedRate(this::reportStatisticsIfUsed, STATISTICS_MINUTES, STATISTICS_MINUTES,
            TimeUnit.MINUTES);
        LOGGER.info("Tresor key repository opened: {}", configuration);
    }

    private static Path withParentDirectory(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the directory of the key database " + file, e);
        }
    }

    /**
     * The storage behind a cache of certificate lookups ({@code cache.ttl}). Every user of the storage on this node
     * goes through this one instance, so that its writes empty the cache.
     */
    public KeyStorage storage() {
        return cached;
    }

    /** Where key protection keeps the wrapped tenant keys: the same database as the keys. */
    public TenantKeyStore tenantKeys() {
        return tenantKeys;
    }

    /**
     * What tells this node's cache about the changes of other nodes: present on PostgreSQL with a cache
     * ({@code cache.ttl} not 0).
     */
    public Optional<PostgresChangeListener> changeListener() {
        return changeListener;
    }

    /** The cache in front of the storage, for its statistics. */
    public CachingKeyStorage cache() {
        return cached;
    }

    /**
     * The cache's counts as one line, e.g. {@code 1520 lookups, 94.7 % hits (1440 hits, 80 misses), 3 evicted,
     * 77 answers held}.
     */
    public String describeCacheStatistics() {
        CacheStats statistics = cached.statistics();
        return String.format(Locale.ROOT, "%d lookups, %.1f %% hits (%d hits, %d misses), %d evicted, %d answers held",
            statistics.requestCount(), 100 * statistics.hitRate(), statistics.hitCount(), statistics.missCount(),
            statistics.evictionCount(), cached.size());
    }

    private synchronized void reportStatisticsIfUsed() {
        CacheStats now = cached.statistics();
        if (now.requestCount() > reported.requestCount()) {
            LOGGER.info("Tresor key cache since start: {}", describeCacheStatistics());
        }
        reported = now;
    }

    /**
     * Writes the audit records still queued, then closes the database: nothing appended before is lost. Whoever opens
     * this storage outside James ({@code tresor-process}, the master key rotation) calls it on the way out.
     */
    @PreDestroy
    public void close() {
        batchedAudit.ifPresent(audit -> {
            long pending = audit.pending();
            audit.close();
            LOGGER.info("Tresor audit log written ({} records were queued)", pending);
        });
        statisticsReports.shutdownNow();
        LOGGER.info("Tresor key cache at shutdown: {}", describeCacheStatistics());
        changeListener.ifPresent(PostgresChangeListener::close);
        database.ifPresent(opened -> {
            opened.close();
            LOGGER.info("Tresor key repository closed");
        });
    }
}
