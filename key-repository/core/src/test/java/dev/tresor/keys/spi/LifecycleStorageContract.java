package dev.tresor.keys.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.spi.LifecycleStorage.CaRow;
import dev.tresor.keys.spi.LifecycleStorage.CrlRow;
import dev.tresor.keys.spi.LifecycleStorage.IssuedRow;

/**
 * What every {@link LifecycleStorage} does, pinned once: memory, H2 and PostgreSQL each run it through a test of a
 * few lines that implements {@link #storage()}, returning an empty storage for each test.
 */
public interface LifecycleStorageContract {
    TenantId ACME = TenantId.of("acme");
    TenantId GLOBEX = TenantId.of("globex");
    TenantId UNKNOWN = TenantId.of("never-created");
    String SMIME = "smime";
    String OPENPGP = "openpgp";
    String JOHN = "john@acme.example";
    String JANE = "jane@acme.example";
    // Microseconds: the finest time every backend keeps.
    Instant NOW = Instant.parse("2026-03-01T10:15:30.123456Z");
    /** How long a test waits for what should happen at once; only a broken lock makes it wait that long. */
    long PATIENCE_SECONDS = 20;

    KeyStorage storage();

    private LifecycleStorage lifecycle(TenantId... tenants) {
        for (TenantId tenant : tenants) {
            storage().tenants().createTenant(tenant, NOW);
        }
        return storage().lifecycle();
    }

    static CaRow ca(String seed, String settings) {
        return new CaRow(bytes("ca certificate " + seed), List.of(bytes("issuer of " + seed), bytes("root of " + seed)),
            bytes("sealed key of " + seed), settings, true, NOW);
    }

    static IssuedRow active(String kind, String id, String address, Instant issuedAt, Instant notAfter) {
        return new IssuedRow(kind, id, address, "fp-" + kind + "-" + id, issuedAt, notAfter, KeyStatus.ACTIVE.name(),
            Optional.empty(), Optional.empty(), Optional.empty());
    }

    static IssuedRow active(String kind, String id, String address) {
        return active(kind, id, address, NOW, NOW.plus(Duration.ofDays(365)));
    }

