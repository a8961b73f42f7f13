package dev.tresor.keys.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.task.Task;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.lifecycle.ExpiringKey;
import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.lifecycle.KeyLifecycle;
import dev.tresor.keys.lifecycle.Renewal;
import dev.tresor.keys.lifecycle.RevocationReason;
import dev.tresor.keys.lifecycle.TenantCa;

/** The renewal job over a scripted lifecycle: what it visits, what it reports, and that one failure stops nothing. */
class RenewalTaskTest {
    private static final TestPki CA = TestPki.ca("Renewal test CA");
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId BROKEN = TenantId.of("broken");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");

    private final TestClock clock = new TestClock(NOW);
    private final ScriptedLifecycle lifecycle = new ScriptedLifecycle();

    @Test
    void everyTenantWithACaShouldBeRenewedAndItsCrlRefreshed() throws Exception {
        lifecycle.renewals.put(ACME, List.of(renewal(ACME, "alice@acme.example")));
        lifecycle.renewals.put(GLOBEX, List.of(renewal(GLOBEX, "bob@globex.example")));

        RenewalTask task = new RenewalTask(lifecycle, Optional.empty(), clock);

        assertThat(task.run()).isEqualTo(Task.Result.COMPLETED);
        assertThat(lifecycle.renewedBy).containsExactly(RenewalTask.ACTOR, RenewalTask.ACTOR);
        assertThat(lifecycle.crls).containsExactly(ACME, GLOBEX);
        RenewalTask.Report report = report(task);
        assertThat(report.renewed()).extracting(entry -> entry.get("address"))
            .containsExactly("alice@acme.example", "bob@globex.example");
        assertThat(report.renewed().get(0)).containsEntry("tenant", "acme").containsEntry("kind", "smime")
            .containsEntry("superseded", "01").containsEntry("replacement", "02");
        assertThat(report.failures()).isEmpty();
    }

    @Test
    void aTenantWhoseRenewalFailsShouldBeReportedAndTheOthersStillRenewed() throws Exception {
        lifecycle.tenants = List.of(ACME, BROKEN, GLOBEX);
        lifecycle.renewals.put(ACME, List.of(renewal(ACME, "alice@acme.example")));
        lifecycle.renewals.put(GLOBEX, List.of(renewal(GLOBEX, "bob@globex.example")));

        RenewalTask task = new RenewalTask(lifecycle, Optional.empty(), clock);

        assertThat(task.run()).isEqualTo(Task.Result.PARTIAL);
        RenewalTask.Report report = report(task);
        assertThat(report.renewed()).hasSize(2);
        assertThat(report.failures()).containsExactly(Map.of("tenant", "broken", "reason",
            "renewal failed: the HSM is away"));
        assertThat(lifecycle.crls).containsExactly(ACME, BROKEN, GLOBEX);
    }

    @Test
    void anIssuedKeyStillDueAfterTheRenewalShouldBeReportedAsNotRenewed() throws Exception {
        lifecycle.issued.put(ACME, List.of(
            issued(ACME, "0a", "due@acme.example", NOW.plus(Duration.ofDays(10)), KeyStatus.ACTIVE),
            issued(ACME, "0b", "fine@acme.example", NOW.plus(Duration.ofDays(300)), KeyStatus.ACTIVE),
            issued(ACME, "0c", "old@acme.example", NOW.plus(Duration.ofDays(10)), KeyStatus.SUPERSEDED)));

        RenewalTask task = new RenewalTask(lifecycle, Optional.of(ACME), clock);

        assertThat(task.run()).isEqualTo(Task.Result.PARTIAL);
        assertThat(report(task).failures()).singleElement().satisfies(failure -> assertThat(failure.get("reason"))
            .startsWith("not renewed: smime 0a of due@acme.example"));
    }

