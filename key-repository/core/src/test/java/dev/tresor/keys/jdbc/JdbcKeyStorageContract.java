package dev.tresor.keys.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.protection.WrappedTenantKey;
import dev.tresor.keys.spi.CertificateRecord;
import dev.tresor.keys.spi.KeyStorageContract;

/**
 * What {@link JdbcKeyStorage} does beyond the {@link dev.tresor.keys.spi.KeyStorage} contract, on H2 and on
 * PostgreSQL: schema migrations, the schema's own tenancy rules, the batch import. Implementations give each test an
 * empty database.
 */
interface JdbcKeyStorageContract {
    TenantId ACME = TenantId.of("acme");
    TenantId GLOBEX = TenantId.of("globex");
    String JOHN = "john@partner.example";
    Instant NOW = Instant.parse("2026-03-01T10:15:30Z");
    int NODES = 4;

    /** A storage on this test's database, opened as the application does; the caller closes it. */
    JdbcKeyStorage openStorage();

    /** Connections to this test's database, outside any storage. */
    DataSource database();

    SqlDialect dialect();

    private Map<Integer, String> appliedVersions() throws SQLException {
        Map<Integer, String> versions = new TreeMap<>();
        try (Connection connection = database().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version, description, applied_at FROM tresor_schema_version")) {
            while (rows.next()) {
                versions.put(rows.getInt(1), rows.getString(2) + " at " + rows.getString(3));
            }
        }
        return versions;
    }

