package dev.tresor.keys.james;

import java.nio.file.InvalidPathException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.util.DurationParser;

import dev.tresor.keys.audit.BatchingAuditStorage;
import dev.tresor.keys.cache.CachingKeyStorage;
import dev.tresor.keys.jdbc.PostgresChangeListener;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.protection.EnvironmentMasterKey;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtectionException;
import dev.tresor.keys.protection.MasterKey;
import dev.tresor.keys.protection.Pkcs11MasterKey;
import dev.tresor.keys.protection.TenantKeyStore;

/**
 * Where the key repository keeps its data and its master key, read from {@code conf/keyrepository.properties}. A
 * missing file means every default. Relative paths are resolved against James's working directory.
 *
 * <table>
 *     <caption>Properties</caption>
 *     <tr><th>property</th><th>values</th><th>default</th></tr>
 *     <tr><td>{@code storage}</td><td>{@code h2}, {@code postgresql}, {@code memory}</td><td>{@code h2}</td></tr>
 *     <tr><td>{@code h2.file}</td><td>database file, without H2's {@code .mv.db} suffix</td>
 *         <td>{@code var/tresor/keys}</td></tr>
 *     <tr><td>{@code postgresql.url}</td><td>{@code jdbc:postgresql://host:port/database}</td>
 *         <td>required for {@code postgresql}</td></tr>
 *     <tr><td>{@code postgresql.user}, {@code postgresql.password}</td><td>credentials</td>
 *         <td>user required for {@code postgresql}; password empty</td></tr>
 *     <tr><td>{@code masterkey.provider}</td><td>{@code file}, {@code environment}, {@code pkcs11}</td>
 *         <td>{@code file}</td></tr>
 *     <tr><td>{@code masterkey.file}</td><td>path; created owner-only on first start</td>
 *         <td>{@code var/tresor/master.key}</td></tr>
 *     <tr><td>{@code masterkey.environment.variable}</td><td>variable holding the base64 key</td>
 *         <td>{@code TRESOR_MASTER_KEY}</td></tr>
 *     <tr><td>{@code masterkey.pkcs11.library}, {@code masterkey.pkcs11.slot}, {@code masterkey.pkcs11.pin}</td>
 *         <td>PKCS#11 module, slot id, user PIN</td><td>required for {@code pkcs11}</td></tr>
 *     <tr><td>{@code masterkey.pkcs11.label}</td><td>label of the AES key in the token</td>
 *         <td>{@code tresor-master}</td></tr>
 *     <tr><td>{@code healthcheck.expiringWithinDays}</td><td>0 to 3650; 0 turns the expiry warning off</td>
 *         <td>30</td></tr>
 *     <tr><td>{@code cache.ttl}</td><td>how long a node may reuse the lookups made for every mail (certificates and
 *         keys by address, signing keys, the tenant of a domain, federation), as James writes durations
 *         ({@code 30s}, {@code 2m}; plain numbers are seconds), at most 1 hour; 0 turns caching off</td>
 *         <td>{@code 30s}</td></tr>
 *     <tr><td>{@code cache.size}</td><td>how many such answers a node keeps at most, 0 to 1,000,000; the least
 *         recently used go first; 0 turns caching off</td><td>10000</td></tr>
 *     <tr><td>{@code cache.listener.heartbeat}</td><td>PostgreSQL only: how often the connection that hears other
 *         nodes' changes is probed, 1 s to 5 min; a silently lost connection is noticed within twice this</td>
 *         <td>{@code 5s}</td></tr>
 *     <tr><td>{@code publication.port}</td><td>TCP port of the publication server ({@link PublicationServer}: CRLs,
 *         OCSP, CA certificates, the tenants' own certificates and OpenPGP Web Key Directory), 0 to 65535; 0 turns it
 *         off</td><td>8081</td></tr>
 *     <tr><td>{@code publication.bind}</td><td>the address it listens on</td><td>{@code 0.0.0.0}</td></tr>
 *     <tr><td>{@code publication.url}</td><td>the http:// base under which partners reach it: the publication URL of
 *         a tenant CA created without one (written into every certificate it issues)</td>
 *         <td>{@code http://localhost:<publication.port>}</td></tr>
 *     <tr><td>{@code lifecycle.renewal.interval}</td><td>how often the renewal job runs ({@link RenewalScheduler}),
 *         1 minute to 7 days</td><td>{@code 12h}</td></tr>
 *     <tr><td>{@code lifecycle.renewal.initialDelay}</td><td>how long after start it first runs, 0 to 1 day</td>
 *         <td>{@code 1m}</td></tr>
 *     <tr><td>{@code audit.flushInterval}</td><td>how long an audit record may wait to be written in one transaction
 *         with others, 0 to 1 minute; what a crash may lose of the audit log (a graceful stop loses nothing); 0 writes
 *         each record before the key use returns</td><td>{@code 200ms}</td></tr>
 * </table>
 *
 * <p>Every invalid value, and every property not listed here, fails James's start with a message naming the property
 * and what it accepts. Values go through James's properties reader, where a comma separates list items: write a
 * comma inside a value (a password) as {@code \,}.
 */
