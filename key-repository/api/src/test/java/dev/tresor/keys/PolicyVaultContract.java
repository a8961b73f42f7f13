package dev.tresor.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.policy.Encryption;
import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;
import dev.tresor.keys.policy.PolicyVersion;
import dev.tresor.keys.policy.TenantPolicies;

/**
 * The behaviour of the policy vault, pinned once and run against every storage backend. Implementations provide a
 * fresh, empty repository per test whose clock is {@link #clock()}, and a way to write a stored version behind the
 * vault's back ({@link #storeRawPolicy}), to prove that what no longer parses is an error and never "no policy".
 */
public interface PolicyVaultContract {
    TenantId BANK = TenantId.of("bank");
    TenantId HOSPITAL = TenantId.of("hospital");
    PolicyScope PARTNER = PolicyScope.partner("partner.example");
    PolicyScope WILDCARD = PolicyScope.partner("*.example.com");
    PolicyScope SENDER = PolicyScope.sender("alice@bank.example");
    EmailAddress ALICE = EmailAddress.of("alice@bank.example");
    EmailAddress BOB = EmailAddress.of("bob@partner.example");

    KeyRepository repository();

    TestClock clock();

    /** Appends a version of {@code scope} (its one-word text) with {@code settings} as stored text, unchecked. */
    void storeRawPolicy(TenantId tenant, String scope, String settings);

    private PolicyVault vault(TenantId... tenants) {
        for (TenantId tenant : tenants) {
            repository().tenants().create(tenant);
        }
        return repository().policies();
    }

    private static PolicySettings settings(String... fieldsAndValues) {
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            fields.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return PolicySettings.fromMap(fields);
    }

    private List<AuditEvent> audit(TenantId tenant) {
        return repository().audit().query(tenant, Instant.EPOCH, clock().instant().plusSeconds(1), 100);
    }

    // set and get

    @Test
    default void setShouldStoreTheSettingsWhichGetAndOfReturn() {
        PolicySettings settings = settings("encryption", "mandatory", "mechanisms", "pgp,smime",
            "gatewayCertificate", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "gatewayPgpKey", "0123456789abcdef0123456789abcdef01234567", "requireSignature", "true",
            "requireEncryption", "false", "requireTls", "true", "inboundAction", "reject");

        PolicyVersion version = vault(BANK).set(BANK, PARTNER, settings, "carol");

        assertThat(version.version()).isEqualTo(1);
        assertThat(version.scope()).isEqualTo(PARTNER);
        assertThat(version.settings()).contains(settings);
        assertThat(version.time()).isEqualTo(clock().instant());
        assertThat(version.changedBy()).isEqualTo("carol");
        assertThat(vault().get(BANK, PARTNER)).contains(settings);
        assertThat(vault().of(BANK).scopes()).containsExactly(Map.entry(PARTNER, settings));
    }

    @Test
    default void setShouldReplaceTheScopesSettingsNotMergeThem() {
        vault(BANK).set(BANK, PARTNER, settings("encryption", "mandatory", "requireTls", "true"), "carol");

        vault().set(BANK, PARTNER, settings("encryption", "opportunistic"), "carol");

        assertThat(vault().get(BANK, PARTNER)).contains(settings("encryption", "opportunistic"));
    }

    @Test
    default void everyKindOfScopeShouldBeKeptApart() {
        vault(BANK).set(BANK, PolicyScope.tenantDefault(), settings("encryption", "opportunistic", "subjectTag", ""),
            "carol");
        vault().set(BANK, PARTNER, settings("encryption", "mandatory"), "carol");
        vault().set(BANK, WILDCARD, settings("encryption", "never"), "carol");
        vault().set(BANK, PolicyScope.partner("bob@partner.example"), settings("requireTls", "true"), "carol");
        vault().set(BANK, PolicyScope.sender("bank.example"), settings("signing", "force"), "carol");
        vault().set(BANK, SENDER, settings("signing", "never"), "carol");

        assertThat(vault().of(BANK).scopes().keySet()).containsExactly(PolicyScope.tenantDefault(), WILDCARD, PARTNER,
            PolicyScope.partner("bob@partner.example"), PolicyScope.sender("bank.example"), SENDER);
        assertThat(vault().get(BANK, WILDCARD)).contains(settings("encryption", "never"));
        assertThat(vault().get(BANK, PolicyScope.partner("example.com"))).isEmpty();
    }

    @Test
    default void anEmptyTriggerShouldSurviveStorageAsSwitchedOff() {
        vault(BANK).set(BANK, PolicyScope.tenantDefault(), settings("subjectTag", "", "triggerHeader", ""), "carol");

        TenantPolicies policies = vault().of(BANK);

        assertThat(policies.subjectTag()).isEmpty();
        assertThat(policies.triggerHeader()).isEmpty();
    }