    static CrlRow crl(long number) {
        return new CrlRow(number, bytes("crl " + number), NOW.plusSeconds(number), NOW.plusSeconds(number + 3600));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> ids(List<IssuedRow> rows) {
        return rows.stream().map(IssuedRow::id).collect(Collectors.toList());
    }

    // tenant CAs

    @Test
    default void insertCaShouldStoreTheCaOnceAndKeepTheFirst() {
        LifecycleStorage lifecycle = lifecycle(ACME);

        assertThat(lifecycle.insertCa(ACME, ca("first", "validity=P1Y"))).isTrue();
        assertThat(lifecycle.insertCa(ACME, new CaRow(bytes("other"), List.of(), bytes("other key"), "other", false,
            NOW.plusSeconds(60)))).isFalse();

        CaRow stored = lifecycle.ca(ACME).orElseThrow();
        assertThat(stored.certificate()).isEqualTo(bytes("ca certificate first"));
        assertThat(stored.chain()).containsExactly(bytes("issuer of first"), bytes("root of first"));
        assertThat(stored.protectedKey()).isEqualTo(bytes("sealed key of first"));
        assertThat(stored.settings()).isEqualTo("validity=P1Y");
        assertThat(stored.generated()).isTrue();
        assertThat(stored.createdAt()).isEqualTo(NOW);
    }

    @Test
    default void aRootCaShouldKeepItsEmptyChain() {
        LifecycleStorage lifecycle = lifecycle(ACME);

        lifecycle.insertCa(ACME, new CaRow(bytes("root"), List.of(), bytes("key"), "", false, NOW));

        assertThat(lifecycle.ca(ACME).orElseThrow().chain()).isEmpty();
        assertThat(lifecycle.ca(ACME).orElseThrow().generated()).isFalse();
        assertThat(lifecycle.ca(ACME).orElseThrow().settings()).isEmpty();
    }

    @Test
    default void caShouldBeEmptyForATenantWithoutOne() {
        LifecycleStorage lifecycle = lifecycle(ACME);

        assertThat(lifecycle.ca(ACME)).isEmpty();
        assertThat(lifecycle.ca(UNKNOWN)).isEmpty();
    }

    @Test
    default void writesShouldRefuseAnUnknownTenant() {
        LifecycleStorage lifecycle = lifecycle(ACME);

        assertThatThrownBy(() -> lifecycle.insertCa(UNKNOWN, ca("x", "")))
            .isInstanceOf(UnknownTenantException.class);
        assertThatThrownBy(() -> lifecycle.addIssued(UNKNOWN, active(SMIME, "1", JOHN)))
            .isInstanceOf(UnknownTenantException.class);
        assertThatThrownBy(() -> lifecycle.putCrl(UNKNOWN, crl(1)))
            .isInstanceOf(UnknownTenantException.class);
        assertThatThrownBy(() -> lifecycle.withIssuanceLock(UNKNOWN, SMIME, JOHN, () -> "issued"))
            .isInstanceOf(UnknownTenantException.class);
        assertThat(lifecycle.tenantsWithCa()).isEmpty();
    }

    @Test
    default void updateCaSettingsShouldChangeTheSettingsOnly() {
        LifecycleStorage lifecycle = lifecycle(ACME, GLOBEX);
        lifecycle.insertCa(ACME, ca("acme", "validity=P1Y"));

        assertThat(lifecycle.updateCaSettings(ACME, "validity=P2Y")).isTrue();
        assertThat(lifecycle.updateCaSettings(GLOBEX, "validity=P2Y")).isFalse();
        assertThat(lifecycle.updateCaSettings(UNKNOWN, "validity=P2Y")).isFalse();

        CaRow stored = lifecycle.ca(ACME).orElseThrow();
        assertThat(stored.settings()).isEqualTo("validity=P2Y");
        assertThat(stored.certificate()).isEqualTo(bytes("ca certificate acme"));
        assertThat(stored.protectedKey()).isEqualTo(bytes("sealed key of acme"));
        assertThat(lifecycle.ca(GLOBEX)).isEmpty();
    }

    @Test
    default void tenantsWithCaShouldListThemInTenantIdOrder() {
        List<TenantId> tenants = List.of(TenantId.of("b.example"), TenantId.of("a-z"), TenantId.of("a_b"),
            TenantId.of("ab"), TenantId.of("a.c"), TenantId.of("9to5"));
        LifecycleStorage lifecycle = lifecycle(tenants.toArray(TenantId[]::new));
        lifecycle(ACME);
        tenants.forEach(tenant -> lifecycle.insertCa(tenant, ca(tenant.asString(), "")));

        assertThat(lifecycle.tenantsWithCa()).isEqualTo(tenants.stream().sorted().collect(Collectors.toList()));
    }

    @Test
    default void byteArraysShouldGoInAndComeOutAsCopies() {
        LifecycleStorage lifecycle = lifecycle(ACME);
        lifecycle.insertCa(ACME, ca("acme", ""));
        lifecycle.putCrl(ACME, crl(1));

        lifecycle.ca(ACME).orElseThrow().certificate()[0] ^= 1;
        lifecycle.ca(ACME).orElseThrow().chain().get(0)[0] ^= 1;
        lifecycle.ca(ACME).orElseThrow().protectedKey()[0] ^= 1;
        lifecycle.crl(ACME).orElseThrow().crl()[0] ^= 1;

        assertThat(lifecycle.ca(ACME).orElseThrow().certificate()).isEqualTo(bytes("ca certificate acme"));
        assertThat(lifecycle.ca(ACME).orElseThrow().chain().get(0)).isEqualTo(bytes("issuer of acme"));
        assertThat(lifecycle.ca(ACME).orElseThrow().protectedKey()).isEqualTo(bytes("sealed key of acme"));
        assertThat(lifecycle.crl(ACME).orElseThrow().crl()).isEqualTo(bytes("crl 1"));
    }

    // the register of issued keys

    @Test
    default void addIssuedShouldStoreEveryField() {
        LifecycleStorage lifecycle = lifecycle(ACME);
        IssuedRow row = new IssuedRow(OPENPGP, "key-1", JOHN, "ab12", NOW, NOW.plusSeconds(86400),
            KeyStatus.REVOKED.name(), Optional.of(NOW.plusSeconds(5)), Optional.of(1), Optional.of("key-2"));

        lifecycle.addIssued(ACME, row);

        IssuedRow stored = lifecycle.issued(ACME, OPENPGP, "key-1").orElseThrow();
        assertThat(stored).usingRecursiveComparison().isEqualTo(row);
        assertThat(lifecycle.issued(ACME, SMIME, "key-1")).isEmpty();
    }

    @Test
    default void addIssuedShouldRefuseAnIdTwiceForOneTenantAndKind() {
        LifecycleStorage lifecycle = lifecycle(ACME, GLOBEX);
        lifecycle.addIssued(ACME, active(SMIME, "1", JOHN));

        assertThatThrownBy(() -> lifecycle.addIssued(ACME, active(SMIME, "1", JANE)))
            .isInstanceOf(IllegalStateException.class);
        lifecycle.addIssued(ACME, active(OPENPGP, "1", JANE));
        lifecycle.addIssued(GLOBEX, active(SMIME, "1", JANE));

        assertThat(lifecycle.issued(ACME, SMIME, "1").orElseThrow().address()).isEqualTo(JOHN);
        assertThat(lifecycle.issued(ACME, Optional.empty())).hasSize(2);
    }

    @Test
    default void issuedShouldListTheRegisterOldestFirstOrOneAddressesPart() {
        LifecycleStorage lifecycle = lifecycle(ACME);
        lifecycle.addIssued(ACME, active(SMIME, "3", JOHN, NOW.plusSeconds(30), NOW.plusSeconds(9000)));
        lifecycle.addIssued(ACME, active(SMIME, "1", JANE, NOW.plusSeconds(10), NOW.plusSeconds(9000)));
        lifecycle.addIssued(ACME, active(OPENPGP, "2", JOHN, NOW.plusSeconds(20), NOW.plusSeconds(9000)));

        assertThat(ids(lifecycle.issued(ACME, Optional.empty()))).containsExactly("1", "2", "3");
        assertThat(ids(lifecycle.issued(ACME, Optional.of(JOHN)))).containsExactly("2", "3");
        assertThat(lifecycle.issued(ACME, Optional.of("JOHN@acme.example"))).isEmpty();
        assertThat(lifecycle.issued(ACME, Optional.of("nobody@acme.example"))).isEmpty();
    }

    @Test
    default void activeExpiringBeforeShouldListActiveKeysSoonestFirst() {
        LifecycleStorage lifecycle = lifecycle(ACME);
        Instant before = NOW.plus(Duration.ofDays(30));
        lifecycle.addIssued(ACME, active(SMIME, "late", JOHN, NOW, before.minusSeconds(1)));
        lifecycle.addIssued(ACME, active(OPENPGP, "soon", JOHN, NOW, NOW.plusSeconds(60)));
        lifecycle.addIssued(ACME, active(SMIME, "at-the-limit", JANE, NOW, before));
        lifecycle.addIssued(ACME, active(SMIME, "superseded", JANE, NOW, NOW.plusSeconds(10)));
        lifecycle.addIssued(ACME, active(SMIME, "revoked", JANE, NOW, NOW.plusSeconds(10)));
        lifecycle.markSuperseded(ACME, SMIME, "superseded", "late");
        lifecycle.markRevoked(ACME, SMIME, "revoked", NOW, 1);

        assertThat(ids(lifecycle.activeExpiringBefore(ACME, before))).containsExactly("soon", "late");
    }

    @Test
    default void markRevokedShouldRevokeAKeyOnce() {
        LifecycleStorage lifecycle = lifecycle(ACME);
        lifecycle.addIssued(ACME, active(SMIME, "1", JOHN));

        assertThat(lifecycle.markRevoked(ACME, SMIME, "1", NOW.plusSeconds(5), 1)).isTrue();
        assertThat(lifecycle.markRevoked(ACME, SMIME, "1", NOW.plusSeconds(9), 4)).isFalse();
        assertThat(lifecycle.markRevoked(ACME, SMIME, "missing", NOW, 1)).isFalse();
        assertThat(lifecycle.markRevoked(ACME, OPENPGP, "1", NOW, 1)).isFalse();

        IssuedRow revoked = lifecycle.issued(ACME, SMIME, "1").orElseThrow();
        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED.name());
        assertThat(revoked.revokedAt()).contains(NOW.plusSeconds(5));
        assertThat(revoked.reasonCode()).contains(1);
    }

