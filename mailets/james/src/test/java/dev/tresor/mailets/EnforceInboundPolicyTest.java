package dev.tresor.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.DecryptionOutcome;
import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.InboundTls;
import dev.tresor.attributes.PgpSignature;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.attributes.QuarantineRelease;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TlsVersion;
import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;
import dev.tresor.smime.SmimeFixtures;

class EnforceInboundPolicyTest {
    @TempDir
    Path directory;

    private TestVaults vaults;
    private TenantId acme;
    private TenantId beta;
    private final FakeMailContext fakeContext = FakeMailContext.builder().build();
    private final MailetContext context = LocalDomains.context(fakeContext, "acme.example", "beta.example");

    @BeforeEach
    void setUp() {
        vaults = TestVaults.create(directory, Clock.systemUTC());
        acme = vaults.tenant("acme", "acme.example");
        beta = vaults.tenant("beta", "beta.example");
    }

    @Test
    void unsignedMailFromARequireSignaturePartnerShouldBeQuarantinedWithTheReasonAndPolicy() throws Exception {
        policy(acme, "partner:supplier.example", Map.of("requireSignature", "true"));
        Mail mail = mail("bob@acme.example");

        enforcer().service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(fakeContext.getSentMails()).singleElement().satisfies(sent -> {
            assertThat(sent.getState()).isEqualTo("tresor-inbound-quarantine");
            assertThat(sent.getRecipients()).extracting(MailAddress::asString).containsExactly("bob@acme.example");
            assertThat(sent.getAttributes().get(FailureReason.NAME).getValue().value())
                .isEqualTo("mail from alice@supplier.example must be signed, but it carries no valid signature");
            assertThat(sent.getAttributes().get(PolicyDecision.NAME).getValue().value())
                .isEqualTo("require-signature (partner:supplier.example)");
        });
    }

    @Test
    void theRejectActionShouldSendTheMailToTheRejectProcessorWithTheReasonForTheBounce() throws Exception {
        policy(acme, "partner:alice@supplier.example", Map.of("requireSignature", "true", "inboundAction", "reject"));
        Mail mail = mail("bob@acme.example");

        enforcer().service(mail);

        assertThat(fakeContext.getSentMails()).singleElement().satisfies(sent -> {
            assertThat(sent.getState()).isEqualTo("tresor-inbound-rejected");
            assertThat(sent.getAttributes().get(PolicyDecision.NAME).getValue().value())
                .isEqualTo("require-signature (partner:alice@supplier.example)");
        });
    }

    @Test
    void aValidSignatureForTheTenantShouldPass() throws Exception {
        policy(acme, "partner:supplier.example", Map.of("requireSignature", "true"));
        Mail mail = mail("bob@acme.example");
        mail.setAttribute(pgpVerdict("valid"));

        enforcer().service(mail);

        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(fakeContext.getSentMails()).isEmpty();
    }

    @Test
    void anInvalidSignatureShouldNotCountAsSigned() throws Exception {
        policy(acme, "partner:supplier.example", Map.of("requireSignature", "true"));
        Mail mail = mail("bob@acme.example");
        mail.setAttribute(pgpVerdict("invalid"));

        enforcer().service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(fakeContext.getSentMails()).hasSize(1);
    }

    @Test
    void requireEncryptionAndTlsShouldReadWhatDecryptionAndTheSmtpHookRecorded() throws Exception {
        policy(acme, "default", Map.of("requireEncryption", "true", "requireTls", "true"));
        Mail clear = mail("bob@acme.example");
        Mail protectedMail = mail("bob@acme.example");
        DecryptionOutcome.setDecrypted(protectedMail, DecryptionOutcome.SMIME);
        protectedMail.setAttribute(InboundTls.of(TlsVersion.TLS_1_3, "TLS_AES_256_GCM_SHA384").asAttribute());

        enforcer().service(protectedMail);
        enforcer().service(clear);

        assertThat(protectedMail.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(fakeContext.getSentMails()).singleElement().satisfies(sent -> {
            assertThat(sent.getAttributes().get(FailureReason.NAME).getValue().value()).isEqualTo(
                "mail from alice@supplier.example must be encrypted and sent over TLS, but it did not arrive encrypted "
                    + "and it did not reach us over TLS");
            assertThat(sent.getAttributes().get(PolicyDecision.NAME).getValue().value())
                .isEqualTo("require-encryption, require-tls (default)");
        });
    }

    @Test
    void onlyTheRecipientsOfTheTenantWhosePolicyIsBrokenShouldBeTakenOff() throws Exception {
        policy(beta, "partner:supplier.example", Map.of("requireSignature", "true"));
        Mail mail = mail("bob@acme.example", "carol@beta.example");

        enforcer().service(mail);

        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly("bob@acme.example");
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(fakeContext.getSentMails()).singleElement().satisfies(sent -> assertThat(sent.getRecipients())
            .extracting(MailAddress::asString).containsExactly("carol@beta.example"));
    }

    @Test
    void mailFromAPartnerWithoutRequirementsAndMailAnAdminReleasedShouldPass() throws Exception {
        policy(acme, "partner:other.example", Map.of("requireSignature", "true"));
        Mail fromAnother = mail("bob@acme.example");
        policy(beta, "default", Map.of("requireSignature", "true"));
        Mail released = mail("carol@beta.example");
        QuarantineRelease.setReleasedBy(released, "admin");

        enforcer().service(fromAnother);
        enforcer().service(released);

        assertThat(fromAnother.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(released.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(fakeContext.getSentMails()).isEmpty();
    }

    private void policy(TenantId tenant, String scope, Map<String, String> settings) {
        vaults.repository().policies().set(tenant, PolicyScope.parse(scope), PolicySettings.fromMap(settings), "test");
    }

    private static Attribute pgpVerdict(String status) {
        return new Attribute(PgpSignature.NAME, AttributeValue.of(Map.of("status", AttributeValue.of(status))));
    }

    private EnforceInboundPolicy enforcer() throws MessagingException {
        EnforceInboundPolicy mailet = new EnforceInboundPolicy(vaults.repository(), vaults.tenantResolver());
        mailet.init(FakeMailetConfig.builder().mailetName("EnforceInboundPolicy").mailetContext(context).build());
        return mailet;
    }

    private static Mail mail(String... recipients) throws MessagingException {
        return FakeMail.builder().name("in").mimeMessage(SmimeFixtures.textMail("alice@supplier.example", recipients[0], "Hi\n"))
            .sender("bounces@mta.supplier.example").recipients(recipients).build();
    }
}
