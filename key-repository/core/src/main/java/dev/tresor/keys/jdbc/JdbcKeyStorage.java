package dev.tresor.keys.jdbc;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.tresor.keys.protection.TenantKeyStore;
import dev.tresor.keys.spi.AuditStorage;
import dev.tresor.keys.spi.CertificateStorage;
import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.LifecycleStorage;
import dev.tresor.keys.spi.PdfPasswordStorage;
import dev.tresor.keys.spi.PgpKeyStorage;
import dev.tresor.keys.spi.PolicyStorage;
import dev.tresor.keys.spi.PrivateKeyStorage;
import dev.tresor.keys.spi.TenantStorage;
import dev.tresor.keys.spi.TlsPolicyStorage;
import dev.tresor.keys.spi.TrustAnchorStorage;
import dev.tresor.keys.spi.StorageChange;
import dev.tresor.keys.spi.StorageChangeObserver;

/**
 * Keys in a relational database: embedded H2 (one James node, a file next to James's data) or PostgreSQL (several
 * nodes sharing one database). Plain JDBC over one set of SQL, with the few dialect differences in
 * {@link SqlDialect}.
 *
 * <p>Opening a storage brings the database schema up to date first (tables {@code tresor_*}, scripts
 * {@code V<n>__*.sql} next to this class, recorded in {@code tresor_schema_version}; see {@link SchemaMigrations}):
 * nodes starting together take turns, and a start fails if an applied script was changed since.
 *
 * <p>Tenancy is enforced by the schema as well: every row carries its tenant, a row may only name an existing
 * tenant, and a private key may only belong to a certificate (an OpenPGP secret key to an OpenPGP key) of its own
 * tenant. Blobs (certificates, OpenPGP key rings, protected private keys, PDF passwords) are stored and returned byte
 * for byte. Instants are kept to the microsecond.
 *
 * <p>On PostgreSQL every write that changed something (everything but the audit log and the tenant keys) also sends a
 * {@code NOTIFY} naming the tenant or domain it changed ({@link StorageChange}), in the write's own transaction, so
 * that the other nodes hear of it after the commit and only then; {@link #listenToOtherNodes} is how a node hears
 * them. Tenant keys need no news: a node reads the newest version of a tenant key on every wrap.
 *
 * <p>Failures of the database itself surface as {@link JdbcStorageException}. Thread-safe: every call borrows a
 * connection from the pool for its duration.
 */
public final class JdbcKeyStorage implements KeyStorage, AutoCloseable {
    /** Connections of the {@link #h2} pool. In-process connections are cheap; H2 serialises writes to its file anyway. */
    static final int H2_POOL_SIZE = 8;
    /** Connections of the {@link #postgres} pool, per node: PostgreSQL's default 100 connections serve about 9 nodes. */
    static final int POSTGRES_POOL_SIZE = 10;
    /**
     * Connections of a data source given to {@link #create} that may hold or await issuance locks at once, each while
     * its work needs another: that pool needs more.
     */
    static final int ISSUANCE_LOCK_HOLDERS = 4;

    private final SqlDialect dialect;
    private final Runnable closePool;
    /** Where a {@link PostgresChangeListener} gets its connection of its own, given its heartbeat. */
    private final Function<Duration, DataSource> listenerConnections;
    private final JdbcTenantStorage tenants;
    private final JdbcCertificateStorage certificates;
    private final JdbcPrivateKeyStorage privateKeys;
    private final JdbcPgpKeyStorage pgpKeys;
    private final JdbcTrustAnchorStorage trustAnchors;
    private final JdbcPdfPasswordStorage pdfPasswords;
    private final JdbcTlsPolicyStorage tlsPolicies;
    private final JdbcPolicyStorage policies;
    private final JdbcAuditStorage audit;
    private final JdbcTenantKeyStore tenantKeys;
    private final JdbcLifecycleStorage lifecycle;

