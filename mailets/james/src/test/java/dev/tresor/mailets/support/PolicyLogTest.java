package dev.tresor.mailets.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class PolicyLogTest {
    @Test
    void aLineShouldNameOutcomeTenantPolicyRecipientsReasonAndMessageId() {
        assertThat(PolicyLog.line(PolicyLog.REFUSED, "acme", "mandatory (partner:bank.example)", List.of("bob@bank.example",
            "eve@bank.example"), "no usable S/MIME certificate", Optional.of("<1@acme.example>")))
            .isEqualTo("policy-decision outcome=refused tenant=\"acme\" policy=\"mandatory (partner:bank.example)\" "
                + "recipients=\"bob@bank.example,eve@bank.example\" reason=\"no usable S/MIME certificate\" "
                + "message-id=\"<1@acme.example>\"");
    }

    @Test
    void aMessageIdFromOutsideShouldNotForgeAnotherLineOrField() {
        String line = PolicyLog.line(PolicyLog.UNPROTECTED, "acme", "opportunistic (default)", List.of("x@y.example"), "none",
            Optional.of("<a@b>\"\r\npolicy-decision outcome=refused"));

        assertThat(line).doesNotContain("\n").doesNotContain("\r")
            .endsWith("message-id=\"<a@b>\\\"\\u000d\\u000apolicy-decision outcome=refused\"");
    }
}
