package dev.tresor.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;

import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerMain;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.NaiveDelegationStoreModule;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.modules.MailboxModule;
import org.apache.james.modules.MailetProcessingModule;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.modules.mailbox.DefaultEventModule;
import org.apache.james.modules.mailbox.MemoryDeadLetterModule;
import org.apache.james.modules.protocols.IMAPServerModule;
import org.apache.james.modules.protocols.LMTPServerModule;
import org.apache.james.modules.protocols.ManageSieveServerModule;
import org.apache.james.modules.protocols.POP3ServerModule;
import org.apache.james.modules.protocols.ProtocolHandlerModule;
import org.apache.james.modules.protocols.SMTPServerModule;
import org.apache.james.modules.queue.memory.MemoryMailQueueModule;
import org.apache.james.modules.server.DKIMMailetModule;
import org.apache.james.modules.server.DataRoutesModules;
import org.apache.james.modules.server.DefaultProcessorsConfigurationProviderModule;
import org.apache.james.modules.server.MailQueueRoutesModule;
import org.apache.james.modules.server.MailRepositoriesRoutesModule;
import org.apache.james.modules.server.MailboxRoutesModule;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.RawPostDequeueDecoratorModule;
import org.apache.james.modules.server.SieveRoutesModule;
import org.apache.james.modules.server.TaskManagerModule;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.server.core.configuration.Configuration.ConfigurationPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.Module;
import com.google.inject.util.Modules;

import dev.tresor.distribution.jpa.JamesDatabaseModule;
import dev.tresor.distribution.jpa.JpaDataModule;
import dev.tresor.distribution.jpa.DatabaseUsersRepositoryModule;
import dev.tresor.distribution.jpa.JpaMailboxModule;
import dev.tresor.distribution.queue.DurableQueueModule;
import dev.tresor.distribution.webadmin.WebAdminAuthenticationModule;
import dev.tresor.distribution.webadmin.WebAdminSigningKey;
import dev.tresor.keys.james.KeyRepositoryModule;
import dev.tresor.mailets.support.TresorMetricsModule;

/**
 * Starts Apache James 3.8.1 with Tresor: James's published Guice modules for the protocols, the mailet container and
 * WebAdmin, James's data and mailboxes in a database ({@link JamesDatabaseModule}: embedded Derby in the data
 * directory, or PostgreSQL), Tresor's key repository, and Tresor's metrics ({@link TresorMetricsModule}).
 *
 * <p>The module list is ours, composed as James's JPA server composes its own (James publishes the JPA libraries
 * but not their Guice glue nor that server): domains, users, recipient rewrites, Sieve scripts, mail repositories
 * ({@code jpa://}) and local mailboxes survive a restart, and several nodes on one PostgreSQL database share them.
 * Left out, because they would keep their state in memory or need JMAP: JMAP, the deleted message vault, DLP rules,
 * vacation and identity routes. The mail queue is one module ({@link #mailQueue()}) so that it can be swapped alone.
 *
 * <p>Two directories: James's working directory ({@code -Dworking.directory}) is Tresor's <em>data directory</em>,
 * where all state lives (the key database and master key under {@code var/tresor/}, James's {@code var/}, the TLS
 * identity under {@code tls/}); the configuration is read from {@code -Dtresor.configuration.directory} (the
 * distribution's {@code conf/}), or from {@code conf/} in the data directory when that property is not set. The
 * {@code bin/} scripts set both, the data directory from {@code TRESOR_DATA}, so that nothing is ever written under
 * the distribution (nor lost by a {@code mvn clean}).
 *
 * <p>Before James reads its configuration, every TLS key/certificate pair that an enabled SMTP or IMAP listener points
 * to is generated as a self-signed pair if it does not exist yet (see {@link ServerTlsIdentity}), and so is WebAdmin's
 * token signing key when {@code webadmin.properties} turns JWT authentication on (see {@link WebAdminSigningKey}).
 */
public final class TresorServerMain implements JamesServerMain {
    static final String WORKING_DIRECTORY = "working.directory";
    static final String CONFIGURATION_DIRECTORY = "tresor.configuration.directory";
    private static final Logger LOGGER = LoggerFactory.getLogger(TresorServerMain.class);

    /**
     * {@code -Dtresor.queue=memory} (in {@code JAVA_OPTS}) puts the mail queues back in memory, as James's memory server
     * keeps them: for the relay benchmark's comparison only. A crash or a stop then loses every mail in them.
     */
    static final String QUEUE_PROPERTY = "tresor.queue";

    /**
     * Where accepted mail waits for the spooler and for remote delivery: on disk (var/store/activemq/), not in
     * memory, so that a 250 survives a crash; in memory only when {@link #QUEUE_PROPERTY} asks for it.
     */
    static Module mailQueue() {
        String queue = System.getProperty(QUEUE_PROPERTY, "durable");
        switch (queue) {
            case "durable":
                return new DurableQueueModule();
            case "memory":
                LOGGER.warn("-D{}=memory: the mail queues are in memory; a crash or a stop loses every mail in them. "
                    + "For benchmarks only.", QUEUE_PROPERTY);
                return new MemoryMailQueueModule();
            default:
                throw new IllegalArgumentException("-D" + QUEUE_PROPERTY + "=" + queue
                    + " is not a queue; use durable (the default) or memory (benchmarks only)");
        }
    }

