package dev.tresor.keys.jdbc;

import static dev.tresor.keys.jdbc.Statements.inTransaction;
import static dev.tresor.keys.jdbc.Statements.insertIfAbsent;
import static dev.tresor.keys.jdbc.Statements.executeInsertIfAbsentBatch;
import static dev.tresor.keys.jdbc.Statements.prepare;
import static dev.tresor.keys.jdbc.Statements.update;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.protection.TenantKeyStore;
import dev.tresor.keys.spi.AuditRecord;
import dev.tresor.keys.spi.CertificateRecord;
import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.spi.PgpKeyRecord;
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

    private static final String SELECT_CERTIFICATES = CertificateRows.SELECT_JOINED
        + "FROM tresor_certificates c " + CertificateRows.ADDRESSES_JOIN;
    private static final String SELECT_CERTIFICATES_BY_ADDRESS = CertificateRows.SELECT_JOINED
        + "FROM tresor_certificate_addresses hit "
        + "JOIN tresor_certificates c ON c.tenant = hit.tenant AND c.fingerprint = hit.fingerprint "
        + CertificateRows.ADDRESSES_JOIN
        + "WHERE hit.address = ? AND hit.tenant IN ";
    // An ORDER BY names every column of the index that should serve it, the tenant too although it is fixed: H2
    // only reads an index in order when the ORDER BY starts with the index's first column.
    private static final String SELECT_CERTIFICATES_PAGE = CertificateRows.SELECT_JOINED
        + "FROM (SELECT * FROM tresor_certificates WHERE tenant = ? AND fingerprint > ? "
        + "ORDER BY tenant, fingerprint FETCH FIRST ? ROWS ONLY) c " + CertificateRows.ADDRESSES_JOIN;
    private static final String SELECT_EXPIRING_WITH_PRIVATE_KEY = CertificateRows.SELECT_JOINED
        + "FROM (SELECT c.* FROM tresor_certificates c "
        + "JOIN tresor_private_keys k ON k.tenant = c.tenant AND k.fingerprint = c.fingerprint "
        + "WHERE c.not_after < ? ORDER BY c.not_after, c.tenant, c.fingerprint FETCH FIRST ? ROWS ONLY) c "
        + CertificateRows.ADDRESSES_JOIN;
    private static final String SELECT_PGP_KEYS = PgpKeyRows.SELECT_JOINED + "FROM tresor_pgp_keys k " + PgpKeyRows.DETAILS_JOIN;
    private static final String SELECT_PGP_KEYS_BY_ADDRESS = PgpKeyRows.SELECT_JOINED
        + "FROM tresor_pgp_key_addresses hit "
        + "JOIN tresor_pgp_keys k ON k.tenant = hit.tenant AND k.fingerprint = hit.fingerprint "
        + PgpKeyRows.DETAILS_JOIN
        + "WHERE hit.address = ? AND hit.tenant IN ";
    private static final String SELECT_PGP_KEYS_BY_KEY_ID = PgpKeyRows.SELECT_JOINED
        + "FROM tresor_pgp_key_ids hit "
        + "JOIN tresor_pgp_keys k ON k.tenant = hit.tenant AND k.fingerprint = hit.fingerprint "
        + PgpKeyRows.DETAILS_JOIN
        + "WHERE hit.tenant = ? AND hit.key_id = ?";
    private static final String SELECT_PGP_KEYS_PAGE = PgpKeyRows.SELECT_JOINED
        + "FROM (SELECT * FROM tresor_pgp_keys WHERE tenant = ? AND fingerprint > ? "
        + "ORDER BY tenant, fingerprint FETCH FIRST ? ROWS ONLY) k " + PgpKeyRows.DETAILS_JOIN;
    private static final Comparator<CertificateRecord> BY_TENANT_AND_FINGERPRINT =
        Comparator.comparing(CertificateRecord::tenant).thenComparing(CertificateRecord::fingerprint);
    private static final Comparator<CertificateRecord> BY_EXPIRY =
        Comparator.comparing(CertificateRecord::notAfter).thenComparing(BY_TENANT_AND_FINGERPRINT);
    private static final String INSERT_ADDRESS = "INSERT INTO tresor_certificate_addresses (tenant, fingerprint, address) "
        + "VALUES (?, ?, ?)";
    private static final String INSERT_AUDIT = "INSERT INTO tresor_audit "
        + "(occurred_at, tenant, operation, key_fingerprint, counterpart, message_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String SELECT_AUDIT = "SELECT id, occurred_at, tenant, operation, key_fingerprint, counterpart, "
        + "message_id, detail FROM tresor_audit WHERE tenant = ? AND occurred_at >= ? AND occurred_at < ? "
        + "ORDER BY tenant DESC, occurred_at DESC, id DESC FETCH FIRST ? ROWS ONLY";

    private final DataSource dataSource;
    private final SqlDialect dialect;
    private final Runnable closePool;
    /** Where a {@link PostgresChangeListener} gets its connection of its own, given its heartbeat. */
    private final Function<Duration, DataSource> listenerConnections;
    private final String insertTenant;
    private final String insertDomain;
    private final String insertGrant;
    private final String insertCertificate;
    private final String upsertPrivateKey;
    private final String insertPgpKey;
    private final String upsertPgpSecretKey;
    private final String insertTrustAnchor;
    private final String upsertPdfPassword;
    private final String upsertTlsPolicy;
    private final JdbcTenantKeyStore tenantKeys;

    private JdbcKeyStorage(DataSource dataSource, SqlDialect dialect, Runnable closePool,
                           Function<Duration, DataSource> listenerConnections) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.closePool = closePool;
        this.listenerConnections = listenerConnections;
        this.insertTenant = dialect.insertIfAbsent("tresor_tenants", List.of("tenant", "created_at"), List.of("tenant"));
        this.insertDomain = dialect.insertIfAbsent("tresor_domains", List.of("domain", "tenant"), List.of("domain"));
        this.insertGrant = dialect.insertIfAbsent("tresor_grants", List.of("grantee", "grantor"), List.of("grantee", "grantor"));
        this.insertCertificate = dialect.insertIfAbsent("tresor_certificates", CertificateRows.COLUMNS, CertificateRows.KEY);
        this.upsertPrivateKey = dialect.upsert("tresor_private_keys", List.of("tenant", "fingerprint", "protected_blob"),
            List.of("tenant", "fingerprint"));
        this.insertPgpKey = dialect.insertIfAbsent("tresor_pgp_keys", PgpKeyRows.COLUMNS, PgpKeyRows.KEY);
        this.upsertPgpSecretKey = dialect.upsert("tresor_pgp_secret_keys", List.of("tenant", "fingerprint", "protected_blob"),
            List.of("tenant", "fingerprint"));
        this.insertTrustAnchor = dialect.insertIfAbsent("tresor_trust_anchors",
            List.of("tenant", "fingerprint", "der", "added_at"), List.of("tenant", "fingerprint"));
        this.upsertPdfPassword = dialect.upsert("tresor_pdf_passwords",
            List.of("tenant", "address", "protected_blob", "updated_at"), List.of("tenant", "address"));
        this.upsertTlsPolicy = dialect.upsert("tresor_tls_policies",
            List.of("tenant", "domain", "policy", "updated_at"), List.of("tenant", "domain"));
        this.tenantKeys = new JdbcTenantKeyStore(dataSource, dialect);
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
     * schema up to date at start needs two connections at once.
     *
     * @throws IllegalStateException if the schema cannot be brought up to date
     */
    public static JdbcKeyStorage create(DataSource dataSource, SqlDialect dialect) {
        return open(dataSource, dialect, () -> { }, heartbeat -> dataSource);
    }

    private static JdbcKeyStorage pooled(DataSource database, String name, int size, SqlDialect dialect,
                                         Function<Duration, DataSource> listenerConnections) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(database);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            return open(pool, dialect, pool::close, listenerConnections);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static JdbcKeyStorage open(DataSource dataSource, SqlDialect dialect, Runnable closePool,
                                       Function<Duration, DataSource> listenerConnections) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(dialect, "dialect");
        try {
            SchemaMigrations.bundled().migrate(dataSource, dialect);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot bring the key storage schema up to date: " + e.getMessage(), e);
        }
        return new JdbcKeyStorage(dataSource, dialect, closePool, listenerConnections);
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

    // tenants and their domains

    @Override
    public boolean createTenant(TenantId tenant, Instant createdAt) {
        return change("create tenant " + tenant, null,
            connection -> insertIfAbsent(connection, insertTenant, tenant.asString(), createdAt) > 0,
            Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    @Override
    public boolean tenantExists(TenantId tenant) {
        return run("check tenant " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection, "SELECT 1 FROM tresor_tenants WHERE tenant = ?",
                tenant.asString()); ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        });
    }

    @Override
    public List<TenantId> tenants() {
        // Sorted here, not by the database, whose collation may not sort like TenantId.
        return run("list tenants", connection -> strings(connection, "SELECT tenant FROM tresor_tenants")).stream()
            .map(TenantId::of)
            .sorted()
            .collect(Collectors.toUnmodifiableList());
    }

    @Override
    public TenantId mapDomain(String domain, TenantId tenant) {
        return change("map domain " + domain, () -> new UnknownTenantException(tenant), connection -> {
            // The owner can unmap it between our insert and our read; then the domain is free again: try again.
            while (true) {
                insertIfAbsent(connection, insertDomain, domain, tenant.asString());
                Optional<String> owner = strings(connection, "SELECT tenant FROM tresor_domains WHERE domain = ?", domain)
                    .stream()
                    .findFirst();
                if (owner.isPresent()) {
                    return TenantId.of(owner.get());
                }
            }
        }, owner -> owner.equals(tenant), StorageChange.domain(domain));
    }

    @Override
    public boolean moveDomain(String domain, TenantId from, TenantId to) {
        return change("move domain " + domain, () -> new UnknownTenantException(to),
            connection -> update(connection, "UPDATE tresor_domains SET tenant = ? WHERE domain = ? AND tenant = ?",
                to.asString(), domain, from.asString()) > 0, Boolean::booleanValue, StorageChange.domain(domain));
    }

    @Override
    public boolean unmapDomain(String domain) {
        return change("unmap domain " + domain, null,
            connection -> update(connection, "DELETE FROM tresor_domains WHERE domain = ?", domain) > 0,
            Boolean::booleanValue, StorageChange.domain(domain));
    }

    @Override
    public Optional<TenantId> tenantOfDomain(String domain) {
        return run("look up domain " + domain,
            connection -> strings(connection, "SELECT tenant FROM tresor_domains WHERE domain = ?", domain)).stream()
            .findFirst()
            .map(TenantId::of);
    }

    @Override
    public List<String> domainsOf(TenantId tenant) {
        return run("list domains of " + tenant,
            connection -> strings(connection, "SELECT domain FROM tresor_domains WHERE tenant = ?", tenant.asString()))
            .stream()
            .sorted()
            .collect(Collectors.toUnmodifiableList());
    }

    // federation

    @Override
    public void grant(TenantId grantor, TenantId grantee) {
        change("grant " + grantee + " the directory of " + grantor,
            () -> new UnknownTenantException(tenantExists(grantor) ? grantee : grantor),
            connection -> insertIfAbsent(connection, insertGrant, grantee.asString(), grantor.asString()) > 0,
            Boolean::booleanValue, StorageChange.tenant(grantee), StorageChange.tenant(grantor));
    }

    @Override
    public boolean revokeGrant(TenantId grantor, TenantId grantee) {
        return change("revoke the grant of " + grantor + " to " + grantee, null,
            connection -> update(connection, "DELETE FROM tresor_grants WHERE grantee = ? AND grantor = ?",
                grantee.asString(), grantor.asString()) > 0,
            Boolean::booleanValue, StorageChange.tenant(grantee), StorageChange.tenant(grantor));
    }

    @Override
    public Set<TenantId> grantorsOf(TenantId grantee) {
        return tenantSet(run("list grantors of " + grantee, connection ->
            strings(connection, "SELECT grantor FROM tresor_grants WHERE grantee = ?", grantee.asString())));
    }

    @Override
    public Set<TenantId> granteesOf(TenantId grantor) {
        return tenantSet(run("list grantees of " + grantor, connection ->
            strings(connection, "SELECT grantee FROM tresor_grants WHERE grantor = ?", grantor.asString())));
    }

    // certificates

    @Override
    public boolean insertCertificate(CertificateRecord certificate) {
        return insertCertificates(List.of(certificate)) == 1;
    }

    /**
     * In one transaction and two batched statements: the way to import thousands. Certificates the tenant already
     * holds (or that appear twice in the list) are skipped.
     *
     * @throws UnknownTenantException naming a tenant of the list that does not exist; nothing is inserted then
     */
    @Override
    public int insertCertificates(List<CertificateRecord> certificates) {
        if (certificates.isEmpty()) {
            return 0;
        }
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, () -> insertCertificates(connection, certificates));
        } catch (SQLException e) {
            if (dialect.isMissingReference(e)) {
                throw certificates.stream()
                    .map(CertificateRecord::tenant)
                    .filter(tenant -> !tenantExists(tenant))
                    .findFirst()
                    .map(UnknownTenantException::new)
                    .orElseThrow(() -> new JdbcStorageException("insert certificates", e));
            }
            throw new JdbcStorageException("insert certificates", e);
        }
    }

    private int insertCertificates(Connection connection, List<CertificateRecord> certificates) throws SQLException {
        int[] counts;
        try (PreparedStatement statement = connection.prepareStatement(insertCertificate)) {
            for (CertificateRecord certificate : certificates) {
                CertificateRows.bind(statement, certificate);
                statement.addBatch();
            }
            counts = executeInsertIfAbsentBatch(statement, certificates.size());
        }
        List<CertificateRecord> inserted = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                inserted.add(certificates.get(i));
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(INSERT_ADDRESS)) {
            for (CertificateRecord certificate : inserted) {
                CertificateRows.addAddresses(statement, certificate);
            }
            statement.executeBatch();
        }
        if (dialect.announcesChanges()) {
            for (TenantId tenant : inserted.stream().map(CertificateRecord::tenant).collect(Collectors.toCollection(TreeSet::new))) {
                dialect.announce(connection, StorageChange.tenant(tenant));
            }
        }
        return inserted.size();
    }

    @Override
    public Optional<CertificateRecord> certificate(TenantId tenant, Fingerprint fingerprint) {
        return certificates("read certificate " + fingerprint + " of " + tenant, BY_TENANT_AND_FINGERPRINT,
            SELECT_CERTIFICATES + "WHERE c.tenant = ? AND c.fingerprint = ?", tenant.asString(), fingerprint.asString())
            .stream()
            .findFirst();
    }

    /** One query whatever the number of tenants: the address index finds the rows, the join adds the rest. */
    @Override
    public List<CertificateRecord> certificatesByAddress(Collection<TenantId> tenants, String address) {
        if (tenants.isEmpty()) {
            return List.of();
        }
        List<Object> parameters = new ArrayList<>(List.of(address));
        return certificates("look up certificates for " + address, BY_TENANT_AND_FINGERPRINT,
            SELECT_CERTIFICATES_BY_ADDRESS + tenantList(tenants, parameters), parameters.toArray());
    }

    /**
     * {@code (?, ...)} for the tenants, whose ids it adds to {@code parameters}. IN (?, ...) rather than = ANY(array),
     * which H2 cannot look up in an (address, tenant) index; padded to a power of two with the last tenant again, so
     * that a few statements serve every count.
     */
    private static String tenantList(Collection<TenantId> tenants, List<Object> parameters) {
        List<String> tenantIds = tenants.stream().map(TenantId::asString).distinct().collect(Collectors.toList());
        int placeholders = Integer.highestOneBit(tenantIds.size() * 2 - 1);
        parameters.addAll(tenantIds);
        for (int padding = tenantIds.size(); padding < placeholders; padding++) {
            parameters.add(tenantIds.get(tenantIds.size() - 1));
        }
        return "(" + String.join(", ", Collections.nCopies(placeholders, "?")) + ")";
    }

    @Override
    public List<CertificateRecord> certificatesByIssuerAndSerial(TenantId tenant, String issuer, String serialNumber) {
        return certificates("look up certificates by issuer and serial number", BY_TENANT_AND_FINGERPRINT,
            SELECT_CERTIFICATES + "WHERE c.tenant = ? AND c.serial_number = ? AND c.issuer = ?",
            tenant.asString(), serialNumber, issuer);
    }

    @Override
    public List<CertificateRecord> certificatesBySubjectKeyIdentifier(TenantId tenant, String subjectKeyIdentifier) {
        return certificates("look up certificates by subject key identifier", BY_TENANT_AND_FINGERPRINT,
            SELECT_CERTIFICATES + "WHERE c.tenant = ? AND c.subject_key_identifier = ?",
            tenant.asString(), subjectKeyIdentifier);
    }

    @Override
    public List<CertificateRecord> certificates(TenantId tenant, Optional<Fingerprint> after, int limit) {
        return certificates("list certificates of " + tenant, BY_TENANT_AND_FINGERPRINT, SELECT_CERTIFICATES_PAGE,
            tenant.asString(), after.map(Fingerprint::asString).orElse(""), requireLimit(limit));
    }

    @Override
    public boolean updateCertificateStatus(TenantId tenant, Fingerprint fingerprint, KeyStatus status) {
        return change("update the status of certificate " + fingerprint + " of " + tenant, null,
            connection -> update(connection, "UPDATE tresor_certificates SET status = ? WHERE tenant = ? AND fingerprint = ?",
                status.name(), tenant.asString(), fingerprint.asString()) > 0,
            Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    @Override
    public List<CertificateRecord> certificatesWithPrivateKeyExpiringBefore(Instant before, int limit) {
        return certificates("list expiring certificates", BY_EXPIRY, SELECT_EXPIRING_WITH_PRIVATE_KEY, before,
            requireLimit(limit));
    }

    // private keys

    @Override
    public void putPrivateKey(TenantId tenant, Fingerprint certificate, byte[] protectedBlob) {
        change("store the private key of " + certificate + " of " + tenant,
            () -> tenantExists(tenant)
                ? new IllegalArgumentException("Tenant '" + tenant + "' holds no certificate " + certificate)
                : new UnknownTenantException(tenant),
            connection -> update(connection, upsertPrivateKey, tenant.asString(), certificate.asString(), protectedBlob),
            always -> true, StorageChange.tenant(tenant));
    }

    @Override
    public Optional<byte[]> privateKey(TenantId tenant, Fingerprint certificate) {
        return blob("read the private key of " + certificate + " of " + tenant,
            "SELECT protected_blob FROM tresor_private_keys WHERE tenant = ? AND fingerprint = ?",
            tenant.asString(), certificate.asString());
    }

    // OpenPGP keys

    @Override
    public boolean insertPgpKey(PgpKeyRecord key) {
        return change("add OpenPGP key " + key.fingerprint() + " to " + key.tenant(), () -> new UnknownTenantException(key.tenant()),
            connection -> inTransaction(connection, () -> {
                if (insertIfAbsent(connection, insertPgpKey, PgpKeyRows.values(key)) == 0) {
                    return false;
                }
                PgpKeyRows.insertDetails(connection, key);
                return true;
            }), Boolean::booleanValue, StorageChange.tenant(key.tenant()));
    }

    @Override
    public boolean updatePgpKey(PgpKeyRecord key) {
        String tenant = key.tenant().asString();
        String fingerprint = key.fingerprint().asString();
        return change("update OpenPGP key " + key.fingerprint() + " of " + key.tenant(), null,
            connection -> inTransaction(connection, () -> {
                if (update(connection, PgpKeyRows.UPDATE, PgpKeyRows.updateValues(key)) == 0) {
                    return false;
                }
                update(connection, "DELETE FROM tresor_pgp_key_addresses WHERE tenant = ? AND fingerprint = ?", tenant, fingerprint);
                update(connection, "DELETE FROM tresor_pgp_key_ids WHERE tenant = ? AND fingerprint = ?", tenant, fingerprint);
                PgpKeyRows.insertDetails(connection, key);
                return true;
            }), Boolean::booleanValue, StorageChange.tenant(key.tenant()));
    }

    @Override
    public Optional<PgpKeyRecord> pgpKey(TenantId tenant, PgpFingerprint fingerprint) {
        return pgpKeys("read OpenPGP key " + fingerprint + " of " + tenant,
            SELECT_PGP_KEYS + "WHERE k.tenant = ? AND k.fingerprint = ?", tenant.asString(), fingerprint.asString())
            .stream()
            .findFirst();
    }

    @Override
    public List<PgpKeyRecord> pgpKeys(TenantId tenant, Optional<PgpFingerprint> after, int limit) {
        return pgpKeys("list OpenPGP keys of " + tenant, SELECT_PGP_KEYS_PAGE, tenant.asString(),
            after.map(PgpFingerprint::asString).orElse(""), requireLimit(limit));
    }

    @Override
    public List<PgpKeyRecord> pgpKeysByAddress(Collection<TenantId> tenants, String address) {
        if (tenants.isEmpty()) {
            return List.of();
        }
        List<Object> parameters = new ArrayList<>(List.of(address));
        return pgpKeys("look up OpenPGP keys for " + address, SELECT_PGP_KEYS_BY_ADDRESS + tenantList(tenants, parameters),
            parameters.toArray());
    }

    @Override
    public List<PgpKeyRecord> pgpKeysByKeyId(TenantId tenant, long keyId) {
        return pgpKeys("look up OpenPGP keys by key id", SELECT_PGP_KEYS_BY_KEY_ID, tenant.asString(), keyId);
    }

    @Override
    public boolean updatePgpKeyStatus(TenantId tenant, PgpFingerprint fingerprint, KeyStatus status) {
        return change("update the status of OpenPGP key " + fingerprint + " of " + tenant, null,
            connection -> update(connection, "UPDATE tresor_pgp_keys SET status = ? WHERE tenant = ? AND fingerprint = ?",
                status.name(), tenant.asString(), fingerprint.asString()) > 0,
            Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    @Override
    public void putPgpSecretKey(TenantId tenant, PgpFingerprint fingerprint, byte[] protectedBlob) {
        change("store the secret key of OpenPGP key " + fingerprint + " of " + tenant,
            () -> tenantExists(tenant)
                ? new IllegalArgumentException("Tenant '" + tenant + "' holds no OpenPGP key " + fingerprint)
                : new UnknownTenantException(tenant),
            connection -> update(connection, upsertPgpSecretKey, tenant.asString(), fingerprint.asString(), protectedBlob),
            always -> true, StorageChange.tenant(tenant));
    }

    @Override
    public Optional<byte[]> pgpSecretKey(TenantId tenant, PgpFingerprint fingerprint) {
        return blob("read the secret key of OpenPGP key " + fingerprint + " of " + tenant,
            "SELECT protected_blob FROM tresor_pgp_secret_keys WHERE tenant = ? AND fingerprint = ?",
            tenant.asString(), fingerprint.asString());
    }

    // trust anchors

    @Override
    public boolean insertTrustAnchor(TenantId tenant, Fingerprint fingerprint, byte[] der, Instant addedAt) {
        return change("add trust anchor " + fingerprint + " to " + tenant, () -> new UnknownTenantException(tenant),
            connection -> insertIfAbsent(connection, insertTrustAnchor, tenant.asString(), fingerprint.asString(), der,
                addedAt) > 0, Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    @Override
    public List<byte[]> trustAnchors(TenantId tenant) {
        return run("list trust anchors of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection,
                "SELECT der FROM tresor_trust_anchors WHERE tenant = ? ORDER BY tenant, fingerprint", tenant.asString());
                 ResultSet rows = statement.executeQuery()) {
                List<byte[]> anchors = new ArrayList<>();
                while (rows.next()) {
                    anchors.add(rows.getBytes(1));
                }
                return List.copyOf(anchors);
            }
        });
    }

    @Override
    public boolean deleteTrustAnchor(TenantId tenant, Fingerprint fingerprint) {
        return change("remove trust anchor " + fingerprint + " of " + tenant, null,
            connection -> update(connection, "DELETE FROM tresor_trust_anchors WHERE tenant = ? AND fingerprint = ?",
                tenant.asString(), fingerprint.asString()) > 0, Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    // PDF passwords

    @Override
    public void putPdfPassword(TenantId tenant, String address, byte[] protectedBlob, Instant updatedAt) {
        change("store the PDF password of " + address + " for " + tenant, () -> new UnknownTenantException(tenant),
            connection -> update(connection, upsertPdfPassword, tenant.asString(), address, protectedBlob, updatedAt),
            always -> true, StorageChange.tenant(tenant));
    }

    @Override
    public Optional<byte[]> pdfPassword(TenantId tenant, String address) {
        return blob("read the PDF password of " + address + " for " + tenant,
            "SELECT protected_blob FROM tresor_pdf_passwords WHERE tenant = ? AND address = ?", tenant.asString(), address);
    }

    @Override
    public boolean deletePdfPassword(TenantId tenant, String address) {
        return change("remove the PDF password of " + address + " for " + tenant, null,
            connection -> update(connection, "DELETE FROM tresor_pdf_passwords WHERE tenant = ? AND address = ?",
                tenant.asString(), address) > 0, Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    // TLS policies

    @Override
    public void putTlsPolicy(TenantId tenant, String domain, String policy, Instant updatedAt) {
        change("store the TLS policy for " + domain + " of " + tenant, () -> new UnknownTenantException(tenant),
            connection -> update(connection, upsertTlsPolicy, tenant.asString(), domain, policy, updatedAt),
            always -> true, StorageChange.tenant(tenant));
    }

    @Override
    public Optional<String> tlsPolicy(TenantId tenant, String domain) {
        return run("read the TLS policy for " + domain + " of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection,
                "SELECT policy FROM tresor_tls_policies WHERE tenant = ? AND domain = ?", tenant.asString(), domain);
                 ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
            }
        });
    }

    @Override
    public SortedMap<String, String> tlsPolicies(TenantId tenant) {
        return run("list the TLS policies of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection,
                "SELECT domain, policy FROM tresor_tls_policies WHERE tenant = ? ORDER BY tenant, domain", tenant.asString());
                 ResultSet rows = statement.executeQuery()) {
                SortedMap<String, String> policies = new TreeMap<>();
                while (rows.next()) {
                    policies.put(rows.getString(1), rows.getString(2));
                }
                return policies;
            }
        });
    }

    @Override
    public boolean deleteTlsPolicy(TenantId tenant, String domain) {
        return change("remove the TLS policy for " + domain + " of " + tenant, null,
            connection -> update(connection, "DELETE FROM tresor_tls_policies WHERE tenant = ? AND domain = ?",
                tenant.asString(), domain) > 0, Boolean::booleanValue, StorageChange.tenant(tenant));
    }

    // audit log

    @Override
    public AuditRecord appendAudit(AuditRecord record) {
        AuditRecord stored = new AuditRecord(0, record.time().truncatedTo(ChronoUnit.MICROS), record.tenant(),
            record.operation(), record.keyFingerprint(), record.counterpart(), record.messageId(), record.detail());
        long id = write("append to the audit log of " + record.tenant(), () -> new UnknownTenantException(record.tenant()),
            connection -> {
                try (PreparedStatement statement = prepare(connection, INSERT_AUDIT, new String[] {"id"},
                    stored.time(), stored.tenant().asString(), stored.operation(), stored.keyFingerprint(),
                    stored.counterpart(), stored.messageId(), stored.detail())) {
                    statement.executeUpdate();
                    try (ResultSet keys = statement.getGeneratedKeys()) {
                        keys.next();
                        return keys.getLong(1);
                    }
                }
            });
        return stored.withId(id);
    }

    @Override
    public List<AuditRecord> audit(TenantId tenant, Instant from, Instant to, int limit) {
        return run("read the audit log of " + tenant, connection -> {
            try (PreparedStatement statement = prepare(connection, SELECT_AUDIT, tenant.asString(), from, to,
                requireLimit(limit)); ResultSet rows = statement.executeQuery()) {
                List<AuditRecord> records = new ArrayList<>();
                while (rows.next()) {
                    records.add(new AuditRecord(rows.getLong("id"), Timestamps.get(rows, "occurred_at"), tenant,
                        rows.getString("operation"), Optional.ofNullable(rows.getString("key_fingerprint")),
                        Optional.ofNullable(rows.getString("counterpart")),
                        Optional.ofNullable(rows.getString("message_id")), Optional.ofNullable(rows.getString("detail"))));
                }
                return List.copyOf(records);
            }
        });
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

    // plumbing

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T run(String operation, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new JdbcStorageException(operation, e);
        }
    }

    /**
     * Runs a write whose foreign keys may find a tenant (or certificate) missing; {@code missing} says which (null: a
     * write that refers to nothing).
     */
    private <T> T write(String operation, Supplier<RuntimeException> missing, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            if (missing != null && dialect.isMissingReference(e)) {
                throw missing.get();
            }
            throw new JdbcStorageException(operation, e);
        }
    }

    /**
     * A {@link #write} that other nodes must hear of: on PostgreSQL, {@code changes} are announced in the write's own
     * transaction when {@code changedSomething} says the write changed a row, so that they are heard after the commit
     * and only then. H2 has nobody to tell.
     */
    private <T> T change(String operation, Supplier<RuntimeException> missing, SqlWork<T> work,
                         Predicate<? super T> changedSomething, StorageChange... changes) {
        if (!dialect.announcesChanges()) {
            return write(operation, missing, work);
        }
        return write(operation, missing, connection -> inTransaction(connection, () -> {
            T result = work.run(connection);
            if (changedSomething.test(result)) {
                for (StorageChange change : changes) {
                    dialect.announce(connection, change);
                }
            }
            return result;
        }));
    }

    private List<CertificateRecord> certificates(String operation, Comparator<CertificateRecord> order, String sql,
                                                 Object... parameters) {
        return run(operation, connection -> {
            try (PreparedStatement statement = prepare(connection, sql, parameters);
                 ResultSet rows = statement.executeQuery()) {
                return CertificateRows.read(rows, order);
            }
        });
    }

    private List<PgpKeyRecord> pgpKeys(String operation, String sql, Object... parameters) {
        return run(operation, connection -> {
            try (PreparedStatement statement = prepare(connection, sql, parameters);
                 ResultSet rows = statement.executeQuery()) {
                return PgpKeyRows.read(rows, PgpKeyRows.BY_TENANT_AND_FINGERPRINT);
            }
        });
    }

    private Optional<byte[]> blob(String operation, String sql, Object... parameters) {
        return run(operation, connection -> {
            try (PreparedStatement statement = prepare(connection, sql, parameters);
                 ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getBytes(1)) : Optional.empty();
            }
        });
    }

    private static List<String> strings(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    private static Set<TenantId> tenantSet(List<String> tenants) {
        return tenants.stream().map(TenantId::of).collect(Collectors.toUnmodifiableSet());
    }

    private static int requireLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("A limit must not be negative: " + limit);
        }
        return limit;
    }
}
