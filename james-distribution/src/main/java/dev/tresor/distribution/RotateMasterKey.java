package dev.tresor.distribution;

import java.io.FileNotFoundException;
import java.nio.file.Path;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.JamesServerResourceLoader;
import org.apache.james.server.core.configuration.Configuration.ConfigurationPath;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;

import dev.tresor.keys.james.ConfiguredKeyStorage;
import dev.tresor.keys.james.KeyRepositoryConfiguration;
import dev.tresor.keys.protection.EnvironmentMasterKey;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MasterKey;

/**
 * Re-wraps every tenant key of the key repository under a new master key, with James stopped. The private keys
 * themselves are not touched. Usage, from the distribution directory (a relative {@code file:} path is in the data
 * directory {@code $TRESOR_DATA}, like the relative paths of {@code conf/keyrepository.properties}):
 * <pre>
 * bin/tresor-rotate-master-key file:var/tresor/master-2026.key     (created if missing, mode 600)
 * bin/tresor-rotate-master-key environment:TRESOR_NEW_MASTER_KEY
 * </pre>
 * The current master key is the one {@code conf/keyrepository.properties} names. Afterwards point
 * {@code masterkey.provider} and {@code masterkey.file} (or {@code masterkey.environment.variable}) at the new key, then
 * start James; keep the old key until every node runs with the new one. Stopping half-way is safe: run it again.
 */
public final class RotateMasterKey {
    private static final String FILE = "file:";
    private static final String ENVIRONMENT = "environment:";

    private RotateMasterKey() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: tresor-rotate-master-key file:<path> | environment:<VARIABLE>");
            System.exit(2);
        }
        Path workingDirectory = Path.of(System.getProperty(TresorServerMain.WORKING_DIRECTORY, ".")).toAbsolutePath();
        try {
            int rewrapped = rotate(TresorServerMain.configurationDirectory(workingDirectory), workingDirectory, args[0]);
            System.out.println("Re-wrapped " + rewrapped + " tenant key(s) under the new master key. Now point "
                + "masterkey.* in conf/keyrepository.properties at it, then start James.");
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("Master key not rotated: " + e.getMessage());
            System.exit(1);
        }
    }

    /** {@link #rotate(Path, Path, String)} with the configuration in {@code workingDirectory/conf}. */
    static int rotate(Path workingDirectory, String newMasterKey) throws ConfigurationException {
        return rotate(workingDirectory.resolve("conf"), workingDirectory, newMasterKey);
    }

    /** @return how many tenant keys were re-wrapped */
    static int rotate(Path configurationDirectory, Path workingDirectory, String newMasterKey) throws ConfigurationException {
        KeyRepositoryConfiguration configuration = configuration(configurationDirectory, workingDirectory);
        ConfiguredKeyStorage storage = new ConfiguredKeyStorage(configuration);
        try {
            MasterKey current = configuration.openMasterKey(storage.tenantKeys());
            MasterKey next = parse(newMasterKey, workingDirectory);
            if (current.id().equals(next.id())) {
                throw new IllegalArgumentException("the new master key is the current one (" + current.id() + ")");
            }
            return KeyProtection.create(current, storage.tenantKeys()).rotateMasterKey(next);
        } finally {
            storage.close();
        }
    }

    private static MasterKey parse(String specification, Path workingDirectory) {
        if (specification.startsWith(FILE)) {
            return FileMasterKey.loadOrCreate(workingDirectory.resolve(specification.substring(FILE.length())));
        }
        if (specification.startsWith(ENVIRONMENT)) {
            return EnvironmentMasterKey.from(specification.substring(ENVIRONMENT.length()));
        }
        throw new IllegalArgumentException("unknown master key '" + specification
            + "': use file:<path> or environment:<VARIABLE>");
    }

    static KeyRepositoryConfiguration configuration(Path configurationDirectory, Path workingDirectory) throws ConfigurationException {
        FileSystem fileSystem = new FileSystemImpl(new JamesServerResourceLoader(workingDirectory.toString()));
        PropertiesProvider properties = new PropertiesProvider(fileSystem,
            new ConfigurationPath(FileSystem.FILE_PROTOCOL + configurationDirectory.toAbsolutePath() + "/"));
        try {
            return KeyRepositoryConfiguration.from(properties.getConfiguration(KeyRepositoryConfiguration.FILE_NAME), workingDirectory);
        } catch (FileNotFoundException e) {
            return KeyRepositoryConfiguration.defaults(workingDirectory);
        }
    }
}
