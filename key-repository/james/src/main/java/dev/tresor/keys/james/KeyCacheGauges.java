package dev.tresor.keys.james;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.metrics.api.GaugeRegistry;

import dev.tresor.keys.cache.CachingKeyStorage;

/**
 * The key cache's statistics as James gauges, read when the metrics are (JMX, WebAdmin's {@code GET /metrics}):
 * <ul>
 *   <li>{@value #LOOKUPS}: certificate, key and tenant lookups the cache answered or passed on, since start;</li>
 *   <li>{@value #HITS} and {@value #MISSES}: of those, answered from the cache, and looked up in the storage;</li>
 *   <li>{@value #EVICTIONS}: answers dropped for size or age; {@value #SIZE}: answers held now.</li>
 * </ul>
 * The same counts are logged every quarter of an hour ({@link ConfiguredKeyStorage}).
 */
@Singleton
public final class KeyCacheGauges {
    public static final String LOOKUPS = "tresor_key_cache_lookups";
    public static final String HITS = "tresor_key_cache_hits";
    public static final String MISSES = "tresor_key_cache_misses";
    public static final String EVICTIONS = "tresor_key_cache_evictions";
    public static final String SIZE = "tresor_key_cache_size";

    @Inject
    public KeyCacheGauges(ConfiguredKeyStorage storage, GaugeRegistry gauges) {
        register(storage.cache(), gauges);
    }

    static void register(CachingKeyStorage cache, GaugeRegistry gauges) {
        gauges.register(LOOKUPS, () -> cache.statistics().requestCount())
            .register(HITS, () -> cache.statistics().hitCount())
            .register(MISSES, () -> cache.statistics().missCount())
            .register(EVICTIONS, () -> cache.statistics().evictionCount())
            .register(SIZE, cache::size);
    }
}