public final class KeyRepositoryConfiguration {
    /** The file name James's {@code PropertiesProvider} looks up in {@code conf/}, without its extension. */
    public static final String FILE_NAME = "keyrepository";

    static final String STORAGE = "storage";
    static final String H2_FILE = "h2.file";
    static final String POSTGRESQL_URL = "postgresql.url";
    static final String POSTGRESQL_USER = "postgresql.user";
    static final String POSTGRESQL_PASSWORD = "postgresql.password";
    static final String MASTER_KEY_PROVIDER = "masterkey.provider";
    static final String MASTER_KEY_FILE = "masterkey.file";
    static final String MASTER_KEY_ENVIRONMENT_VARIABLE = "masterkey.environment.variable";
    static final String PKCS11_LIBRARY = "masterkey.pkcs11.library";
    static final String PKCS11_SLOT = "masterkey.pkcs11.slot";
    static final String PKCS11_PIN = "masterkey.pkcs11.pin";
    static final String PKCS11_LABEL = "masterkey.pkcs11.label";
    static final String EXPIRING_WITHIN_DAYS = "healthcheck.expiringWithinDays";
    static final String CACHE_TTL = "cache.ttl";
    static final String CACHE_SIZE = "cache.size";
    static final String LISTENER_HEARTBEAT = "cache.listener.heartbeat";
    static final String PUBLICATION_PORT = "publication.port";
    static final String PUBLICATION_BIND = "publication.bind";
    static final String PUBLICATION_URL = "publication.url";
    static final String RENEWAL_INTERVAL = "lifecycle.renewal.interval";
    static final String RENEWAL_INITIAL_DELAY = "lifecycle.renewal.initialDelay";
    static final String AUDIT_FLUSH_INTERVAL = "audit.flushInterval";

    private static final Set<String> PROPERTIES = Set.of(STORAGE, H2_FILE, POSTGRESQL_URL, POSTGRESQL_USER,
        POSTGRESQL_PASSWORD, MASTER_KEY_PROVIDER, MASTER_KEY_FILE, MASTER_KEY_ENVIRONMENT_VARIABLE, PKCS11_LIBRARY,
        PKCS11_SLOT, PKCS11_PIN, PKCS11_LABEL, EXPIRING_WITHIN_DAYS, CACHE_TTL, CACHE_SIZE, LISTENER_HEARTBEAT,
        PUBLICATION_PORT, PUBLICATION_BIND, PUBLICATION_URL, RENEWAL_INTERVAL, RENEWAL_INITIAL_DELAY,
        AUDIT_FLUSH_INTERVAL);

