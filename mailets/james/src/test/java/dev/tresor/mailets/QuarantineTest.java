package dev.tresor.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.attributes.QuarantineRelease;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.TenantId;
import dev.tresor.quarantine.MemoryQuarantines;
import dev.tresor.quarantine.TenantQuarantine;
import dev.tresor.smime.SmimeFixtures;

class QuarantineTest {
    private static final String SECRET_BODY = "The merger closes on Friday.\n";

    @TempDir
    Path directory;

    private TestVaults vaults;
    private TenantId acme;
    private TenantId beta;
    private TenantQuarantine quarantine;
    private final FakeMailContext fakeContext = FakeMailContext.builder()
        .postmaster(mailAddress("postmaster@acme.example")).build();
    private final MailetContext context = LocalDomains.context(fakeContext, "acme.example", "beta.example");

    @BeforeEach
    void setUp() {
        vaults = TestVaults.create(directory, Clock.systemUTC());
        acme = vaults.tenant("acme", "acme.example");
        beta = vaults.tenant("beta", "beta.example");
        quarantine = MemoryQuarantines.create();
    }

    @Test
    void outgoingMailShouldBeHeldInTheSendersTenantWithItsReasonAndPolicy() throws Exception {
        Mail mail = mail("alice@acme.example", "bob@partner.example");
        FailureReason.set(mail, "no certificate, OpenPGP key or PDF password for bob@partner.example");
        PolicyDecision.set(mail, "mandatory (partner:partner.example)");

        quarantine().service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(quarantine.list(beta)).isEmpty();
        assertThat(quarantine.list(acme)).singleElement().satisfies(held -> {
            assertThat(held.mail().getMaybeSender().asString()).isEqualTo("alice@acme.example");
            assertThat(held.mail().getRecipients()).extracting(MailAddress::asString).containsExactly("bob@partner.example");
            assertThat(FailureReason.of(held.mail())).contains("no certificate, OpenPGP key or PDF password for bob@partner.example");
            assertThat(PolicyDecision.of(held.mail())).contains("mandatory (partner:partner.example)");
            assertThat(QuarantineRelease.releaseTo(held.mail())).contains("relay");
        });
        assertThat(vaults.keyUses(acme)).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(AuditEvent.Operation.QUARANTINE);
            assertThat(event.detail()).hasValueSatisfying(detail -> assertThat(detail)
                .contains("no certificate").contains("mandatory (partner:partner.example)"));
        });
    }

    @Test
    void theSenderShouldBeToldWhyInPlainWordsWithoutTheHeldContent() throws Exception {
        Mail mail = mail("alice@acme.example", "bob@partner.example");
        FailureReason.set(mail, "no certificate, OpenPGP key or PDF password for bob@partner.example");
        PolicyDecision.set(mail, "mandatory (partner:partner.example)");

        quarantine().service(mail);

        assertThat(fakeContext.getSentMails()).singleElement().satisfies(notice -> {
            assertThat(notice.getRecipients()).extracting(MailAddress::asString).containsExactly("alice@acme.example");
            assertThat(notice.getSender().isNullSender()).as("sent like a bounce, so that it causes no notice").isTrue();
            String text = (String) notice.getMsg().getContent();
            assertThat(notice.getMsg().getSubject()).isEqualTo("Message held: Figures");
            assertThat(text).contains("Reason:     no certificate, OpenPGP key or PDF password for bob@partner.example")
                .contains("Policy:     mandatory (partner:partner.example)")
                .contains("bob@partner.example")
                .doesNotContain("merger")
                .doesNotContain("Exception");
        });
    }

    @Test
    void incomingMailShouldBeHeldPerRecipientTenantAndTheOutsideSenderNeverTold() throws Exception {
        Mail mail = mail("mallory@partner.example", "bob@acme.example", "carol@beta.example");
        FailureReason.set(mail, "mail from mallory@partner.example must be signed, but it carries no valid signature");

        quarantine("notifyAdmins", "beta=secops@beta.example").service(mail);

        assertThat(quarantine.list(acme)).singleElement().satisfies(held -> assertThat(held.mail().getRecipients())
            .extracting(MailAddress::asString).containsExactly("bob@acme.example"));
        assertThat(quarantine.list(beta)).singleElement().satisfies(held -> assertThat(held.mail().getRecipients())
            .extracting(MailAddress::asString).containsExactly("carol@beta.example"));
        assertThat(fakeContext.getSentMails()).singleElement().satisfies(notice -> assertThat(notice.getRecipients())
            .extracting(MailAddress::asString).containsExactly("secops@beta.example"));
        assertThat(vaults.keyUses(acme)).extracting(AuditEvent::operation).containsExactly(AuditEvent.Operation.QUARANTINE);
        assertThat(vaults.keyUses(beta)).extracting(AuditEvent::operation).containsExactly(AuditEvent.Operation.QUARANTINE);
    }

    @Test
    void aMailWithoutAReasonShouldStillBeHeldAndSaySo() throws Exception {
        quarantine().service(mail("alice@acme.example", "bob@partner.example"));

        assertThat(fakeContext.getSentMails()).singleElement().satisfies(notice ->
            assertThat((String) notice.getMsg().getContent()).contains(Quarantine.NO_REASON));
    }

    @Test
    void invalidParametersShouldStopTheStart() {
        assertThatThrownBy(() -> quarantine("notifyAdmins", "secops@acme.example"))
            .isInstanceOf(MessagingException.class).hasMessageContaining("notifyAdmins");
        assertThatThrownBy(() -> quarantine("tenantOf", "domain"))
            .isInstanceOf(MessagingException.class).hasMessageContaining("tenantOf");
        assertThatThrownBy(() -> quarantine("repositoryPath", "jpa://x/"))
            .isInstanceOf(MessagingException.class);
    }

    private Quarantine quarantine(String... parameters) throws MessagingException {
        Quarantine mailet = new Quarantine(vaults.repository(), vaults.tenantResolver(), quarantine, Clock.systemUTC());
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("Quarantine").mailetContext(context);
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static Mail mail(String sender, String... recipients) throws MessagingException {
        MimeMessage message = SmimeFixtures.textMail(sender, recipients[0], SECRET_BODY);
        message.setSubject("Figures");
        return FakeMail.builder().name("held").mimeMessage(message).sender(sender).recipients(recipients).build();
    }

    private static MailAddress mailAddress(String address) {
        try {
            return new MailAddress(address);
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