    @Test
    default void ofShouldResolveAMailsPolicyFromTheStoredScopes() {
        vault(BANK).set(BANK, PARTNER, settings("encryption", "mandatory-all"), "carol");
        vault().set(BANK, SENDER, settings("signing", "force"), "carol");

        TenantPolicies policies = vault().of(BANK);

        assertThat(policies.outbound(ALICE, BOB).encryption()).isEqualTo(Encryption.MANDATORY_ALL);
        assertThat(policies.outbound(ALICE, BOB).decidedBy()).isEqualTo(PARTNER);
        assertThat(policies.outbound(ALICE, BOB).signing().asString()).isEqualTo("force");
    }

    @Test
    default void setShouldRefuseAFieldTheScopeCannotHoldAndStoreNothing() {
        assertThatThrownBy(() -> vault(BANK).set(BANK, SENDER, settings("encryption", "mandatory"), "carol"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("encryption");
        assertThatThrownBy(() -> vault().set(BANK, PolicyScope.tenantDefault(),
            settings("gatewayPgpKey", "0123456789abcdef0123456789abcdef01234567"), "carol"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("gatewayPgpKey");

        assertThat(vault().of(BANK).scopes()).isEmpty();
        assertThat(vault().history(BANK, SENDER)).isEmpty();
        assertThat(audit(BANK)).isEmpty();
    }

    // remove

    @Test
    default void removeShouldDropTheScopeAndKeepItsHistory() {
        vault(BANK).set(BANK, PARTNER, settings("encryption", "mandatory"), "carol");
        clock().advance(Duration.ofMinutes(1));

        assertThat(vault().remove(BANK, PARTNER, "dave")).isTrue();

        assertThat(vault().get(BANK, PARTNER)).isEmpty();
        assertThat(vault().of(BANK)).isEqualTo(TenantPolicies.none());
        assertThat(vault().history(BANK, PARTNER)).extracting(PolicyVersion::version, PolicyVersion::settings,
                PolicyVersion::changedBy)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(2, Optional.empty(), "dave"),
                org.assertj.core.groups.Tuple.tuple(1, Optional.of(settings("encryption", "mandatory")), "carol"));
    }

    @Test
    default void removeOfAnUnsetScopeShouldAnswerFalseAndRecordNothing() {
        assertThat(vault(BANK).remove(BANK, PARTNER, "carol")).isFalse();
        vault().set(BANK, PARTNER, settings("encryption", "mandatory"), "carol");
        vault().remove(BANK, PARTNER, "carol");

        assertThat(vault().remove(BANK, PARTNER, "carol")).isFalse();

        assertThat(vault().history(BANK, PARTNER)).hasSize(2);
        assertThat(audit(BANK)).hasSize(2);
    }

    // history

    @Test
    default void historyShouldListEveryVersionNewestFirstNumberedPerScope() {
        Instant first = clock().instant();
        vault(BANK).set(BANK, PARTNER, settings("encryption", "opportunistic"), "carol");
        clock().advance(Duration.ofMinutes(1));
        vault().set(BANK, PARTNER, settings("encryption", "mandatory"), "dave");
        vault().set(BANK, WILDCARD, settings("encryption", "never"), "dave");
        clock().advance(Duration.ofMinutes(1));
        vault().remove(BANK, PARTNER, "erin");
        clock().advance(Duration.ofMinutes(1));

        PolicyVersion again = vault().set(BANK, PARTNER, settings("encryption", "mandatory-all"), "carol");

        assertThat(again.version()).isEqualTo(4);
        List<PolicyVersion> history = vault().history(BANK, PARTNER);
        assertThat(history).extracting(PolicyVersion::version).containsExactly(4, 3, 2, 1);
        assertThat(history).extracting(PolicyVersion::changedBy).containsExactly("carol", "erin", "dave", "carol");
        assertThat(history).extracting(PolicyVersion::time).containsExactly(first.plusSeconds(180),
            first.plusSeconds(120), first.plusSeconds(60), first);
        assertThat(history).allSatisfy(version -> assertThat(version.scope()).isEqualTo(PARTNER));
        assertThat(history.get(0)).isEqualTo(again);
        assertThat(vault().history(BANK, WILDCARD)).extracting(PolicyVersion::version).containsExactly(1);
    }

    @Test
    default void historyOfAScopeThatNeverHadAPolicyShouldBeEmpty() {
        assertThat(vault(BANK).history(BANK, PARTNER)).isEmpty();
    }

    // audit

    @Test
    default void everyChangeShouldBeAuditedWithTheScopeAndWhoMadeIt() {
        vault(BANK).set(BANK, PARTNER, settings("encryption", "mandatory"), "carol");
        clock().advance(Duration.ofMinutes(1));
        vault().remove(BANK, PARTNER, "dave");

        List<AuditEvent> events = audit(BANK).stream()
            .sorted(java.util.Comparator.comparing(AuditEvent::time)).collect(Collectors.toList());

        assertThat(events).extracting(AuditEvent::operation)
            .containsExactly(AuditEvent.Operation.SET_POLICY, AuditEvent.Operation.REMOVE_POLICY);
        assertThat(events.get(0).detail()).hasValueSatisfying(detail -> assertThat(detail)
            .contains("partner:partner.example", "v1", "encryption=mandatory", "carol"));
        assertThat(events.get(1).detail()).hasValueSatisfying(detail -> assertThat(detail)
            .contains("partner:partner.example", "v2", "dave"));
        assertThat(events).allSatisfy(event -> assertThat(event.tenant()).isEqualTo(BANK));
    }

    // tenants

    @Test
    default void setForAnUnknownTenantShouldFailAndRecordNothing() {
        assertThatThrownBy(() -> vault().set(BANK, PARTNER, settings("encryption", "mandatory"), "carol"))
            .isInstanceOf(UnknownTenantException.class);

        repository().tenants().create(BANK);
        assertThat(vault().history(BANK, PARTNER)).isEmpty();
        assertThat(audit(BANK)).isEmpty();
    }

    @Test
    default void anUnknownTenantShouldHaveNoPolicies() {
        assertThat(vault().of(BANK)).isEqualTo(TenantPolicies.none());
        assertThat(vault().get(BANK, PARTNER)).isEmpty();
        assertThat(vault().history(BANK, PARTNER)).isEmpty();
        assertThat(vault().remove(BANK, PARTNER, "carol")).isFalse();
    }

    @Test
    default void anotherTenantShouldNeverSeeAPolicy() {
        vault(BANK, HOSPITAL).set(BANK, PARTNER, settings("encryption", "mandatory"), "carol");

        assertThat(vault().get(HOSPITAL, PARTNER)).isEmpty();
        assertThat(vault().of(HOSPITAL)).isEqualTo(TenantPolicies.none());
        assertThat(vault().of(HOSPITAL).outbound(ALICE, BOB).encryption()).isEqualTo(Encryption.OPPORTUNISTIC);
        assertThat(vault().history(HOSPITAL, PARTNER)).isEmpty();
        assertThat(vault().remove(HOSPITAL, PARTNER, "carol")).isFalse();
        assertThat(audit(HOSPITAL)).isEmpty();

        PolicyVersion hospitals = vault().set(HOSPITAL, PARTNER, settings("encryption", "never"), "dave");

        assertThat(hospitals.version()).isEqualTo(1);
        assertThat(vault().get(BANK, PARTNER)).contains(settings("encryption", "mandatory"));
        assertThat(vault().history(BANK, PARTNER)).hasSize(1);
    }

    // what is stored

    @Test
    default void aStoredVersionThatNoLongerParsesShouldBeAnErrorNotNoPolicy() {
        vault(BANK).set(BANK, PARTNER, settings("encryption", "mandatory"), "carol");
        storeRawPolicy(BANK, PARTNER.asString(), "encryption=maybe");

        assertThatThrownBy(() -> vault().of(BANK))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("partner:partner.example")
            .hasMessageContaining("bank");
        assertThatThrownBy(() -> vault().get(BANK, PARTNER)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> vault().history(BANK, PARTNER)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    default void aStoredUnknownFieldOrLineShouldBeAnError() {
        repository().tenants().create(BANK);
        repository().tenants().create(HOSPITAL);
        storeRawPolicy(BANK, PARTNER.asString(), "encryption=mandatory\nstrength=11");
        storeRawPolicy(HOSPITAL, PARTNER.asString(), "encryption mandatory");

        assertThatThrownBy(() -> vault().of(BANK)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("strength");
        assertThatThrownBy(() -> vault().of(HOSPITAL)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    default void aStoredFieldTheScopeCannotHoldShouldBeAnError() {
        repository().tenants().create(BANK);
        storeRawPolicy(BANK, SENDER.asString(), "encryption=mandatory");

        assertThatThrownBy(() -> vault().of(BANK)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("sender:alice@bank.example");
        assertThatThrownBy(() -> vault().get(BANK, SENDER)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    default void aStoredScopeThatNoLongerParsesShouldBeAnError() {
        repository().tenants().create(BANK);
        storeRawPolicy(BANK, "recipient:bob@partner.example", "encryption=mandatory");

        assertThatThrownBy(() -> vault().of(BANK)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("recipient:bob@partner.example");
    }
}
