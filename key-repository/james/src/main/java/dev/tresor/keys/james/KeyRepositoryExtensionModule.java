package dev.tresor.keys.james;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.time.Clock;

import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.repository.StoredKeyRepository;
import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.webadmin.KeyRepositoryRoutes;

/**
 * The key repository's own bindings: a singleton {@link KeyRepository} (and its {@link KeyStorage}) built from
 * {@code conf/keyrepository.properties} (see {@link KeyRepositoryConfiguration}). The storage is opened when James
 * starts, so a wrong configuration stops the start with a message naming the property. Its cache's statistics are
 * James gauges ({@link KeyCacheGauges}).
 *
 * <p>This is the module for a stock James 3.8.1, which installs {@code guice.extension.module}s in the injector it
 * uses for extensions (mailets, matchers, SMTP hooks, WebAdmin route and health check extensions), not in its main
 * injector:
 * <pre>
 * conf/extensions.properties   guice.extension.module=dev.tresor.keys.james.KeyRepositoryExtensionModule
 *                              guice.extension.startable=dev.tresor.keys.james.LifecycleStartable
 *                              guice.extension.task=dev.tresor.keys.james.RenewalTaskExtension
 * conf/webadmin.properties     extensions.routes=dev.tresor.keys.webadmin.KeyRepositoryRoutes,dev.tresor.keys.webadmin.RenewalRoutes
 * conf/healthcheck.properties  additional.healthchecks=dev.tresor.keys.james.KeyRepositoryHealthCheck
 * </pre>
 * The startable starts the renewal job's schedule ({@link RenewalScheduler}) and the publication server
 * ({@link PublicationServer}), singletons made when first asked for (so that an injector without James's task manager,
 * such as {@code tresor-process}'s, can still use this module); the task extension lets {@code GET /tasks/{id}} show the
 * renewal job's details.
 * Tresor's own distribution uses {@link KeyRepositoryModule}, which adds the routes and the health check itself.
 */
public final class KeyRepositoryExtensionModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(KeyRepositoryExtensionModule.class);

    @Override
    protected void configure() {
        bind(ConfiguredKeyStorage.class).asEagerSingleton();
        bind(KeyProtection.class).toProvider(CheckedKeyProtection.class).asEagerSingleton();
        bind(KeyCacheGauges.class).asEagerSingleton();
    }

    @Provides
    @Singleton
    KeyRepositoryConfiguration configuration(PropertiesProvider propertiesProvider, JamesDirectoriesProvider directories)
        throws ConfigurationException {
        Path workingDirectory = Path.of(directories.getRootDirectory());
        try {
            return KeyRepositoryConfiguration.from(
                propertiesProvider.getConfiguration(KeyRepositoryConfiguration.FILE_NAME), workingDirectory);
        } catch (FileNotFoundException e) {
            LOGGER.info("No {}.properties: Tresor keys in H2 under {}", KeyRepositoryConfiguration.FILE_NAME, workingDirectory);
            return KeyRepositoryConfiguration.defaults(workingDirectory);
        }
    }

    @Provides
    @Singleton
    KeyStorage storage(ConfiguredKeyStorage configured) {
        return configured.storage();
    }

    @Provides
    @Singleton
    KeyRepository repository(ConfiguredKeyStorage configured, KeyProtection protection, Clock clock) {
        return StoredKeyRepository.create(configured.storage(), protection, clock);
    }
}