    @Test
    void onlyKeysFromOutsideShouldBeListedAsExpiring() throws Exception {
        Instant soon = NOW.plus(Duration.ofDays(5));
        lifecycle.expiring.put(ACME, List.of(
            new ExpiringKey(KeyKind.SMIME, "aa", List.of(EmailAddress.of("carol@acme.example")), Origin.IMPORTED, true, soon),
            new ExpiringKey(KeyKind.OPENPGP, "bb", List.of(EmailAddress.of("dave@partner.example")), Origin.HARVESTED,
                false, soon),
            new ExpiringKey(KeyKind.SMIME, "cc", List.of(EmailAddress.of("alice@acme.example")), Origin.ISSUED, true, soon)));

        RenewalTask task = new RenewalTask(lifecycle, Optional.of(ACME), clock);
        task.run();

        assertThat(lifecycle.expiringAsked).containsExactly(21);
        assertThat(report(task).expiring()).extracting(entry -> entry.get("fingerprint")).containsExactly("aa", "bb");
        assertThat(report(task).expiring().get(1)).containsEntry("origin", "harvested").containsEntry("kind", "openpgp")
            .containsEntry("addresses", "dave@partner.example");
    }

    @Test
    void keysFromOutsideShouldBeMailedToTheNotifyAddressOnceADay() throws Exception {
        Instant soon = NOW.plus(Duration.ofDays(5));
        lifecycle.notify = "pki@acme.example";
        lifecycle.expiring.put(ACME, List.of(
            new ExpiringKey(KeyKind.SMIME, "aa", List.of(EmailAddress.of("carol@acme.example")), Origin.IMPORTED, true, soon),
            new ExpiringKey(KeyKind.SMIME, "cc", List.of(EmailAddress.of("alice@acme.example")), Origin.ISSUED, true, soon)));
        FakeMailContext mail = FakeMailContext.defaultContext();
        ExpiryNotices notices = new ExpiryNotices(mail, clock);

        new RenewalTask(lifecycle, Optional.of(ACME), clock, Optional.of(notices)).run();
        new RenewalTask(lifecycle, Optional.of(ACME), clock, Optional.of(notices)).run();

        assertThat(mail.getSentMails()).singleElement().satisfies(sent -> {
            assertThat(sent.getRecipients()).extracting(Object::toString).containsExactly("pki@acme.example");
            String text = sent.getMsg().getContent().toString();
            assertThat(text).contains("carol@acme.example").contains("aa").doesNotContain("alice@acme.example");
            assertThat(sent.getMsg().getSubject()).isEqualTo("Tresor: 1 key(s) of tenant acme expire soon");
        });

        clock.advance(Duration.ofDays(1));
        new RenewalTask(lifecycle, Optional.of(ACME), clock, Optional.of(notices)).run();
        assertThat(mail.getSentMails()).hasSize(2);
    }

    @Test
    void theReportShouldSurviveItsJsonForm() throws Exception {
        lifecycle.renewals.put(ACME, List.of(renewal(ACME, "alice@acme.example")));
        RenewalTask task = new RenewalTask(lifecycle, Optional.of(ACME), clock);
        task.run();
        RenewalTask.Report report = report(task);

        RenewalTaskReportDTO dto = RenewalTaskReportDTO.module().toDTO(report);
        RenewalTask.Report back = RenewalTaskReportDTO.module().getToDomainObjectConverter().convert(dto);

        assertThat(dto.getType()).isEqualTo("tresor-key-renewal");
        assertThat(dto.getTenant()).hasValue("acme");
        assertThat(back.renewed()).isEqualTo(report.renewed());
        assertThat(back.timestamp()).isEqualTo(report.timestamp());
    }

    private static RenewalTask.Report report(RenewalTask task) {
        return (RenewalTask.Report) task.details().orElseThrow();
    }

    private static Renewal renewal(TenantId tenant, String address) {
        Instant notAfter = NOW.plus(Duration.ofDays(365));
        return new Renewal(issued(tenant, "01", address, NOW.plus(Duration.ofDays(20)), KeyStatus.SUPERSEDED),
            issued(tenant, "02", address, notAfter, KeyStatus.ACTIVE));
    }

