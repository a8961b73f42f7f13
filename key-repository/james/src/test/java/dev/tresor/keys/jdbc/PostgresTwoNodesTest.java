package dev.tresor.keys.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.james.core.healthcheck.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.cache.CachingKeyStorage;
import dev.tresor.keys.james.KeyRepositoryHealthCheckProbe;
import dev.tresor.keys.policy.Encryption;
import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.repository.StoredKeyRepository;
import dev.tresor.keys.spi.StorageChange;
import dev.tresor.keys.spi.StorageChangeObserver;

/**
 * Two nodes on one PostgreSQL schema, each with its own pool, cache and listener, as two James processes would have.
 * The caches keep answers for an hour, so whatever node B sees of node A's writes within the bound it heard of, not
 * read after a TTL.
 */
class PostgresTwoNodesTest {
    /** The stated bound: a change committed on one node is honoured by the others within this while they listen. */
    static final Duration BOUND = Duration.ofSeconds(1);
    private static final Duration TTL = Duration.ofHours(1);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final TenantId BANK = TenantId.of("bank");
    private static final TestPki CA = TestPki.ca("Two nodes CA");

    private static PostgresSchema schema;

    @TempDir
    Path directory;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private Node nodeA;
    private Node nodeB;

    /** One James node's view of the key repository. */
    private final class Node {
        final JdbcKeyStorage storage;
        final CachingKeyStorage cache;
        final PostgresChangeListener listener;
        final KeyProtection protection;
        final KeyRepository repository;
        /** What the listener told the cache, in order. */
        final List<String> told = Collections.synchronizedList(new ArrayList<>());

        Node(PostgresSchema schema) {
            storage = schema.openStorage();
            opened.add(storage);
            cache = CachingKeyStorage.wrap(storage, TTL);
            listener = storage.listenToOtherNodes(recording(cache, told), HEARTBEAT);
            opened.add(listener);
            protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
                storage.tenantKeyStore());
            repository = StoredKeyRepository.create(cache, protection, new TestClock(Instant.now()));
        }