    private JdbcKeyStorage(DataSource dataSource, SqlDialect dialect, Runnable closePool,
                           Function<Duration, DataSource> listenerConnections, int lockHolders) {
        this.dialect = dialect;
        this.closePool = closePool;
        this.listenerConnections = listenerConnections;
        JdbcDatabase database = new JdbcDatabase(dataSource, dialect);
        this.tenants = new JdbcTenantStorage(database);
        this.certificates = new JdbcCertificateStorage(database);
        this.privateKeys = new JdbcPrivateKeyStorage(database);
        this.pgpKeys = new JdbcPgpKeyStorage(database);
        this.trustAnchors = new JdbcTrustAnchorStorage(database);
        this.pdfPasswords = new JdbcPdfPasswordStorage(database);
        this.tlsPolicies = new JdbcTlsPolicyStorage(database);
        this.policies = new JdbcPolicyStorage(database);
        this.audit = new JdbcAuditStorage(database);
        this.tenantKeys = new JdbcTenantKeyStore(dataSource, dialect);
        this.lifecycle = new JdbcLifecycleStorage(database, lockHolders);
    }

    /**
     * An embedded H2 database in {@code databaseFileWithoutSuffix}{@code .mv.db}, created if missing, with a pool of
     * {@value #H2_POOL_SIZE} connections that {@link #close()} closes. Only this JVM can open the file (H2 locks it);
     * several nodes need {@link #postgres}. Options: {@code LOCK_TIMEOUT=10000} (wait up to 10 s for a row another
     * connection is writing, rather than H2's default 1 s) and {@code QUERY_CACHE_SIZE=64} (keep every statement of
     * this class parsed, not only H2's default 8) and {@code DB_CLOSE_ON_EXIT=FALSE}: {@link #close()} closes the file,
     * not H2's own JVM shutdown hook, which would close it while James's shutdown still processes mail (every mail on a
     * spooler thread then failed with "Database is already closed" and went to the error repository). Close it.
     *
     * @throws IllegalStateException if the schema cannot be brought up to date
     */
    public static JdbcKeyStorage h2(Path databaseFileWithoutSuffix) {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(h2Url(databaseFileWithoutSuffix));
        return pooled(h2, "tresor-h2", H2_POOL_SIZE, SqlDialect.H2, heartbeat -> h2);
    }

    static String h2Url(Path databaseFileWithoutSuffix) {
        String file = databaseFileWithoutSuffix.toAbsolutePath().toString();
        if (file.contains(";")) {
            throw new IllegalArgumentException("The H2 database path must not contain ';': " + file);
        }
        return "jdbc:h2:file:" + file + ";LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * A PostgreSQL database (15 or newer), e.g. {@code jdbc:postgresql://db.example:5432/tresor} (add
     * {@code ?currentSchema=name} to keep the tables in a schema of their own), through a pool of
     * {@value #POSTGRES_POOL_SIZE} connections that {@link #close()} closes. The user needs the right to create tables
     * in that schema at the first start and at upgrades.
     *
     * @throws IllegalStateException if the schema cannot be brought up to date
     * @throws RuntimeException (from the pool) if the database cannot be reached
     */
    public static JdbcKeyStorage postgres(String jdbcUrl, String user, String password) {
        PGSimpleDataSource postgres = postgresDataSource(jdbcUrl, user, password);
        return pooled(postgres, "tresor-postgresql", POSTGRES_POOL_SIZE, SqlDialect.POSTGRESQL, heartbeat -> {
            PGSimpleDataSource listening = postgresDataSource(jdbcUrl, user, password);
            // names the JVM, so that an admin (or a test) tells the nodes' listeners apart in pg_stat_activity
            listening.setApplicationName("tresor-key-changes pid " + ProcessHandle.current().pid());
            listening.setTcpKeepAlive(true);
            int seconds = (int) Math.max(1, heartbeat.toSeconds());
            listening.setConnectTimeout(seconds);
            listening.setSocketTimeout(2 * seconds);
            return listening;
        });
    }

    private static PGSimpleDataSource postgresDataSource(String jdbcUrl, String user, String password) {
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setURL(jdbcUrl);
        postgres.setUser(user);
        postgres.setPassword(password);
        return postgres;
    }

    /**
     * A storage over a data source the caller configures and closes ({@link #close()} leaves it open). Bringing the
     * schema up to date at start needs two connections at once; issuing keys to several addresses at once needs more
     * than {@value #ISSUANCE_LOCK_HOLDERS} (each issuer holds one for its lock while its work borrows another).
     *
     * @throws IllegalStateException if the schema cannot be brought up to date
     */
    public static JdbcKeyStorage create(DataSource dataSource, SqlDialect dialect) {
        return open(dataSource, dialect, () -> { }, heartbeat -> dataSource, ISSUANCE_LOCK_HOLDERS);
    }

    private static JdbcKeyStorage pooled(DataSource database, String name, int size, SqlDialect dialect,
                                         Function<Duration, DataSource> listenerConnections) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(database);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            // half the pool at most holds issuance locks: the other half serves their work and the mail path
            return open(pool, dialect, pool::close, listenerConnections, Math.max(1, size / 2));
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static JdbcKeyStorage open(DataSource dataSource, SqlDialect dialect, Runnable closePool,
                                       Function<Duration, DataSource> listenerConnections, int lockHolders) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(dialect, "dialect");
        try {
            SchemaMigrations.bundled().migrate(dataSource, dialect);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot bring the key storage schema up to date: " + e.getMessage(), e);
        }
        return new JdbcKeyStorage(dataSource, dialect, closePool, listenerConnections, lockHolders);
    }

