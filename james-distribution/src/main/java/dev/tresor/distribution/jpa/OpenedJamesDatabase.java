package dev.tresor.distribution.jpa;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entity manager factory, opened once, closed when James stops: after the last component that uses it (James
 * calls {@code @PreDestroy} in the reverse order of creation), so that the embedded Derby database is shut down
 * cleanly and the next start needs no recovery.
 */
@Singleton
final class OpenedJamesDatabase {
    static final String PERSISTENCE_UNIT = "Global";
    private static final Logger LOGGER = LoggerFactory.getLogger(OpenedJamesDatabase.class);
    /** Derby answers a successful shutdown of one database with this SQL state. */
    private static final String DERBY_DATABASE_SHUT_DOWN = "08006";
    private static final String DERBY_LOG = "derby.stream.error.file";

    private final JamesDatabase database;
    private final EntityManagerFactory entityManagerFactory;
    private final AtomicBoolean closed = new AtomicBoolean();

    @Inject
    OpenedJamesDatabase(JamesDatabase database) {
        this.database = database;
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
        if (entityManagerFactory.isOpen()) {
            entityManagerFactory.close();
        }
        if (database.isEmbeddedDerby()) {
            shutDownDerby();
        }
    }

    private void shutDownDerby() {
        String url = database.url();
        int parameters = url.indexOf(';');
        try {
            DriverManager.getConnection((parameters < 0 ? url : url.substring(0, parameters)) + ";shutdown=true").close();
        } catch (SQLException e) {
            if (!DERBY_DATABASE_SHUT_DOWN.equals(e.getSQLState())) {
                LOGGER.warn("The embedded Derby database did not shut down cleanly; it recovers at the next start", e);
            }
        }
    }

    private static Path derbyDirectory(JamesDatabase database) {
        String location = database.url().substring("jdbc:derby:".length());
        int parameters = location.indexOf(';');
        return Path.of(parameters < 0 ? location : location.substring(0, parameters)).toAbsolutePath();
    }
}
