package dev.tresor.distribution.jpa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;


/**
 * The entity manager factory, opened once, closed when James stops: after the last component that uses it (James
 * calls {@code @PreDestroy} in the reverse order of creation).
 */
@Singleton
final class OpenedJamesDatabase {
    static final String PERSISTENCE_UNIT = "Global";
    private static final String DERBY_LOG = "derby.stream.error.file";

    private final EntityManagerFactory entityManagerFactory;
    private final AtomicBoolean closed = new AtomicBoolean();

    @Inject
    OpenedJamesDatabase(JamesDatabase database) {
        if (database.isEmbeddedDerby() && System.getProperty(DERBY_LOG) == null) {
            // Derby's own log goes next to its files, not into whatever directory James was started from
            Path log = derbyDirectory(database).resolveSibling("derby.log");
            try {
                Files.createDirectories(log.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the directory of the James database, " + log.getParent(), e);
            }
            System.setProperty(DERBY_LOG, log.toString());
        }
        this.entityManagerFactory = Persistence.createEntityManagerFactory(PERSISTENCE_UNIT, database.openJpaProperties());
        // OpenJPA connects lazily; connecting now makes a wrong URL or password stop the start with a clear cause
        this.entityManagerFactory.createEntityManager().close();
    }

    EntityManagerFactory entityManagerFactory() {
        return entityManagerFactory;
    }

    /** Idempotent: James's lifecycle may call it more than once. */
    @PreDestroy
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // closing the factory closes the pool and, for embedded Derby, shuts the database down (OpenJPA's
        // DerbyDictionary does so on close), so that the next start needs no recovery
        if (entityManagerFactory.isOpen()) {
            entityManagerFactory.close();
        }
    }

    private static Path derbyDirectory(JamesDatabase database) {
        String location = database.url().substring("jdbc:derby:".length());
        int parameters = location.indexOf(';');
        return Path.of(parameters < 0 ? location : location.substring(0, parameters)).toAbsolutePath();
    }
}