    /**
     * Whether other nodes may share this database and write to it: true for PostgreSQL, whose writes announce
     * themselves (see {@link #listenToOtherNodes}); false for embedded H2.
     */
    public boolean isShared() {
        return dialect.announcesChanges();
    }

    /**
     * Starts telling {@code observer} (this node's cache) what other nodes change, over a connection of its own
     * outside the pool (for {@link #postgres}: with a socket timeout of twice the heartbeat, TCP keep-alive, and the
     * application name {@code tresor-key-changes pid <process id>}). The caller closes the listener before this storage.
     *
     * @throws IllegalStateException if the database is not shared ({@link #isShared()})
     */
    public PostgresChangeListener listenToOtherNodes(StorageChangeObserver observer, Duration heartbeat) {
        if (!isShared()) {
            throw new IllegalStateException(this + " is embedded: no other node writes to it");
        }
        return PostgresChangeListener.start(listenerConnections.apply(heartbeat), observer, heartbeat);
    }

    /** The key protection layer's tenant keys, in table {@code tresor_tenant_keys} of this storage's database. */
    public TenantKeyStore tenantKeyStore() {
        return tenantKeys;
    }

    @Override
    public TenantStorage tenants() {
        return tenants;
    }

    @Override
    public CertificateStorage certificates() {
        return certificates;
    }

    @Override
    public PrivateKeyStorage privateKeys() {
        return privateKeys;
    }

    @Override
    public PgpKeyStorage pgpKeys() {
        return pgpKeys;
    }

    @Override
    public TrustAnchorStorage trustAnchors() {
        return trustAnchors;
    }

    @Override
    public PdfPasswordStorage pdfPasswords() {
        return pdfPasswords;
    }

    @Override
    public TlsPolicyStorage tlsPolicies() {
        return tlsPolicies;
    }

    @Override
    public PolicyStorage policies() {
        return policies;
    }

    @Override
    public AuditStorage audit() {
        return audit;
    }

    /**
     * Tenant CAs, the register of issued keys and CRLs; its issuance lock holds a row of the database, so nodes sharing
     * it take turns. At most half the pool's connections ({@link #h2}, {@link #postgres}) hold or await issuance locks.
     */
    @Override
    public LifecycleStorage lifecycle() {
        return lifecycle;
    }

    /** Closes the connection pool if this storage opened it ({@link #h2}, {@link #postgres}). */
    @Override
    public void close() {
        closePool.run();
    }

    @Override
    public String toString() {
        return "JdbcKeyStorage[" + dialect + "]";
    }
}
