package dev.tresor.distribution.jpa;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;

/**
 * Where James's own data lives in the Tresor distribution: domains, users, recipient rewrites, Sieve scripts, the
 * {@code jpa://} mail repositories (error, tresor-quarantine, ...) and the local mailboxes, all through OpenJPA.
 *
 * <p>Read from {@code conf/james-database.properties}, with the keys James's own JPA server reads:
 * <table>
 *     <caption>james-database.properties</caption>
 *     <tr><th>key</th><th>default</th></tr>
 *     <tr><td>{@code database.driverClassName}</td><td>{@code org.apache.derby.jdbc.EmbeddedDriver}</td></tr>
 *     <tr><td>{@code database.url}</td><td>{@code jdbc:derby:<data directory>/var/store/derby;create=true}</td></tr>
 *     <tr><td>{@code database.username}, {@code database.password}</td><td>none</td></tr>
 *     <tr><td>{@code datasource.*}</td><td>pool settings (commons-dbcp2 names, e.g. {@code datasource.maxTotal=20})</td></tr>
 *     <tr><td>{@code openjpa.*}</td><td>passed to OpenJPA as they are</td></tr>
 * </table>
 * Without the file, or without {@code database.url}, the embedded default applies: nothing to install, one directory
 * inside the data directory, backed up with it. Derby rather than the H2 of the key repository: Derby is the database
 * James's JPA server and James's JPA tests run on with OpenJPA 3.2, whose H2 support predates H2 2.x.
 * PostgreSQL ({@code org.postgresql.Driver}) when several nodes share domains, users and quarantined mail.
 */
public final class JamesDatabase {
    /** The file James's {@code PropertiesProvider} looks up in {@code conf/}, without its extension. */
    public static final String FILE_NAME = "james-database";
    static final String DERBY_DRIVER = "org.apache.derby.jdbc.EmbeddedDriver";
    static final String DEFAULT_DERBY_DIRECTORY = "var/store/derby";

    private static final String DRIVER = "database.driverClassName";
    private static final String URL = "database.url";
    private static final String USERNAME = "database.username";
    private static final String PASSWORD = "database.password";
    private static final String OPENJPA_PREFIX = "openjpa";
    private static final String DATASOURCE_PREFIX = "datasource";

    private final String driverClassName;
    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;
    private final Map<String, String> pool;
    private final Map<String, String> openJpa;

    private JamesDatabase(String driverClassName, String url, Optional<String> username, Optional<String> password,
                          Map<String, String> pool, Map<String, String> openJpa) {
        this.driverClassName = driverClassName;
        this.url = url;
        this.username = username;
        this.password = password;
        this.pool = Map.copyOf(pool);
        this.openJpa = Map.copyOf(openJpa);
    }

    /** The embedded Derby database in {@code dataDirectory/var/store/derby}. */
    public static JamesDatabase embedded(Path dataDirectory) {
        return new JamesDatabase(DERBY_DRIVER, derbyUrl(dataDirectory.resolve(DEFAULT_DERBY_DIRECTORY)), Optional.empty(),
            Optional.empty(), Map.of(), Map.of());
    }

    /** {@code james-database.properties}; a missing {@code database.url} means the embedded default. */
    public static JamesDatabase from(Configuration properties, Path dataDirectory) throws ConfigurationException {
        String url = trimmed(properties.getString(URL, null)).orElse(null);
        if (url == null) {
            JamesDatabase embedded = embedded(dataDirectory);
            return new JamesDatabase(embedded.driverClassName, embedded.url, Optional.empty(), Optional.empty(),
                withPrefix(properties, DATASOURCE_PREFIX, true), withPrefix(properties, OPENJPA_PREFIX, false));
        }
        if (!url.startsWith("jdbc:")) {
            throw new ConfigurationException(FILE_NAME + ".properties: " + URL + " must be a JDBC URL (jdbc:...), was "
                + url);
        }
        String driver = trimmed(properties.getString(DRIVER, null)).orElseThrow(() -> new ConfigurationException(
            FILE_NAME + ".properties: " + DRIVER + " is required with " + URL + " (e.g. org.postgresql.Driver)"));
        Optional<String> username = trimmed(properties.getString(USERNAME, null));
        Optional<String> password = Optional.ofNullable(properties.getString(PASSWORD, null)).filter(p -> !p.isEmpty());
        if (password.isPresent() && username.isEmpty()) {
            throw new ConfigurationException(FILE_NAME + ".properties: " + PASSWORD + " without " + USERNAME);
        }
        return new JamesDatabase(driver, url, username, password, withPrefix(properties, DATASOURCE_PREFIX, true),
            withPrefix(properties, OPENJPA_PREFIX, false));
    }

    static String derbyUrl(Path directory) {
        return "jdbc:derby:" + directory.toAbsolutePath().normalize() + ";create=true";
    }

    /** The properties {@code Persistence.createEntityManagerFactory} gets, on top of META-INF/persistence.xml. */
    public Map<String, String> openJpaProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("openjpa.ConnectionDriverName", driverClassName);
        properties.put("openjpa.ConnectionURL", url);
        username.ifPresent(user -> properties.put("openjpa.ConnectionUserName", user));
        password.ifPresent(secret -> properties.put("openjpa.ConnectionPassword", secret));
        // OpenJPA pools its connections with commons-dbcp2 (on the class path) and passes these settings on to it
        List<String> poolSettings = new ArrayList<>();
        pool.forEach((key, value) -> poolSettings.add(key + "=" + value));
        if (!poolSettings.isEmpty()) {
            properties.put("openjpa.ConnectionProperties", String.join(",", poolSettings));
        }
        // James's mailbox and data code share the factory between threads
        properties.put("openjpa.Multithreaded", "true");
        properties.putAll(openJpa);
        return properties;
    }

    public boolean isEmbeddedDerby() {
        return driverClassName.equals(DERBY_DRIVER);
    }

    public String url() {
        return url;
    }

    /** The URL without user information or parameters that might carry a password: safe to log. */
    public String describe() {
        int parameters = url.indexOf('?');
        return (parameters < 0 ? url : url.substring(0, parameters)) + username.map(user -> " as " + user).orElse("");
    }

    private static Optional<String> trimmed(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static Map<String, String> withPrefix(Configuration properties, String prefix, boolean stripPrefix) {
        Map<String, String> found = new LinkedHashMap<>();
        Iterator<String> keys = properties.getKeys(prefix);
        while (keys.hasNext()) {
            String key = keys.next();
            found.put(stripPrefix ? key.substring(prefix.length() + 1) : key, properties.getString(key));
        }
        return found;
    }
}
