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
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.server.core.configuration.Configuration.ConfigurationPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.distribution.queue.DurableQueueModule;
import dev.tresor.keys.james.KeyRepositoryModule;

/**
 * Starts Apache James 3.8.1 (memory storage) with Tresor: the stock memory server's modules, and Tresor's jars on the
 * class path.
 *
 * <p>Two directories: James's working directory ({@code -Dworking.directory}) is Tresor's <em>data directory</em>,
 * where all state lives (the key database and master key under {@code var/tresor/}, James's {@code var/}, the TLS
 * identity under {@code tls/}); the configuration is read from {@code -Dtresor.configuration.directory} (the
 * distribution's {@code conf/}), or from {@code conf/} in the data directory when that property is not set. The
 * {@code bin/} scripts set both, the data directory from {@code TRESOR_DATA}, so that nothing is ever written under
 * the distribution (nor lost by a {@code mvn clean}).
 *
 * <p>Before James reads its configuration, every TLS key/certificate pair that an enabled SMTP or IMAP listener points
 * to is generated as a self-signed pair if it does not exist yet (see {@link ServerTlsIdentity}).
 */
public final class TresorServerMain implements JamesServerMain {
    static final String WORKING_DIRECTORY = "working.directory";
    static final String CONFIGURATION_DIRECTORY = "tresor.configuration.directory";
    private static final Logger LOGGER = LoggerFactory.getLogger(TresorServerMain.class);

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
            .combineWith(new FakeSearchMailboxModule())
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
        provisionTlsIdentities(configurationDirectory(configuration, workingDirectory), workingDirectory);
        return MemoryJamesServerMain.createServer(configuration).combineWith(new KeyRepositoryModule())
            // the mail queues on disk (var/store/activemq/), not in memory: a 250 survives a crash
            .overrideWith(new DurableQueueModule());
    }

    private static Path configurationDirectory(MemoryJamesConfiguration configuration, Path workingDirectory) {
        String path = configuration.configurationPath().asString();
        if (path.startsWith(FileSystem.FILE_PROTOCOL_ABSOLUTE)) {
            return Path.of(path.substring(FileSystem.FILE_PROTOCOL.length()));
        }
        return workingDirectory.resolve("conf");
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
