package dev.tresor.keys.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.EmailAddress;

/** How one tenant's scopes resolve, field by field, for one mail. */
class TenantPoliciesTest {
    private static final EmailAddress ALICE = EmailAddress.of("alice@acme.example");
    private static final EmailAddress BOB = EmailAddress.of("bob@a.example.com");

    private static PolicySettings settings(String... fieldsAndValues) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            fields.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return PolicySettings.fromMap(fields);
    }

    private static TenantPolicies policies(Object... scopesAndSettings) {
        Map<PolicyScope, PolicySettings> scopes = new LinkedHashMap<>();
        for (int i = 0; i < scopesAndSettings.length; i += 2) {
            scopes.put(PolicyScope.parse((String) scopesAndSettings[i]), (PolicySettings) scopesAndSettings[i + 1]);
        }
        return TenantPolicies.of(scopes);
    }

    private static Encryption encryptionTo(TenantPolicies policies, String recipient) {
        return policies.outbound(ALICE, EmailAddress.of(recipient)).encryption();
    }

    @Test
    void aTenantWithoutPoliciesShouldGetTheBuiltInDefaults() {
        OutboundPolicy outbound = TenantPolicies.none().outbound(ALICE, BOB);
        InboundPolicy inbound = TenantPolicies.none().inbound(BOB);

        assertThat(outbound.encryption()).isEqualTo(Encryption.OPPORTUNISTIC);
        assertThat(outbound.mechanisms()).containsExactly(Mechanism.SMIME, Mechanism.PGP, Mechanism.PDF);
        assertThat(outbound.signing()).isEqualTo(Signing.IF_POSSIBLE);
        assertThat(outbound.gatewayCertificate()).isEmpty();
        assertThat(outbound.gatewayPgpKey()).isEmpty();
        assertThat(outbound.decidedBy()).isEqualTo(PolicyScope.tenantDefault());
        assertThat(inbound.requiresAnything()).isFalse();
        assertThat(inbound.action()).isEqualTo(InboundAction.QUARANTINE);
        assertThat(TenantPolicies.none().subjectTag()).contains("[secure]");
        assertThat(TenantPolicies.none().triggerHeader())
            .contains(HeaderTrigger.parse("Sensitivity: Company-Confidential"));
    }

    @Test
    void theMostSpecificPartnerScopeShouldWinEachStepOfTheChain() {
        TenantPolicies policies = policies(
            "default", settings("encryption", "never"),
            "partner:*.com", settings("encryption", "opportunistic"),
            "partner:*.example.com", settings("encryption", "mandatory"),
            "partner:a.example.com", settings("encryption", "mandatory-all"),
            "partner:bob@a.example.com", settings("encryption", "never"));

        assertThat(encryptionTo(policies, "bob@a.example.com")).isEqualTo(Encryption.NEVER);
        assertThat(encryptionTo(policies, "carol@a.example.com")).isEqualTo(Encryption.MANDATORY_ALL);
        assertThat(encryptionTo(policies, "carol@b.example.com")).isEqualTo(Encryption.MANDATORY);
        assertThat(encryptionTo(policies, "carol@other.com")).isEqualTo(Encryption.OPPORTUNISTIC);
        assertThat(encryptionTo(policies, "carol@other.org")).isEqualTo(Encryption.NEVER);
        assertThat(policies.outbound(ALICE, EmailAddress.of("carol@b.example.com")).decidedBy())
            .isEqualTo(PolicyScope.partner("*.example.com"));
    }

    @Test
    void aLongerWildcardShouldBeatAShorterOneWhateverTheOrderTheyWereGiven() {
        TenantPolicies policies = policies(
            "partner:*.a.example.com", settings("encryption", "mandatory"),
            "partner:*.example.com", settings("encryption", "never"));

        assertThat(encryptionTo(policies, "carol@x.a.example.com")).isEqualTo(Encryption.MANDATORY);
        assertThat(encryptionTo(policies, "carol@a.example.com")).isEqualTo(Encryption.NEVER);
    }

    @Test
    void aWildcardShouldCoverEverySubdomainButNotTheDomainItself() {
        TenantPolicies policies = policies("partner:*.example.com", settings("encryption", "mandatory"));

        assertThat(encryptionTo(policies, "carol@a.example.com")).isEqualTo(Encryption.MANDATORY);
        assertThat(encryptionTo(policies, "carol@x.a.example.com")).isEqualTo(Encryption.MANDATORY);
        assertThat(encryptionTo(policies, "carol@example.com")).isEqualTo(Encryption.OPPORTUNISTIC);
        assertThat(encryptionTo(policies, "carol@badexample.com")).isEqualTo(Encryption.OPPORTUNISTIC);
    }

    @Test
    void eachFieldShouldBeInheritedOnItsOwn() {
        TenantPolicies policies = policies(
            "default", settings("mechanisms", "pdf", "requireTls", "true"),
            "partner:a.example.com", settings("encryption", "mandatory", "gatewayPgpKey",
                "0123456789abcdef0123456789abcdef01234567", "inboundAction", "reject"),
            "partner:bob@a.example.com", settings("mechanisms", "pgp,smime"));

        OutboundPolicy outbound = policies.outbound(ALICE, BOB);
        InboundPolicy inbound = policies.inbound(BOB);

        assertThat(outbound.encryption()).isEqualTo(Encryption.MANDATORY);
        assertThat(outbound.mechanisms()).containsExactly(Mechanism.PGP, Mechanism.SMIME);
        assertThat(outbound.gatewayPgpKey()).isPresent();
        assertThat(outbound.decidedBy()).isEqualTo(PolicyScope.partner("a.example.com"));
        assertThat(inbound.requireTls()).isTrue();
        assertThat(inbound.action()).isEqualTo(InboundAction.REJECT);
        assertThat(inbound.decidedBy()).isEqualTo(PolicyScope.partner("a.example.com"));
        assertThat(policies.outbound(ALICE, EmailAddress.of("carol@a.example.com")).mechanisms())
            .containsExactly(Mechanism.PDF);
    }

    @Test
    void signingShouldFollowTheSenderChainNotThePartners() {
        TenantPolicies policies = policies(
            "default", settings("signing", "never"),
            "sender:acme.example", settings("signing", "force"),
            "sender:bob@acme.example", settings("signing", "if-possible"));

        assertThat(policies.outbound(ALICE, BOB).signing()).isEqualTo(Signing.FORCE);
        assertThat(policies.outbound(EmailAddress.of("bob@acme.example"), BOB).signing()).isEqualTo(Signing.IF_POSSIBLE);
        assertThat(policies.outbound(EmailAddress.of("carol@sub.acme.example"), BOB).signing())
            .isEqualTo(Signing.NEVER);
        assertThat(policies.outbound(BOB, ALICE).signing()).isEqualTo(Signing.NEVER);
    }

    @Test
    void triggersShouldBeSwitchedOffWithEmptyText() {
        TenantPolicies policies = policies("default", settings("subjectTag", "", "triggerHeader", ""));

        assertThat(policies.subjectTag()).isEmpty();
        assertThat(policies.triggerHeader()).isEmpty();
    }

    @Test
    void triggersShouldBeReplacedByTheTenantsOwn() {
        TenantPolicies policies = policies("default", settings("subjectTag", "[confidential]",
            "triggerHeader", "X-Classification:  Secret "));

        assertThat(policies.subjectTag()).contains("[confidential]");
        assertThat(policies.triggerHeader()).contains(HeaderTrigger.parse("X-Classification: Secret"));
        assertThat(policies.triggerHeader().orElseThrow().matches(" secret ")).isTrue();
    }

    @Test
    void aTriggerShouldEscalateOnlyWhatIsWeaker() {
        OutboundPolicy opportunistic = TenantPolicies.none().outbound(ALICE, BOB);
        OutboundPolicy all = policies("default", settings("encryption", "mandatory-all")).outbound(ALICE, BOB);

        assertThat(opportunistic.escalated().encryption()).isEqualTo(Encryption.MANDATORY);
        assertThat(all.escalated()).isEqualTo(all);
    }

    @Test
    void aScopeHoldingAFieldItCannotShouldBeRefused() {
        assertThatThrownBy(() -> policies("sender:acme.example", settings("encryption", "mandatory")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("encryption");
    }

    @Test
    void scopesShouldBeListedInScopeOrder() {
        TenantPolicies policies = policies(
            "sender:acme.example", settings("signing", "force"),
            "partner:bob@a.example.com", settings("encryption", "never"),
            "default", settings("encryption", "never"),
            "partner:a.example.com", settings("encryption", "never"));

        assertThat(policies.scopes().keySet()).extracting(PolicyScope::asString)
            .containsExactly("default", "partner:a.example.com", "partner:bob@a.example.com", "sender:acme.example");
        assertThat(List.copyOf(policies.scopes().values())).hasSize(4);
    }
}
