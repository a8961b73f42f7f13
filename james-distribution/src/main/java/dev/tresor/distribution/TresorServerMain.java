package dev.tresor.distribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerMain;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.RunArgumentsModule;

import dev.tresor.keys.james.KeyRepositoryModule;

/**
 * Starts Apache James 3.8.1 (memory storage) with Tresor: the stock memory server's modules, the configuration in
 * {@code $working.directory/conf}, and Tresor's jars on the class path.
 *
 * <p>Before James reads its configuration, every TLS key/certificate pair that an enabled SMTP or IMAP listener points
 * to is generated as a self-signed pair if it does not exist yet (see {@link ServerTlsIdentity}).
 */
public final class TresorServerMain implements JamesServerMain {

    private TresorServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ExtraProperties.initialize();

        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .useWorkingDirectoryEnvProperty()
            .build();

        GuiceJamesServer server = createServer(configuration)
            .combineWith(new FakeSearchMailboxModule())
            .overrideWith(new RunArgumentsModule(args));

        JamesServerMain.main(server);
    }

    public static GuiceJamesServer createServer(MemoryJamesConfiguration configuration) {
        provisionTlsIdentities(Path.of(configuration.directories().getRootDirectory()));
        return MemoryJamesServerMain.createServer(configuration).combineWith(new KeyRepositoryModule());
    }

    private static void provisionTlsIdentities(Path workingDirectory) {
        try {
            for (ServerTlsIdentity identity : ServerTlsIdentity.configuredIn(workingDirectory)) {
                identity.provisionIfMissing();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the TLS identity in " + workingDirectory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot generate a TLS identity in " + workingDirectory, e);
        }
    }
}
