package dev.tresor.keys.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.EmailAddress;

/** How settings and scopes are read and written, and how they refuse what they cannot hold. */
class PolicySettingsTest {

    private static PolicySettings one(String field, String value) {
        Map<String, String> fields = new HashMap<>();
        fields.put(field, value);
        return PolicySettings.fromMap(fields);
    }

    @Test
    void valuesShouldBeKeptInCanonicalForm() {
        PolicySettings settings = PolicySettings.fromMap(Map.of("encryption", " Mandatory-All ",
            "mechanisms", "PGP, smime", "requireTls", "TRUE", "signing", "If-Possible", "inboundAction", "Reject",
            "triggerHeader", "X-Class :Secret"));

        assertThat(settings.toMap()).containsExactly(Map.entry("encryption", "mandatory-all"),
            Map.entry("mechanisms", "pgp,smime"), Map.entry("signing", "if-possible"),
            Map.entry("requireTls", "true"), Map.entry("inboundAction", "reject"),
            Map.entry("triggerHeader", "X-Class: Secret"));
        assertThat(PolicySettings.fromMap(settings.toMap())).isEqualTo(settings);
    }

    @Test
    void blankOrNullShouldLeaveAFieldUnsetExceptForTriggers() {
        Map<String, String> fields = new HashMap<>();
        fields.put("encryption", " ");
        fields.put("signing", null);
        fields.put("subjectTag", "");

        assertThat(PolicySettings.fromMap(fields).toMap()).containsExactly(Map.entry("subjectTag", ""));
    }

    @Test
    void refusalsShouldNameTheField() {
        assertThatThrownBy(() -> one("encryption", "maybe")).hasMessageContaining("encryption")
            .hasMessageContaining("mandatory-all, mandatory, opportunistic, never");
        assertThatThrownBy(() -> one("mechanisms", "smime,rot13")).hasMessageContaining("mechanism");
        assertThatThrownBy(() -> one("mechanisms", "pgp,pgp")).hasMessageContaining("mechanisms names pgp twice");
        assertThatThrownBy(() -> one("signing", "always")).hasMessageContaining("signing");
        assertThatThrownBy(() -> one("requireSignature", "yes")).hasMessageContaining("requireSignature");
        assertThatThrownBy(() -> one("inboundAction", "drop")).hasMessageContaining("inboundAction");
        assertThatThrownBy(() -> one("gatewayCertificate", "abcd")).hasMessageContaining("gatewayCertificate");
        assertThatThrownBy(() -> one("gatewayPgpKey", "abcd")).hasMessageContaining("gatewayPgpKey");
        assertThatThrownBy(() -> one("subjectTag", "[a]\r\nBcc: x")).hasMessageContaining("subjectTag");
        assertThatThrownBy(() -> one("subjectTag", "x".repeat(65))).hasMessageContaining("subjectTag");
        assertThatThrownBy(() -> one("triggerHeader", "Sensitivity")).hasMessageContaining("header trigger");
        assertThatThrownBy(() -> one("strength", "11")).hasMessageContaining("unknown policy field(s) [strength]");
        assertThatThrownBy(() -> one("mechanisms", ",")).hasMessageContaining("mechanism");
        assertThatThrownBy(() -> one("mechanisms", "smime,")).hasMessageContaining("mechanism");
    }

    @Test
    void eachScopeShouldHoldOnlyItsFields() {
        PolicySettings gateway = one("gatewayCertificate",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");

        assertThat(gateway.checkFor(PolicyScope.partner("bank.example"))).isEqualTo(gateway);
        assertThatThrownBy(() -> gateway.checkFor(PolicyScope.partner("bob@bank.example")))
            .hasMessageContaining("partner address").hasMessageContaining("gatewayCertificate");
        assertThatThrownBy(() -> gateway.checkFor(PolicyScope.tenantDefault()))
            .hasMessageContaining("gatewayCertificate");
        assertThatThrownBy(() -> one("subjectTag", "[x]").checkFor(PolicyScope.partner("bank.example")))
            .hasMessageContaining("subjectTag");
        assertThatThrownBy(() -> one("signing", "force").checkFor(PolicyScope.partner("*.bank.example")))
            .hasMessageContaining("signing");
        assertThatThrownBy(() -> one("requireTls", "true").checkFor(PolicyScope.sender("acme.example")))
            .hasMessageContaining("requireTls");
        assertThat(one("signing", "force").checkFor(PolicyScope.sender("alice@acme.example"))).isNotNull();
        assertThat(one("triggerHeader", "").checkFor(PolicyScope.tenantDefault())).isNotNull();
    }

    @Test
    void scopesShouldBeNormalisedAndReadBackFromTheirOneWordForm() {
        assertThat(PolicyScope.partner("*.Example.COM").asString()).isEqualTo("partner:*.example.com");
        assertThat(PolicyScope.partner("Bob@Bank.Example").asString()).isEqualTo("partner:bob@bank.example");
        assertThat(PolicyScope.sender("ACME.example").asString()).isEqualTo("sender:acme.example");
        assertThat(PolicyScope.partner("bücher.example").asString()).isEqualTo("partner:xn--bcher-kva.example");
        for (String text : new String[] {"default", "partner:bank.example", "partner:*.bank.example",
            "partner:bob@bank.example", "sender:acme.example", "sender:alice@acme.example"}) {
            assertThat(PolicyScope.parse(text).asString()).isEqualTo(text);
        }
        assertThat(PolicyScope.parse("partner:bob@bank.example").address())
            .contains(EmailAddress.of("bob@bank.example"));
        assertThat(PolicyScope.parse("partner:*.bank.example").isWildcard()).isTrue();
    }

    @Test
    void invalidScopesShouldBeRefused() {
        assertThatThrownBy(() -> PolicyScope.parse("recipient:bank.example")).hasMessageContaining("policy scope");
        assertThatThrownBy(() -> PolicyScope.parse("partner:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PolicyScope.sender("*.acme.example")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PolicyScope.partner("a.*.example")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PolicyScope.partner("*.")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PolicyScope.partner("@bank.example")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PolicyScope.partner("bank..example")).isInstanceOf(IllegalArgumentException.class);
    }
}
