package dev.tresor.mailets.support;

import com.google.inject.AbstractModule;

/**
 * Hands James's {@code MetricFactory} to {@link TresorMetrics} when James starts, so that Tresor's mailets count what
 * they do. Installed by Tresor's distribution; a stock James with the drop-in bundle lists it beside the key
 * repository's module:
 * <pre>
 * conf/extensions.properties   guice.extension.module=dev.tresor.keys.james.KeyRepositoryExtensionModule,dev.tresor.mailets.support.TresorMetricsModule
 * </pre>
 */
public final class TresorMetricsModule extends AbstractModule {
    @Override
    protected void configure() {
        requestStaticInjection(TresorMetrics.class);
    }
}