    /** James's WebAdmin, its authentication filter replaced by one that also knows tenant-scoped tokens. */
    private static final Module WEBADMIN = Modules.override(Modules.combine(
        new WebAdminServerModule(),
        new NoJwtModule(),
        new DataRoutesModules(),
        new MailboxRoutesModule(),
        new MailQueueRoutesModule(),
        new MailRepositoriesRoutesModule(),
        new SieveRoutesModule()))
        .with(new WebAdminAuthenticationModule());

    private static final Module PROTOCOLS = Modules.combine(
        new IMAPServerModule(),
        new LMTPServerModule(),
        new ManageSieveServerModule(),
        new POP3ServerModule(),
        new ProtocolHandlerModule(),
        new SMTPServerModule());

    private static final Module SERVER = Modules.combine(
        new MailetProcessingModule(),
        new DefaultProcessorsConfigurationProviderModule(),
        new RawPostDequeueDecoratorModule(),
        new DKIMMailetModule(),
        new NaiveDelegationStoreModule(),
        new JamesDatabaseModule(),
        new JpaDataModule(),
        new MailboxModule(),
        new JpaMailboxModule(),
        new FakeSearchMailboxModule(),
        new DefaultEventModule(),
        new MemoryDeadLetterModule(),
        new TaskManagerModule());

    private TresorServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ExtraProperties.initialize();

        MemoryJamesConfiguration.Builder builder = MemoryJamesConfiguration.builder()
            .useWorkingDirectoryEnvProperty();
        Path dataDirectory = Path.of(System.getProperty(WORKING_DIRECTORY)).toAbsolutePath();
        Path configurationDirectory = configurationDirectory(dataDirectory);
        if (System.getProperty(CONFIGURATION_DIRECTORY) != null) {
            builder.configurationPath(new ConfigurationPath(FileSystem.FILE_PROTOCOL + configurationDirectory + "/"));
        }
        LOGGER.info("Tresor data directory (key database, master key, mail repositories, TLS identity): {}; "
            + "configuration: {}", dataDirectory, configurationDirectory);

        GuiceJamesServer server = createServer(builder.build())
            .overrideWith(new RunArgumentsModule(args));

        JamesServerMain.main(server);
    }

    /** {@code -Dtresor.configuration.directory}, or {@code conf/} of the data directory. */
    static Path configurationDirectory(Path dataDirectory) {
        return Optional.ofNullable(System.getProperty(CONFIGURATION_DIRECTORY))
            .map(directory -> Path.of(directory).toAbsolutePath().normalize())
            .orElse(dataDirectory.resolve("conf"));
    }

    public static GuiceJamesServer createServer(MemoryJamesConfiguration configuration) {
        Path workingDirectory = Path.of(configuration.directories().getRootDirectory());
        Path configurationDirectory = configurationDirectory(configuration, workingDirectory);
        provisionTlsIdentities(configurationDirectory, workingDirectory);
        provisionWebAdminSigningKey(configurationDirectory, workingDirectory);
        return GuiceJamesServer.forConfiguration(configuration)
            .combineWith(SERVER, mailQueue(), PROTOCOLS, WEBADMIN)
            .combineWith(new UsersRepositoryModuleChooser(new DatabaseUsersRepositoryModule())
                .chooseModules(configuration.getUsersRepositoryImplementation()))
            .combineWith(new KeyRepositoryModule(), new TresorMetricsModule(), new QuarantineModule());
    }

    private static Path configurationDirectory(MemoryJamesConfiguration configuration, Path workingDirectory) {
        String path = configuration.configurationPath().asString();
        if (path.startsWith(FileSystem.FILE_PROTOCOL_ABSOLUTE)) {
            return Path.of(path.substring(FileSystem.FILE_PROTOCOL.length()));
        }
        return workingDirectory.resolve("conf");
    }

    private static void provisionWebAdminSigningKey(Path configurationDirectory, Path workingDirectory) {
        try {
            Optional<WebAdminSigningKey> key = WebAdminSigningKey.configuredIn(configurationDirectory, workingDirectory);
            if (key.isPresent()) {
                key.get().provisionIfMissing();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare WebAdmin's signing key in " + workingDirectory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate WebAdmin's signing key in " + workingDirectory, e);
        }
    }

    private static void provisionTlsIdentities(Path configurationDirectory, Path workingDirectory) {
        try {
            for (ServerTlsIdentity identity : ServerTlsIdentity.configuredIn(configurationDirectory, workingDirectory)) {
                identity.provisionIfMissing();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the TLS identity in " + workingDirectory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a TLS identity in " + workingDirectory, e);
        }
    }
}