        List<?> encryptionCertificates(EmailAddress recipient) {
            return repository.certificates().encryptionCertificates(BANK, recipient, SelectionPolicy.NEWEST);
        }
    }

    @BeforeAll
    static void createSchema() throws Exception {
        schema = PostgresSchema.create();
        schema.openStorage().close();
    }

    @AfterAll
    static void dropSchema() throws Exception {
        schema.close();
    }

    @BeforeEach
    void twoNodes() throws Exception {
        TestDatabases.deleteAllRows(schema.dataSource());
        nodeA = new Node(schema);
        nodeB = new Node(schema);
        awaitListening(nodeA.listener);
        awaitListening(nodeB.listener);
        nodeA.repository.tenants().create(BANK);
    }

    @AfterEach
    void stopNodes() throws Exception {
        Collections.reverse(opened);
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    @Test
    void aCertificateImportedOnAShouldBeUsedByBWithinTheBound() {
        EmailAddress john = EmailAddress.of("john@partner.example");
        assertThat(nodeB.encryptionCertificates(john)).as("B caches that John has no certificate").isEmpty();

        nodeA.repository.certificates().add(BANK, CA.issue(john.asString()).chain(), Origin.IMPORTED);

        Duration seen = timeUntil(() -> nodeB.encryptionCertificates(john).size() == 1);
        System.out.println("import on A seen by B after " + seen.toNanos() / 1000 + " µs");
        assertThat(seen).isLessThan(BOUND);
    }

    @Test
    void aRevokeOnAShouldStopBFromEncryptingWithinTheBound() {
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            EmailAddress recipient = EmailAddress.of("revoked" + i + "@partner.example");
            TestPki.Issued issued = CA.issue(recipient.asString());
            nodeA.repository.certificates().add(BANK, issued.chain(), Origin.IMPORTED);
            awaitWithinBound(() -> nodeB.encryptionCertificates(recipient).size() == 1);
            assertThat(nodeB.encryptionCertificates(recipient)).as("B reuses its answer").hasSize(1);

            nodeA.repository.certificates().setStatus(BANK, issued.fingerprint(), KeyStatus.REVOKED);

            delays.add(timeUntil(() -> nodeB.encryptionCertificates(recipient).isEmpty()));
        }
        Collections.sort(delays);
        System.out.println("revoke on A honoured by B after (µs, 20 runs): median " + delays.get(10).toNanos() / 1000
            + ", max " + delays.get(19).toNanos() / 1000 + ", all " + delays.stream().map(d -> d.toNanos() / 1000).collect(Collectors.toList()));
        assertThat(delays.get(19)).isLessThan(BOUND);
    }

    @Test
    void aPolicySetOnAShouldApplyOnBWithinTheBound() {
        EmailAddress alice = EmailAddress.of("alice@bank.example");
        EmailAddress john = EmailAddress.of("john@partner.example");
        assertThat(nodeB.repository.policies().of(BANK).outbound(alice, john).encryption())
            .as("B caches that bank has no policy").isEqualTo(Encryption.OPPORTUNISTIC);

        nodeA.repository.policies().set(BANK, PolicyScope.partner("partner.example"),
            PolicySettings.fromMap(Map.of("encryption", "mandatory")), "carol");

        Duration seen = timeUntil(() ->
            nodeB.repository.policies().of(BANK).outbound(alice, john).encryption() == Encryption.MANDATORY);
        System.out.println("policy set on A applied by B after " + seen.toNanos() / 1000 + " µs");
        assertThat(seen).isLessThan(BOUND);
        nodeA.repository.policies().remove(BANK, PolicyScope.partner("partner.example"), "carol");
        awaitWithinBound(() -> nodeB.repository.policies().of(BANK).scopes().isEmpty());
    }

    @Test
    void aDomainMappedOnAShouldBeResolvedByB() {
        assertThat(nodeB.repository.tenants().tenantOf("shop.example")).as("unmapped: its own tenant")
            .isEqualTo(TenantId.of("shop.example"));

        nodeA.repository.tenants().mapDomain("shop.example", BANK);

        awaitWithinBound(() -> nodeB.repository.tenants().tenantOf("shop.example").equals(BANK));

        nodeA.repository.tenants().create(TenantId.of("acme"));
        nodeA.repository.tenants().moveDomain("shop.example", BANK, TenantId.of("acme"));
        awaitWithinBound(() -> nodeB.repository.tenants().tenantOf("shop.example").equals(TenantId.of("acme")));

        nodeA.repository.tenants().unmapDomain("shop.example");
        awaitWithinBound(() -> nodeB.repository.tenants().tenantOf("shop.example").equals(TenantId.of("shop.example")));
    }

    @Test
    void aFederationGrantedAndRevokedOnAShouldBeSeenByB() {
        TenantId partner = TenantId.of("partner");
        nodeA.repository.tenants().create(partner);
        assertThat(nodeB.repository.tenants().federatedWith(BANK)).isEmpty();

        nodeA.repository.tenants().grantFederation(partner, BANK);
        awaitWithinBound(() -> nodeB.repository.tenants().federatedWith(BANK).equals(Set.of(partner)));

        nodeA.repository.tenants().revokeFederation(partner, BANK);
        awaitWithinBound(() -> nodeB.repository.tenants().federatedWith(BANK).isEmpty());
    }

    @Test
    void aKilledListenerConnectionShouldReconnectAndForgetWhatItMayHaveMissed() throws Exception {
        EmailAddress john = EmailAddress.of("john@partner.example");
        TestPki.Issued issued = CA.issue(john.asString());
        nodeA.repository.certificates().add(BANK, issued.chain(), Origin.IMPORTED);
        awaitWithinBound(() -> nodeB.encryptionCertificates(john).size() == 1);
        // A change nobody announces (an admin's SQL): B cannot hear it, and keeps its answer.
        revokeBehindTheNodesBacks(issued);
        Thread.sleep(200);
        assertThat(nodeB.encryptionCertificates(john)).as("B has not heard of the silent revoke").hasSize(1);
        int killedPid = nodeB.listener.backendPid();

        terminate(killedPid);

        Duration forgotten = timeUntil(() -> nodeB.encryptionCertificates(john).isEmpty());
        System.out.println("after pg_terminate_backend of B's listener, B dropped its answers after "
            + forgotten.toNanos() / 1000 + " µs");
        assertThat(forgotten).isLessThan(BOUND);
        awaitListening(nodeB.listener);
        assertThat(nodeB.listener.connections()).isEqualTo(2);
        assertThat(nodeB.listener.backendPid()).isNotEqualTo(killedPid);

        // listening again: changes are heard, and answers reused between them
        EmailAddress mary = EmailAddress.of("mary@partner.example");
        assertThat(nodeB.encryptionCertificates(mary)).isEmpty();
        nodeA.repository.certificates().add(BANK, CA.issue(mary.asString()).chain(), Origin.IMPORTED);
        awaitWithinBound(() -> nodeB.encryptionCertificates(mary).size() == 1);
        assertThat(nodeB.cache.reusesAnswers()).isTrue();
    }

    @Test
    void aWriteThatChangesNothingShouldNotBeAnnounced() {
        int heard = everythingHeard("before");

        assertThat(nodeA.repository.tenants().create(BANK)).as("exists already").isFalse();
        assertThat(nodeA.repository.tenants().revokeFederation(TenantId.of("before"), BANK)).isFalse();
        assertThat(nodeA.repository.tenants().unmapDomain("nowhere.example")).isFalse();

        everythingHeard("after");
        assertThat(nodeB.told.subList(heard, nodeB.told.size())).containsExactly("tenant after");
    }

    @Test
    void changesInAnotherSchemaShouldBeIgnored() throws Exception {
        int heard = everythingHeard("before");
        long counted = nodeB.listener.heard();
        try (PostgresSchema other = PostgresSchema.create(); JdbcKeyStorage elsewhere = other.openStorage()) {
            elsewhere.tenants().createTenant(TenantId.of("other"), Instant.now());
            elsewhere.tenants().createTenant(BANK, Instant.now());
        }

        everythingHeard("after");
        assertThat(nodeB.told.subList(heard, nodeB.told.size())).containsExactly("tenant after");
        assertThat(nodeB.listener.heard()).isEqualTo(counted + 1);
    }

    /**
     * Creates a marker tenant on A and waits until B heard of it: notifications arrive in commit order, so B has then
     * heard everything committed before. Returns how many changes B heard.
     */
    private int everythingHeard(String marker) {
        nodeA.repository.tenants().create(TenantId.of(marker));
        awaitWithinBound(() -> nodeB.told.contains("tenant " + marker));
        return nodeB.told.size();
    }

    @Test
    void aListenerThatCannotConnectShouldKeepTheCacheFromReusingAnswersAndReportIt() throws Exception {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/test");
        nowhere.setConnectTimeout(1);
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        CachingKeyStorage cache = CachingKeyStorage.wrap(nodeA.storage, TTL);
        try (PostgresChangeListener listener = PostgresChangeListener.start(nowhere, recording(cache, told), HEARTBEAT)) {
            assertThat(cache.reusesAnswers()).isFalse();
            awaitWithinBound(() -> listener.state().problem().isPresent());

            assertThat(listener.state().listening()).isFalse();
            assertThat(listener.connections()).isZero();
            Result health = KeyRepositoryHealthCheckProbe.check(nodeA.storage, nodeA.protection, listener);
            assertThat(health.isDegraded()).isTrue();
            assertThat(health.getCause())
                .hasValueSatisfying(cause -> assertThat(cause).contains("Not hearing the key changes of other nodes"));
        }
        assertThat(told).doesNotContain("followed");
        assertThat(KeyRepositoryHealthCheckProbe.check(nodeB.storage, nodeB.protection, nodeB.listener).isHealthy()).isTrue();
    }

    private static StorageChangeObserver recording(CachingKeyStorage cache, List<String> told) {
        return new StorageChangeObserver() {
            @Override
            public void changed(StorageChange change) {
                told.add(change.asText());
                cache.changed(change);
            }

            @Override
            public void changesMayBeMissed() {
                told.add("missed");
                cache.changesMayBeMissed();
            }

            @Override
            public void changesFollowed() {
                told.add("followed");
                cache.changesFollowed();
            }
        };
    }

    private static void revokeBehindTheNodesBacks(TestPki.Issued issued) throws SQLException {
        try (Connection connection = schema.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(
                 "UPDATE tresor_certificates SET status = 'REVOKED' WHERE tenant = ? AND fingerprint = ?")) {
            statement.setString(1, BANK.asString());
            statement.setString(2, issued.fingerprint().asString());
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }

    private static void terminate(int pid) throws SQLException {
        try (Connection connection = schema.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT pg_terminate_backend(?)")) {
            statement.setInt(1, pid);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                assertThat(row.getBoolean(1)).as("terminated server process " + pid).isTrue();
            }
        }
    }

    private static void awaitListening(PostgresChangeListener listener) {
        awaitWithinBound(() -> listener.state().listening());
    }

    private static void awaitWithinBound(BooleanSupplier condition) {
        assertThat(timeUntil(condition)).isLessThan(BOUND);
    }

    /** Polls every millisecond; fails after 10 s. */
    private static Duration timeUntil(BooleanSupplier condition) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > Duration.ofSeconds(10).toNanos()) {
                fail("not within 10 s");
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