    @Test
    default void markRevokedShouldRevokeASupersededKeyToo() {
        LifecycleStorage lifecycle = lifecycle(ACME);
        lifecycle.addIssued(ACME, active(SMIME, "old", JOHN));
        lifecycle.markSuperseded(ACME, SMIME, "old", "new");

        assertThat(lifecycle.markRevoked(ACME, SMIME, "old", NOW, 1)).isTrue();

        IssuedRow revoked = lifecycle.issued(ACME, SMIME, "old").orElseThrow();
        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED.name());
        assertThat(revoked.renewedBy()).contains("new");
    }

    @Test
    default void markSupersededShouldOnlyTouchActiveKeys() {
        LifecycleStorage lifecycle = lifecycle(ACME);
        lifecycle.addIssued(ACME, active(SMIME, "1", JOHN));
        lifecycle.addIssued(ACME, active(SMIME, "2", JOHN));
        lifecycle.markRevoked(ACME, SMIME, "2", NOW, 1);

        assertThat(lifecycle.markSuperseded(ACME, SMIME, "1", "3")).isTrue();
        assertThat(lifecycle.markSuperseded(ACME, SMIME, "1", "4")).isFalse();
        assertThat(lifecycle.markSuperseded(ACME, SMIME, "2", "4")).isFalse();
        assertThat(lifecycle.markSuperseded(ACME, SMIME, "missing", "4")).isFalse();

        IssuedRow superseded = lifecycle.issued(ACME, SMIME, "1").orElseThrow();
        assertThat(superseded.status()).isEqualTo(KeyStatus.SUPERSEDED.name());
        assertThat(superseded.renewedBy()).contains("3");
        assertThat(superseded.revokedAt()).isEmpty();
        assertThat(lifecycle.issued(ACME, SMIME, "2").orElseThrow().status()).isEqualTo(KeyStatus.REVOKED.name());
        assertThat(lifecycle.issued(ACME, SMIME, "2").orElseThrow().renewedBy()).isEmpty();
    }

    @Test
    default void revokedShouldListTheKindsRevokedKeysOldestRevocationFirst() {
        LifecycleStorage lifecycle = lifecycle(ACME);
        List.of("1", "2", "3", "4").forEach(id -> lifecycle.addIssued(ACME, active(SMIME, id, JOHN)));
        lifecycle.addIssued(ACME, active(OPENPGP, "5", JOHN));
        lifecycle.markRevoked(ACME, SMIME, "3", NOW.plusSeconds(10), 1);
        lifecycle.markRevoked(ACME, SMIME, "1", NOW.plusSeconds(20), 4);
        lifecycle.markRevoked(ACME, OPENPGP, "5", NOW.plusSeconds(5), 1);
        lifecycle.markSuperseded(ACME, SMIME, "2", "4");

        assertThat(ids(lifecycle.revoked(ACME, SMIME))).containsExactly("3", "1");
        assertThat(ids(lifecycle.revoked(ACME, OPENPGP))).containsExactly("5");
    }

    // CRLs

    @Test
    default void putCrlShouldOnlyReplaceTheCrlWithAHigherNumber() {
        LifecycleStorage lifecycle = lifecycle(ACME);

        assertThat(lifecycle.putCrl(ACME, crl(2))).isTrue();
        assertThat(lifecycle.putCrl(ACME, crl(2))).isFalse();
        assertThat(lifecycle.putCrl(ACME, crl(1))).isFalse();
        assertThat(lifecycle.crl(ACME).orElseThrow().number()).isEqualTo(2);
        assertThat(lifecycle.putCrl(ACME, crl(7))).isTrue();

        CrlRow stored = lifecycle.crl(ACME).orElseThrow();
        assertThat(stored.number()).isEqualTo(7);
        assertThat(stored.crl()).isEqualTo(bytes("crl 7"));
        assertThat(stored.thisUpdate()).isEqualTo(NOW.plusSeconds(7));
        assertThat(stored.nextUpdate()).isEqualTo(NOW.plusSeconds(3607));
    }

    @Test
    default void concurrentCrlsShouldLeaveTheHighestNumber() throws Exception {
        LifecycleStorage lifecycle = lifecycle(ACME);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> stored = new ArrayList<>();
            for (long number = 1; number <= 24; number++) {
                long crlNumber = number;
                stored.add(threads.submit(() -> lifecycle.putCrl(ACME, crl(crlNumber))));
            }
            for (Future<Boolean> each : stored) {
                each.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(lifecycle.crl(ACME).orElseThrow().number()).isEqualTo(24);
    }

    // tenancy

    @Test
    default void noReadShouldEverReturnAnotherTenantsRows() {
        LifecycleStorage lifecycle = lifecycle(ACME, GLOBEX);
        lifecycle.insertCa(ACME, ca("acme", ""));
        lifecycle.addIssued(ACME, active(SMIME, "1", JOHN, NOW, NOW.plusSeconds(10)));
        lifecycle.addIssued(ACME, active(SMIME, "2", JOHN, NOW, NOW.plusSeconds(10)));
        lifecycle.markRevoked(ACME, SMIME, "2", NOW, 1);
        lifecycle.putCrl(ACME, crl(1));

        assertThat(lifecycle.ca(GLOBEX)).isEmpty();
        assertThat(lifecycle.issued(GLOBEX, SMIME, "1")).isEmpty();
        assertThat(lifecycle.issued(GLOBEX, Optional.empty())).isEmpty();
        assertThat(lifecycle.issued(GLOBEX, Optional.of(JOHN))).isEmpty();
        assertThat(lifecycle.activeExpiringBefore(GLOBEX, NOW.plusSeconds(3600))).isEmpty();
        assertThat(lifecycle.revoked(GLOBEX, SMIME)).isEmpty();
        assertThat(lifecycle.crl(GLOBEX)).isEmpty();
        assertThat(lifecycle.tenantsWithCa()).containsExactly(ACME);
    }

    @Test
    default void noWriteShouldEverChangeAnotherTenantsRows() {
        LifecycleStorage lifecycle = lifecycle(ACME, GLOBEX);
        lifecycle.insertCa(ACME, ca("acme", "acme settings"));
        lifecycle.addIssued(ACME, active(SMIME, "1", JOHN));
        lifecycle.putCrl(ACME, crl(1));

        assertThat(lifecycle.insertCa(GLOBEX, ca("globex", "globex settings"))).isTrue();
        assertThat(lifecycle.updateCaSettings(GLOBEX, "changed")).isTrue();
        assertThat(lifecycle.markRevoked(GLOBEX, SMIME, "1", NOW, 1)).isFalse();
        assertThat(lifecycle.markSuperseded(GLOBEX, SMIME, "1", "2")).isFalse();
        assertThat(lifecycle.putCrl(GLOBEX, crl(5))).isTrue();

        assertThat(lifecycle.ca(ACME).orElseThrow().settings()).isEqualTo("acme settings");
        assertThat(lifecycle.issued(ACME, SMIME, "1").orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE.name());
        assertThat(lifecycle.crl(ACME).orElseThrow().number()).isEqualTo(1);
        assertThat(lifecycle.tenantsWithCa()).containsExactly(ACME, GLOBEX);
    }

    // the issuance lock

    @Test
    default void withIssuanceLockShouldReturnWhatTheWorkReturns() {
        LifecycleStorage lifecycle = lifecycle(ACME);

        assertThat(lifecycle.withIssuanceLock(ACME, SMIME, JOHN, () -> "issued")).isEqualTo("issued");
        assertThat(lifecycle.withIssuanceLock(ACME, SMIME, JOHN, () -> "again")).isEqualTo("again");
    }

    @Test
    default void issuersOfOneKeyShouldTakeTurnsAndSeeEachOthersWrites() throws Exception {
        LifecycleStorage lifecycle = lifecycle(ACME);
        assertIssuersTakeTurns(List.of(lifecycle), ACME, 16);
    }

    /**
     * Runs {@code issuers} threads, spread over {@code nodes}, that each issue one key to JOHN under the lock: each
     * numbers its key after the keys it finds, so two issuers inside at once (or one not seeing the previous one's
     * write) would register one id twice.
     */
    static void assertIssuersTakeTurns(List<LifecycleStorage> nodes, TenantId tenant, int issuers) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(issuers);
        try {
            List<Future<String>> issued = new ArrayList<>();
            for (int issuer = 0; issuer < issuers; issuer++) {
                LifecycleStorage node = nodes.get(issuer % nodes.size());
                issued.add(threads.submit(() -> {
                    start.await();
                    return node.withIssuanceLock(tenant, SMIME, JOHN, () -> {
                        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        try {
                            String id = Integer.toString(node.issued(tenant, Optional.of(JOHN)).size() + 1);
                            Thread.sleep(5);
                            node.addIssued(tenant, active(SMIME, id, JOHN));
                            return id;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        } finally {
                            inside.decrementAndGet();
                        }
                    });
                }));
            }
            start.countDown();
            List<String> ids = new ArrayList<>();
            for (Future<String> each : issued) {
                ids.add(each.get(PATIENCE_SECONDS * 3, TimeUnit.SECONDS));
            }

            assertThat(mostInside.get()).isEqualTo(1);
            assertThat(ids).hasSize(issuers).doesNotHaveDuplicates();
            assertThat(nodes.get(0).issued(tenant, Optional.of(JOHN))).hasSize(issuers);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    default void issuersOfOtherKeysShouldNotWaitForAHolder() throws Exception {
        LifecycleStorage lifecycle = lifecycle(ACME, GLOBEX);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService threads = Executors.newCachedThreadPool();
        try {
            Future<String> holder = threads.submit(() -> lifecycle.withIssuanceLock(ACME, SMIME, JOHN, () -> {
                holding.countDown();
                await(release);
                return "john";
            }));
            assertThat(holding.await(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();

            assertThat(threads.submit(() -> lifecycle.withIssuanceLock(ACME, SMIME, JANE, () -> "jane"))
                .get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("jane");
            assertThat(threads.submit(() -> lifecycle.withIssuanceLock(ACME, OPENPGP, JOHN, () -> "john's openpgp"))
                .get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("john's openpgp");
            assertThat(threads.submit(() -> lifecycle.withIssuanceLock(GLOBEX, SMIME, JOHN, () -> "globex's john"))
                .get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("globex's john");
            assertThat(holder).isNotDone();

            release.countDown();
            assertThat(holder.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("john");
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    default void aFailingWorkShouldReleaseTheLock() throws Exception {
        LifecycleStorage lifecycle = lifecycle(ACME);
        IllegalArgumentException failure = new IllegalArgumentException("no key for you");

        assertThatThrownBy(() -> lifecycle.withIssuanceLock(ACME, SMIME, JOHN, () -> {
            throw failure;
        })).isSameAs(failure);

        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            assertThat(threads.submit(() -> lifecycle.withIssuanceLock(ACME, SMIME, JOHN, () -> "issued"))
                .get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("issued");
        } finally {
            threads.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(PATIENCE_SECONDS * 2, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
