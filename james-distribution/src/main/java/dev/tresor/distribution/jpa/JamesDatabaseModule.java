package dev.tresor.distribution.jpa;

import java.io.FileNotFoundException;
import java.nio.file.Path;

import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.jpa.healthcheck.JPAHealthCheck;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.Multibinder;

/**
 * The one OpenJPA {@link EntityManagerFactory} (persistence unit {@code Global} of the distribution's
 * {@code META-INF/persistence.xml}) that James's JPA domain list, users, recipient rewrite table, Sieve repository,
 * mail repositories and mailboxes share, on the database {@link JamesDatabase} names; and its health check,
 * {@code JPA Backend} in WebAdmin's {@code /healthcheck}, so that a load balancer stops sending mail to a node that
 * lost its database.
 */
public final class JamesDatabaseModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(JamesDatabaseModule.class);

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(JPAHealthCheck.class);
    }

    @Provides
    @Singleton
    JamesDatabase database(PropertiesProvider propertiesProvider, JamesDirectoriesProvider directories)
        throws ConfigurationException {
        Path dataDirectory = Path.of(directories.getRootDirectory());
        JamesDatabase database;
        try {
            database = JamesDatabase.from(propertiesProvider.getConfiguration(JamesDatabase.FILE_NAME), dataDirectory);
        } catch (FileNotFoundException e) {
            database = JamesDatabase.embedded(dataDirectory);
        }
        LOGGER.info("James data (domains, users, recipient rewrites, mail repositories, mailboxes) in {}",
            database.describe());
        return database;
    }

    @Provides
    @Singleton
    EntityManagerFactory entityManagerFactory(OpenedJamesDatabase opened) {
        return opened.entityManagerFactory();
    }
}