    static final String DEFAULT_H2_FILE = "var/tresor/keys";
    static final String DEFAULT_MASTER_KEY_FILE = "var/tresor/master.key";
    static final String DEFAULT_ENVIRONMENT_VARIABLE = "TRESOR_MASTER_KEY";
    static final String DEFAULT_PKCS11_LABEL = "tresor-master";
    static final int DEFAULT_EXPIRING_WITHIN_DAYS = 30;
    private static final int MAX_EXPIRING_WITHIN_DAYS = 3650;
    private static final Duration MAX_CACHE_TTL = Duration.ofHours(1);
    private static final int MAX_CACHE_SIZE = 1_000_000;
    private static final Duration MIN_LISTENER_HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration MAX_LISTENER_HEARTBEAT = Duration.ofMinutes(5);
    static final int DEFAULT_PUBLICATION_PORT = 8081;
    static final String DEFAULT_PUBLICATION_BIND = "0.0.0.0";
    static final Duration DEFAULT_RENEWAL_INTERVAL = Duration.ofHours(12);
    static final Duration DEFAULT_RENEWAL_INITIAL_DELAY = Duration.ofMinutes(1);
    private static final Duration MIN_RENEWAL_INTERVAL = Duration.ofMinutes(1);
    private static final Duration MAX_RENEWAL_INTERVAL = Duration.ofDays(7);
    private static final Duration MAX_RENEWAL_INITIAL_DELAY = Duration.ofDays(1);
    private static final Duration MAX_AUDIT_FLUSH_INTERVAL = Duration.ofMinutes(1);
    private static final Pattern BIND_ADDRESS = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]%]+");
    private static final Pattern ENVIRONMENT_VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public enum StorageType {
        H2, POSTGRESQL, MEMORY
    }

    public enum MasterKeyProvider {
        FILE, ENVIRONMENT, PKCS11
    }

    /** How to reach a PostgreSQL database. */
    public static final class Postgresql {
        private final String url;
        private final String user;
        private final String password;

        Postgresql(String url, String user, String password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        public String url() {
            return url;
        }

        public String user() {
            return user;
        }

        public String password() {
            return password;
        }

        @Override
        public String toString() {
            return "Postgresql[" + url + ", user " + user + ", password hidden]";
        }
    }

    /** Which token and key hold the master key. */
    public static final class Pkcs11 {
        private final Path library;
        private final long slot;
        private final String pin;
        private final String label;

        Pkcs11(Path library, long slot, String pin, String label) {
            this.library = library;
            this.slot = slot;
            this.pin = pin;
            this.label = label;
        }

        public Path library() {
            return library;
        }

        public long slot() {
            return slot;
        }

        public char[] pin() {
            return pin.toCharArray();
        }

        public String label() {
            return label;
        }

        @Override
        public String toString() {
            return "Pkcs11[" + library + ", slot " + slot + ", key " + label + ", PIN hidden]";
        }
    }

    private final StorageType storage;
    private final Path h2File;
    private final Optional<Postgresql> postgresql;
    private final MasterKeyProvider masterKeyProvider;
    private final Path masterKeyFile;
    private final String masterKeyEnvironmentVariable;
    private final Optional<Pkcs11> pkcs11;
    private final Duration expiryWarning;
    private final Duration cacheTtl;
    private final long cacheSize;
    private final Duration listenerHeartbeat;
    private final Publication publication;
    private final Duration renewalInterval;
    private final Duration renewalInitialDelay;
    private final Duration auditFlushInterval;

    private KeyRepositoryConfiguration(StorageType storage, Path h2File, Optional<Postgresql> postgresql,
                                       MasterKeyProvider masterKeyProvider, Path masterKeyFile,
                                       String masterKeyEnvironmentVariable, Optional<Pkcs11> pkcs11,
                                       Duration expiryWarning, Duration cacheTtl, long cacheSize,
                                       Duration listenerHeartbeat, Publication publication, Duration renewalInterval,
                                       Duration renewalInitialDelay, Duration auditFlushInterval) {
        this.storage = storage;
        this.h2File = h2File;
        this.postgresql = postgresql;
        this.masterKeyProvider = masterKeyProvider;
        this.masterKeyFile = masterKeyFile;
        this.masterKeyEnvironmentVariable = masterKeyEnvironmentVariable;
        this.pkcs11 = pkcs11;
        this.expiryWarning = expiryWarning;
        this.cacheTtl = cacheTtl;
        this.cacheSize = cacheSize;
        this.listenerHeartbeat = listenerHeartbeat;
        this.publication = publication;
        this.renewalInterval = renewalInterval;
        this.renewalInitialDelay = renewalInitialDelay;
        this.auditFlushInterval = auditFlushInterval;
    }

    /** Every default: H2 and a master key file, both under {@code workingDirectory/var/tresor}. */
    public static KeyRepositoryConfiguration defaults(Path workingDirectory) {
        return new KeyRepositoryConfiguration(StorageType.H2, workingDirectory.resolve(DEFAULT_H2_FILE), Optional.empty(),
            MasterKeyProvider.FILE, workingDirectory.resolve(DEFAULT_MASTER_KEY_FILE), DEFAULT_ENVIRONMENT_VARIABLE,
            Optional.empty(), Duration.ofDays(DEFAULT_EXPIRING_WITHIN_DAYS), CachingKeyStorage.DEFAULT_TTL,
            CachingKeyStorage.DEFAULT_MAXIMUM_SIZE, PostgresChangeListener.DEFAULT_HEARTBEAT, Publication.DEFAULT,
            DEFAULT_RENEWAL_INTERVAL, DEFAULT_RENEWAL_INITIAL_DELAY, BatchingAuditStorage.DEFAULT_FLUSH_INTERVAL);
    }

    /**
     * @param properties the content of {@code keyrepository.properties}
     * @param workingDirectory James's working directory, against which relative paths are resolved
     * @throws IllegalArgumentException naming the property and the values it accepts, for the first invalid one
     */
    public static KeyRepositoryConfiguration from(Configuration properties, Path workingDirectory) {
        Reader reader = new Reader(properties, workingDirectory);
        reader.rejectUnknownProperties();
        StorageType storage = reader.choice(STORAGE, StorageType.class, StorageType.H2);
        Optional<Postgresql> postgresql = storage == StorageType.POSTGRESQL
            ? Optional.of(reader.postgresql())
            : Optional.empty();
        MasterKeyProvider provider = reader.choice(MASTER_KEY_PROVIDER, MasterKeyProvider.class, MasterKeyProvider.FILE);
        Optional<Pkcs11> pkcs11 = provider == MasterKeyProvider.PKCS11
            ? Optional.of(reader.pkcs11())
            : Optional.empty();
        return new KeyRepositoryConfiguration(
            storage,
            reader.path(H2_FILE, DEFAULT_H2_FILE),
            postgresql,
            provider,
            reader.path(MASTER_KEY_FILE, DEFAULT_MASTER_KEY_FILE),
            reader.environmentVariable(),
            pkcs11,
            Duration.ofDays(reader.integer(EXPIRING_WITHIN_DAYS, DEFAULT_EXPIRING_WITHIN_DAYS, 0, MAX_EXPIRING_WITHIN_DAYS)),
            reader.duration(CACHE_TTL, CachingKeyStorage.DEFAULT_TTL, Duration.ZERO, MAX_CACHE_TTL),
            reader.integer(CACHE_SIZE, (int) CachingKeyStorage.DEFAULT_MAXIMUM_SIZE, 0, MAX_CACHE_SIZE),
            reader.duration(LISTENER_HEARTBEAT, PostgresChangeListener.DEFAULT_HEARTBEAT, MIN_LISTENER_HEARTBEAT,
                MAX_LISTENER_HEARTBEAT),
            reader.publication(),
            reader.duration(RENEWAL_INTERVAL, DEFAULT_RENEWAL_INTERVAL, MIN_RENEWAL_INTERVAL, MAX_RENEWAL_INTERVAL),
            reader.duration(RENEWAL_INITIAL_DELAY, DEFAULT_RENEWAL_INITIAL_DELAY, Duration.ZERO,
                MAX_RENEWAL_INITIAL_DELAY),
            reader.duration(AUDIT_FLUSH_INTERVAL, BatchingAuditStorage.DEFAULT_FLUSH_INTERVAL, Duration.ZERO,
                MAX_AUDIT_FLUSH_INTERVAL, "a duration from 0 to 1m, such as 200ms or 1s (plain numbers are seconds)"));
    }

    public StorageType storage() {
        return storage;
    }

    /** The H2 database file (H2 appends {@code .mv.db}); used when {@link #storage()} is {@code H2}. */
    public Path h2File() {
        return h2File;
    }

    /** Present exactly when {@link #storage()} is {@code POSTGRESQL}. */
    public Optional<Postgresql> postgresql() {
        return postgresql;
    }

    public MasterKeyProvider masterKeyProvider() {
        return masterKeyProvider;
    }

    public Path masterKeyFile() {
        return masterKeyFile;
    }

    public String masterKeyEnvironmentVariable() {
        return masterKeyEnvironmentVariable;
    }

    /** Present exactly when {@link #masterKeyProvider()} is {@code PKCS11}. */
    public Optional<Pkcs11> pkcs11() {
        return pkcs11;
    }

    /** Certificates with a private key expiring within this period make the health check degraded; zero: never. */
    /**
     * The master key this configuration names. A master key file is created only for a store that holds no tenant
     * key yet: a missing file in front of wrapped tenant keys is a lost key, never something to replace.
     *
     * @throws KeyProtectionException if the master key file is missing while {@code tenantKeys} holds wrapped keys,
     *     saying what the admin can do, or if the configured master key cannot be opened
     */
    public MasterKey openMasterKey(TenantKeyStore tenantKeys) {
        switch (masterKeyProvider) {
            case ENVIRONMENT:
                return EnvironmentMasterKey.from(masterKeyEnvironmentVariable());
            case PKCS11:
                Pkcs11 token = pkcs11().orElseThrow();
                return Pkcs11MasterKey.open(token.library(), token.slot(), token.pin(), token.label());
            default:
                if (Files.notExists(masterKeyFile())) {
                    int stored = tenantKeys.all().size();
                    if (stored > 0) {
                        throw new KeyProtectionException("The master key file " + masterKeyFile() + " does not exist, "
                            + "but the key repository holds " + stored + " tenant key(s) wrapped by a master key: "
                            + "without it no stored private key can be used, and a new master key would not help. "
                            + "Restore it from your backup to " + masterKeyFile() + " (mode 600), or point "
                            + "masterkey.* in keyrepository.properties at it. Only to start over, losing every stored "
                            + "private key, stop James and move the key database aside (" + storage + describeStorage() + ").");
                    }
                }
                return FileMasterKey.loadOrCreate(masterKeyFile());
        }
    }

    public Duration expiryWarning() {
        return expiryWarning;
    }

    /** How long the lookups made for every mail may be reused on this node; zero: not cached. */
    public Duration cacheTtl() {
        return cacheTtl;
    }

    /** How many answers this node's cache keeps at most; zero: not cached. */
    public long cacheSize() {
        return cacheSize;
    }

    /** How often the connection hearing other nodes' changes (PostgreSQL) is probed. */
    public Duration listenerHeartbeat() {
        return listenerHeartbeat;
    }

    /** Where the publication server listens, and the URL partners reach it by. */
    public Publication publication() {
        return publication;
    }

    /** How often the renewal job runs. */
    public Duration renewalInterval() {
        return renewalInterval;
    }

    /** How long after James's start the renewal job first runs. */
    public Duration renewalInitialDelay() {
        return renewalInitialDelay;
    }

    /**
     * How long an audit record may wait in memory to be written with others ({@code BatchingAuditStorage}): what a
     * crash of James may lose of the audit log. Zero: every record is written before the key use returns.
     */
    public Duration auditFlushInterval() {
        return auditFlushInterval;
    }

    @Override
    public String toString() {
        return "KeyRepositoryConfiguration[storage " + storage + describeStorage() + ", master key " + masterKeyProvider
            + describeMasterKey() + ", expiry warning " + expiryWarning.toDays() + " days, cache " + cacheTtl
            + " for at most " + cacheSize + " answers, listener heartbeat " + listenerHeartbeat + ", " + publication
            + ", renewal every " + renewalInterval + " from " + renewalInitialDelay + " after start, audit "
            + (auditFlushInterval.isZero() ? "written at once" : "written every " + auditFlushInterval.toMillis() + " ms")
            + "]";
    }

    private String describeStorage() {
        switch (storage) {
            case H2:
                return " " + h2File;
            case POSTGRESQL:
                return " " + postgresql.map(Postgresql::url).orElse("");
            default:
                return "";
        }
    }

    private String describeMasterKey() {
        switch (masterKeyProvider) {
            case FILE:
                return " " + masterKeyFile;
            case ENVIRONMENT:
                return " $" + masterKeyEnvironmentVariable;
            default:
                return " " + pkcs11.map(Pkcs11::toString).orElse("");
        }
    }

    /** The publication server's address, and the base URL written into the certificates a tenant CA issues. */
    public static final class Publication {
        static final Publication DEFAULT = new Publication(DEFAULT_PUBLICATION_PORT, DEFAULT_PUBLICATION_BIND,
            defaultUrl(DEFAULT_PUBLICATION_PORT));

        private final int port;
        private final String bind;
        private final String url;

        Publication(int port, String bind, String url) {
            this.port = port;
            this.bind = bind;
            this.url = url;
        }

        /** The base URL a port gives when {@code publication.url} is not set: fit for a test, not for partners. */
        static String defaultUrl(int port) {
            return "http://localhost" + (port == 0 || port == 80 ? "" : ":" + port);
        }

        /** Whether the server runs at all ({@code publication.port=0}: it does not). */
        public boolean enabled() {
            return port != 0;
        }

        public int port() {
            return port;
        }

        public String bind() {
            return bind;
        }

        /** The publication URL of a CA created without one: {@code publication.url}. */
        public String url() {
            return url;
        }

        @Override
        public String toString() {
            return enabled() ? "publication on " + bind + ":" + port + " as " + url : "publication off";
        }
    }

    /** Reads one property at a time, failing with a message an operator can act on. */
    private static final class Reader {
        private final Configuration properties;
        private final Path workingDirectory;

        Reader(Configuration properties, Path workingDirectory) {
            this.properties = Objects.requireNonNull(properties);
            this.workingDirectory = Objects.requireNonNull(workingDirectory);
        }

        void rejectUnknownProperties() {
            List<String> unknown = new ArrayList<>();
            for (Iterator<String> keys = properties.getKeys(); keys.hasNext(); ) {
                String key = keys.next();
                if (!PROPERTIES.contains(key)) {
                    unknown.add(key);
                }
            }
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("Unknown propert" + (unknown.size() == 1 ? "y " : "ies ")
                    + unknown.stream().map(key -> "'" + key + "'").collect(Collectors.joining(", ")) + " in "
                    + FILE_NAME + ".properties; known properties are " + String.join(", ", new TreeSet<>(PROPERTIES)));
            }
        }

        /** The value with list items joined again: James's reader splits values at unescaped commas. */
        Optional<String> value(String key) {
            if (!properties.containsKey(key)) {
                return Optional.empty();
            }
            String value = String.join(",", properties.getStringArray(key)).trim();
            if (value.isEmpty()) {
                throw invalid(key, "", "a non-empty value (or leave the property out)");
            }
            return Optional.of(value);
        }

        String required(String key, String condition) {
            return value(key).orElseThrow(() -> new IllegalArgumentException("Property '" + key + "' in "
                + FILE_NAME + ".properties is required when " + condition));
        }

        <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
            return value(key)
                .map(value -> Arrays.stream(type.getEnumConstants())
                    .filter(constant -> constant.name().equalsIgnoreCase(value))
                    .findFirst()
                    .orElseThrow(() -> invalid(key, value, "one of " + Arrays.stream(type.getEnumConstants())
                        .map(constant -> constant.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", ")))))
                .orElse(defaultValue);
        }

        Path path(String key, String defaultValue) {
            String value = value(key).orElse(defaultValue);
            try {
                return workingDirectory.resolve(value).normalize();
            } catch (InvalidPathException e) {
                throw invalid(key, value, "a file path (absolute, or relative to James's working directory)");
            }
        }

        int integer(String key, int defaultValue, int min, int max) {
            String expected = "a whole number from " + min + " to " + max;
            return value(key)
                .map(value -> {
                    try {
                        int parsed = Integer.parseInt(value);
                        if (parsed < min || parsed > max) {
                            throw invalid(key, value, expected);
                        }
                        return parsed;
                    } catch (NumberFormatException e) {
                        throw invalid(key, value, expected);
                    }
                })
                .orElse(defaultValue);
        }

        Duration duration(String key, Duration defaultValue, Duration min, Duration max) {
            return duration(key, defaultValue, min, max, "a duration from " + (min.isZero() ? "0" : min.toSeconds() + "s")
                + " to " + max.toMinutes() + " minutes, such as 30s or 2m (plain numbers are seconds)");
        }

        Duration duration(String key, Duration defaultValue, Duration min, Duration max, String expected) {
            return value(key)
                .map(value -> {
                    Duration parsed;
                    try {
                        parsed = DurationParser.parse(value, ChronoUnit.SECONDS);
                    } catch (IllegalArgumentException e) {
                        throw invalid(key, value, expected);
                    }
                    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
                        throw invalid(key, value, expected);
                    }
                    return parsed;
                })
                .orElse(defaultValue);
        }

        Publication publication() {
            int port = integer(PUBLICATION_PORT, DEFAULT_PUBLICATION_PORT, 0, 65535);
            String bind = value(PUBLICATION_BIND).orElse(DEFAULT_PUBLICATION_BIND);
            if (!BIND_ADDRESS.matcher(bind).matches()) {
                throw invalid(PUBLICATION_BIND, bind, "an IP address or host name to listen on, such as 0.0.0.0 or 127.0.0.1");
            }
            String url = value(PUBLICATION_URL).orElse(Publication.defaultUrl(port));
            try {
                url = CaSettings.defaults(url).publicationUrl();
            } catch (IllegalArgumentException e) {
                throw invalid(PUBLICATION_URL, url, "an http:// URL with a host and no query, such as "
                    + "http://pki.example.com (CRL and OCSP URLs in certificates are plain HTTP)");
            }
            return new Publication(port, bind, url);
        }

        String environmentVariable() {
            String value = value(MASTER_KEY_ENVIRONMENT_VARIABLE).orElse(DEFAULT_ENVIRONMENT_VARIABLE);
            if (!ENVIRONMENT_VARIABLE.matcher(value).matches()) {
                throw invalid(MASTER_KEY_ENVIRONMENT_VARIABLE, value,
                    "an environment variable name (letters, digits and '_', not starting with a digit)");
            }
            return value;
        }

        Postgresql postgresql() {
            String condition = STORAGE + "=postgresql";
            String url = required(POSTGRESQL_URL, condition);
            if (!url.startsWith("jdbc:postgresql:")) {
                throw invalid(POSTGRESQL_URL, url, "a PostgreSQL JDBC URL, jdbc:postgresql://host:port/database");
            }
            return new Postgresql(url, required(POSTGRESQL_USER, condition), value(POSTGRESQL_PASSWORD).orElse(""));
        }

        Pkcs11 pkcs11() {
            String condition = MASTER_KEY_PROVIDER + "=pkcs11";
            required(PKCS11_LIBRARY, condition);
            required(PKCS11_SLOT, condition);
            return new Pkcs11(
                path(PKCS11_LIBRARY, ""),
                integer(PKCS11_SLOT, 0, 0, Integer.MAX_VALUE),
                required(PKCS11_PIN, condition),
                value(PKCS11_LABEL).orElse(DEFAULT_PKCS11_LABEL));
        }

        /** Never quotes the value of a secret. */
        private static IllegalArgumentException invalid(String key, String value, String expected) {
            String shown = key.endsWith("password") || key.endsWith("pin") ? "(hidden)" : "'" + value + "'";
            return new IllegalArgumentException("Invalid value " + shown + " for property '" + key + "' in "
                + FILE_NAME + ".properties: use " + expected);
        }
    }
}