    private int execute(String sql) throws SQLException {
        try (Connection connection = database().getConnection(); Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }

    private static List<Integer> bundledVersions() {
        return versions(SchemaMigrations.SCRIPTS.stream().map(Migration::fromResource).collect(Collectors.toList()));
    }

    private static List<Integer> versions(List<Migration> migrations) {
        return migrations.stream().map(Migration::version).collect(Collectors.toList());
    }

    // schema migrations

    @Test
    default void aNewDatabaseShouldGetEveryBundledScript() throws Exception {
        try (JdbcKeyStorage storage = openStorage()) {
            assertThat(appliedVersions().keySet()).containsExactlyElementsOf(
                bundledVersions());
            assertThat(storage.tenants().createTenant(ACME, NOW)).isTrue();
        }
    }

    @Test
    default void reopeningShouldKeepTheDataAndApplyNothingAgain() throws Exception {
        CertificateRecord certificate = KeyStorageContract.certificate(ACME, "john", JOHN);
        try (JdbcKeyStorage storage = openStorage()) {
            storage.tenants().createTenant(ACME, NOW);
            storage.certificates().insertCertificate(certificate);
        }
        Map<Integer, String> appliedFirst = appliedVersions();

        try (JdbcKeyStorage reopened = openStorage()) {
            assertThat(reopened.certificates().certificatesByAddress(List.of(ACME), JOHN))
                .singleElement().usingRecursiveComparison().isEqualTo(certificate);
        }
        assertThat(appliedVersions()).isEqualTo(appliedFirst);
    }

    @Test
    default void storagesStartingTogetherShouldApplyEachScriptOnce() throws Exception {
        ExecutorService nodes = Executors.newFixedThreadPool(NODES);
        CyclicBarrier start = new CyclicBarrier(NODES);
        List<Future<JdbcKeyStorage>> started = new ArrayList<>();
        try {
            for (int node = 0; node < NODES; node++) {
                Callable<JdbcKeyStorage> open = () -> {
                    start.await();
                    return openStorage();
                };
                started.add(nodes.submit(open));
            }
            List<JdbcKeyStorage> storages = new ArrayList<>();
            try {
                for (Future<JdbcKeyStorage> storage : started) {
                    storages.add(storage.get(60, TimeUnit.SECONDS));
                }

                assertThat(appliedVersions().keySet()).containsExactlyElementsOf(bundledVersions());
                assertThat(storages.stream().filter(storage -> storage.tenants().createTenant(ACME, NOW)).count()).isEqualTo(1);
            } finally {
                storages.forEach(JdbcKeyStorage::close);
            }
        } finally {
            nodes.shutdownNow();
        }
    }

    @Test
    default void aChangedAppliedScriptShouldStopTheStart() throws Exception {
        openStorage().close();
        execute("UPDATE tresor_schema_version SET checksum = '" + "0".repeat(64) + "' WHERE version = 1");

        assertThatThrownBy(this::openStorage)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("V1 (initial)")
            .hasMessageContaining("was changed after it was applied");
    }

    @Test
    default void aDatabaseNewerThanThisCodeShouldStopTheStart() throws Exception {
        openStorage().close();
        execute("INSERT INTO tresor_schema_version (version, description, applied_at, checksum) "
            + "VALUES (999, 'from the future', CURRENT_TIMESTAMP, '" + "0".repeat(64) + "')");

        assertThatThrownBy(this::openStorage)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("schema version 999");
    }

    @Test
    default void scriptsShouldBeAppliedInVersionOrderOnlyOnce() throws Exception {
        Migration first = new Migration(1, "one", "CREATE TABLE tresor_t1 (id INTEGER NOT NULL PRIMARY KEY);\n"
            + "INSERT INTO tresor_t1 VALUES (1); -- a comment; with a semicolon\n");
        Migration second = new Migration(2, "two", "CREATE TABLE tresor_t2 (id INTEGER NOT NULL REFERENCES tresor_t1 (id), "
            + "label VARCHAR(20) DEFAULT 'semi;colon');\nINSERT INTO tresor_t2 (id) VALUES (1)");
        Migration third = new Migration(3, "three", "INSERT INTO tresor_t2 (id, label) VALUES (1, 'it''s three')");

        List<Migration> applied = new SchemaMigrations(List.of(second, first)).migrate(database(), dialect());
        List<Migration> appliedAgain = new SchemaMigrations(List.of(first, second)).migrate(database(), dialect());
        List<Migration> appliedLater = new SchemaMigrations(List.of(first, second, third)).migrate(database(), dialect());

        assertThat(versions(applied)).containsExactly(1, 2);
        assertThat(appliedAgain).isEmpty();
        assertThat(versions(appliedLater)).containsExactly(3);
        assertThat(appliedVersions()).containsOnlyKeys(1, 2, 3);
        try (Connection connection = database().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT label FROM tresor_t2 ORDER BY label")) {
            List<String> labels = new ArrayList<>();
            while (rows.next()) {
                labels.add(rows.getString(1));
            }
            assertThat(labels).containsExactly("it's three", "semi;colon");
        }
    }

    @Test
    default void aFailingScriptShouldStopTheStartAndNotBeRecorded() throws Exception {
        Migration first = new Migration(1, "one", "CREATE TABLE tresor_t1 (id INTEGER NOT NULL PRIMARY KEY)");
        Migration broken = new Migration(2, "broken", "INSERT INTO tresor_t1 VALUES (1); INSERT INTO tresor_missing VALUES (1)");
        SchemaMigrations migrations = new SchemaMigrations(List.of(first, broken));

        assertThatThrownBy(() -> migrations.migrate(database(), dialect()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("V2 (broken) failed");
        assertThat(appliedVersions()).containsOnlyKeys(1);
        try (Connection connection = database().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM tresor_t1")) {
            rows.next();
            assertThat(rows.getInt(1)).as("rows inserted by the failed script").isZero();
        }
    }

    // the schema's own rules

    @Test
    default void thePrivateKeyColumnShouldHoldExactlyTheGivenBytes() throws Exception {
        CertificateRecord certificate = KeyStorageContract.certificate(ACME, "john", JOHN);
        byte[] blob = new byte[300];
        for (int i = 0; i < blob.length; i++) {
            blob[i] = (byte) (255 - i);
        }
        try (JdbcKeyStorage storage = openStorage()) {
            storage.tenants().createTenant(ACME, NOW);
            storage.certificates().insertCertificate(certificate);

            storage.privateKeys().putPrivateKey(ACME, certificate.fingerprint(), blob);
        }

        try (Connection connection = database().getConnection();
             PreparedStatement statement = connection.prepareStatement(
                 "SELECT protected_blob FROM tresor_private_keys WHERE tenant = ? AND fingerprint = ?")) {
            statement.setString(1, ACME.asString());
            statement.setString(2, certificate.fingerprint().asString());
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getBytes(1)).isEqualTo(blob);
            }
        }
    }

    @Test
    default void theDatabaseShouldRefuseAPrivateKeyForAnotherTenantsCertificate() throws Exception {
        CertificateRecord ofGlobex = KeyStorageContract.certificate(GLOBEX, "john", JOHN);
        try (JdbcKeyStorage storage = openStorage()) {
            storage.tenants().createTenant(ACME, NOW);
            storage.tenants().createTenant(GLOBEX, NOW);
            storage.certificates().insertCertificate(ofGlobex);
        }

        try (Connection connection = database().getConnection();
             PreparedStatement statement = connection.prepareStatement(
                 "INSERT INTO tresor_private_keys (tenant, fingerprint, protected_blob) VALUES (?, ?, ?)")) {
            statement.setString(1, ACME.asString());
            statement.setString(2, ofGlobex.fingerprint().asString());
            statement.setBytes(3, new byte[] {1});

            assertThatThrownBy(statement::executeUpdate)
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(dialect().isMissingReference(e)).isTrue());
        }
    }