    private static IssuedKey issued(TenantId tenant, String id, String address, Instant notAfter, KeyStatus status) {
        boolean revoked = status == KeyStatus.REVOKED;
        return new IssuedKey(tenant, KeyKind.SMIME, id, EmailAddress.of(address), "ff" + id,
            notAfter.minus(Duration.ofDays(365)), notAfter, status, revoked ? Optional.of(NOW) : Optional.empty(),
            revoked ? Optional.of(RevocationReason.UNSPECIFIED) : Optional.empty(), Optional.empty());
    }

    /** Answers what the test scripted; {@code broken} fails to renew. */
    private static final class ScriptedLifecycle implements KeyLifecycle {
        List<TenantId> tenants = List.of(ACME, GLOBEX);
        String notify = "";
        final Map<TenantId, List<Renewal>> renewals = new java.util.HashMap<>();
        final Map<TenantId, List<IssuedKey>> issued = new java.util.HashMap<>();
        final Map<TenantId, List<ExpiringKey>> expiring = new java.util.HashMap<>();
        final List<String> renewedBy = new ArrayList<>();
        final List<TenantId> crls = new ArrayList<>();
        final List<Integer> expiringAsked = new ArrayList<>();

        @Override
        public List<TenantId> tenantsWithCa() {
            return tenants;
        }

        @Override
        public Optional<TenantCa> ca(TenantId tenant) {
            CaSettings settings = CaSettings.parse(Map.of("publicationUrl", "http://pki.example",
                "renewBeforeDays", "30", "expiryWarningDays", "21", "notify", notify), Optional.empty());
            return Optional.of(new TenantCa(tenant, CA.certificate(), List.of(), true, settings, NOW));
        }

        @Override
        public List<Renewal> renew(TenantId tenant, String actor) {
            if (tenant.equals(BROKEN)) {
                throw new IllegalStateException("the HSM is away");
            }
            renewedBy.add(actor);
            return renewals.getOrDefault(tenant, List.of());
        }

        @Override
        public Optional<byte[]> crl(TenantId tenant) {
            crls.add(tenant);
            return Optional.of(new byte[1]);
        }

        @Override
        public List<IssuedKey> issued(TenantId tenant, Optional<EmailAddress> address) {
            return issued.getOrDefault(tenant, List.of());
        }

        @Override
        public List<ExpiringKey> expiring(TenantId tenant, int withinDays) {
            expiringAsked.add(withinDays);
            return expiring.getOrDefault(tenant, List.of());
        }

        @Override
        public TenantCa createCa(TenantId tenant, CaSettings settings, String actor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TenantCa importCa(TenantId tenant, List<X509Certificate> chain, PrivateKey key, CaSettings settings,
                                 String actor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TenantCa changeSettings(TenantId tenant, CaSettings settings, String actor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<KeyPairEntry> smimeKey(TenantId tenant, EmailAddress sender) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<PgpPrivateKeyEntry> pgpKey(TenantId tenant, EmailAddress sender) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean issuesAutomatically(TenantId tenant, EmailAddress sender, KeyKind kind) {
            throw new UnsupportedOperationException();
        }

        @Override
        public IssuedKey issue(TenantId tenant, KeyKind kind, EmailAddress address, Optional<Integer> validityDays,
                               String actor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<IssuedKey> issuedKey(TenantId tenant, KeyKind kind, String id) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<IssuedKey> revoke(TenantId tenant, KeyKind kind, String id, RevocationReason reason,
                                          String actor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<IssuedKey> revokeAll(TenantId tenant, EmailAddress address, RevocationReason reason, String actor) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<byte[]> ocsp(TenantId tenant, byte[] request) {
            throw new UnsupportedOperationException();
        }
    }
}
