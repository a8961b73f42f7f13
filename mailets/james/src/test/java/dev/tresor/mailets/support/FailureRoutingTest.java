package dev.tresor.mailets.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.keys.TenantId;

class FailureRoutingTest {
    /** A mailet of a kind TresorMetrics does not name: it counts under its class name. */
    static final class EnforcePolicy extends GenericMailet {
        @Override
        public void service(Mail mail) {
        }
    }

    @Test
    void eachDecisionShouldBeOneLogLineWithTenantPolicyReasonAndMessageIdInAFixedOrder() throws Exception {
        FailureRouting routing = routing();
        Mail mail = mail("<1@acme.example>");
        PolicyDecision.set(mail, "mandatory (partner:bank.example)");

        routing.route(mail, TenantId.of("acme"), "Not encrypted: no certificate for bob@bank.example");

        assertThat(routing.logLine(mail, FailureReason.of(mail).get())).isEqualTo("fail-closed mailet=policy"
            + " operation=enforce_policy mail=held message_id=<1@acme.example> tenant=acme"
            + " policy=\"mandatory (partner:bank.example)\" processor=tresor-quarantine"
            + " reason=\"Not encrypted: no certificate for bob@bank.example\"");
    }

    @Test
    void whatIsUnknownShouldBeADashAndNoValueShouldBreakTheLine() throws Exception {
        FailureRouting routing = routing();
        Mail mail = mail(null);

        String line = routing.logLine(mail, "a \"quoted\"\r\nforged=line \\ here");

        assertThat(line).isEqualTo("fail-closed mailet=policy operation=enforce_policy mail=held message_id=- tenant=-"
            + " policy=- processor=tresor-quarantine reason=\"a \\\"quoted\\\"  forged=line \\\\ here\"");
    }

    @Test
    void aBlankOnFailureShouldBeRefusedAndAnAbsentOptionalOneShouldBeEmpty() throws Exception {
        EnforcePolicy blank = new EnforcePolicy();
        blank.init(FakeMailetConfig.builder().mailetName("policy").setProperty("onFailure", " ").build());
        EnforcePolicy absent = new EnforcePolicy();
        absent.init(FakeMailetConfig.builder().mailetName("policy").build());

        assertThatThrownBy(() -> FailureRouting.of(blank, LoggerFactory.getLogger(getClass())))
            .hasMessageContaining("'onFailure' must name a processor");
        assertThat(FailureRouting.ifConfigured(absent, LoggerFactory.getLogger(getClass()))).isEmpty();
        assertThat(FailureRouting.ifConfigured(blank, LoggerFactory.getLogger(getClass()))).isEmpty();
    }

    private static FailureRouting routing() throws MessagingException {
        EnforcePolicy mailet = new EnforcePolicy();
        mailet.init(FakeMailetConfig.builder().mailetName("policy").mailetContext(FakeMailContext.defaultContext()).build());
        return FailureRouting.of(mailet, LoggerFactory.getLogger(FailureRoutingTest.class));
    }

    private static Mail mail(String messageId) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setSubject("held");
        message.setText("text");
        if (messageId != null) {
            message.setHeader("Message-ID", messageId);
        }
        return FakeMail.builder().name("held").mimeMessage(message).sender("alice@acme.example")
            .recipient("bob@bank.example").build();
    }
}