    @Test
    default void tenantKeysShouldBeAddedForExistingTenantsOnlyAndKeptByteForByte() throws Exception {
        try (JdbcKeyStorage storage = openStorage()) {
            byte[] wrapped = new byte[256];
            for (int i = 0; i < wrapped.length; i++) {
                wrapped[i] = (byte) i;
            }
            WrappedTenantKey key = WrappedTenantKey.of(ACME, 1, "local:test", wrapped, NOW);

            assertThatThrownBy(() -> storage.tenantKeyStore().add(key))
                .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(ACME));
            storage.tenants().createTenant(ACME, NOW);
            assertThat(storage.tenantKeyStore().add(key)).isTrue();
            assertThat(storage.tenantKeyStore().tenantKeys(ACME)).containsExactly(key);
        }
    }

    // batch import

    @Test
    default void insertCertificatesShouldInsertNothingOfABatchNamingAnUnknownTenant() throws Exception {
        try (JdbcKeyStorage storage = openStorage()) {
            storage.tenants().createTenant(ACME, NOW);
            CertificateRecord john = KeyStorageContract.certificate(ACME, "john", JOHN);
            CertificateRecord ofUnknown = KeyStorageContract.certificate(GLOBEX, "jane", JOHN);

            assertThatThrownBy(() -> storage.certificates().insertCertificates(List.of(john, ofUnknown)))
                .isInstanceOfSatisfying(UnknownTenantException.class, e -> assertThat(e.tenant()).isEqualTo(GLOBEX));
            assertThat(storage.certificates().certificate(ACME, john.fingerprint())).isEmpty();
        }
    }

    @Test
    default void concurrentInsertsOfOneCertificateShouldInsertItOnce() throws Exception {
        int writers = 8;
        ExecutorService executor = Executors.newFixedThreadPool(writers);
        try (JdbcKeyStorage storage = openStorage()) {
            storage.tenants().createTenant(ACME, NOW);
            CertificateRecord certificate = KeyStorageContract.certificate(ACME, "john", JOHN, "j@partner.example");
            CyclicBarrier start = new CyclicBarrier(writers);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                Callable<Boolean> insert = () -> {
                    start.await();
                    return storage.certificates().insertCertificate(certificate);
                };
                results.add(executor.submit(insert));
            }

            int inserted = 0;
            for (Future<Boolean> result : results) {
                inserted += result.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }

            assertThat(inserted).isEqualTo(1);
            assertThat(storage.certificates().certificates(ACME, Optional.empty(), 10))
                .singleElement().usingRecursiveComparison().isEqualTo(certificate);
        } finally {
            executor.shutdownNow();
        }
    }
}
