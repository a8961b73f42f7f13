package dev.tresor.mailets;

import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.DecryptionOutcome;
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.mailets.support.FailureRouting;
import dev.tresor.mailets.support.TresorMetrics;
import dev.tresor.mailets.support.UndecryptedMail;

/** What the mailets count through James's MetricFactory (TresorMetrics), observed with James's RecordingMetricFactory. */
class MetricsTest {
    private static final TestPki CA = TestPki.ca("Metrics test CA");

    @TempDir
    Path directory;

    private final RecordingMetricFactory metrics = new RecordingMetricFactory();
    private TestVaults vaults;
    private TenantId acme;

    @BeforeEach
    void setUp() {
        TresorMetrics.useForTests(metrics);
        vaults = TestVaults.create(directory, Clock.systemUTC());
        acme = vaults.tenant("acme", "acme.example");
    }

    @AfterEach
    void forgetTheFactory() {
        TresorMetrics.useForTests(null);
    }

    @Test
    void aSignedMailShouldCountOneSmimeSignature() throws Exception {
        vaults.addKeyPair(acme, CA.issuing("alice@acme.example").rsa().build());
        SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()));

        mailet.service(fromAlice());

        assertThat(metrics.countFor("tresor_smime_sign_ok")).isEqualTo(1);
        assertThat(metrics.countFor("tresor_smime_sign_failed")).isZero();
        assertThat(metrics.countFor(TresorMetrics.FAILED_CLOSED)).isZero();
    }

    @Test
    void aMailThatCannotBeSignedShouldCountAsFailedClosedPerOperationAndProcessor() throws Exception {
        SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()));
        Mail mail = fromAlice();

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo(FailureRouting.DEFAULT_PROCESSOR);
        assertThat(metrics.countFor("tresor_smime_sign_failed")).isEqualTo(1);
        assertThat(metrics.countFor("tresor_failed_closed")).isEqualTo(1);
        assertThat(metrics.countFor("tresor_failed_closed_to_tresor_quarantine")).isEqualTo(1);
        assertThat(metrics.countFor("tresor_smime_sign_ok")).isZero();
        // the tenant whose vault was searched is recorded for the quarantine and the log line
        assertThat(TenantAttribute.of(mail)).contains("acme");
    }

    @Test
    void eachPgpEncryptionFailureShouldCountUnderItsOwnOperation() throws Exception {
        EncryptPgp mailet = init(new EncryptPgp(vaults.repository(), vaults.tenantResolver()), "onFailure", "tresor-bounce");

        mailet.service(fromAlice());

        assertThat(metrics.countFor("tresor_pgp_encrypt_failed")).isEqualTo(1);
        assertThat(metrics.countFor("tresor_failed_closed_to_tresor_bounce")).isEqualTo(1);
    }

    @Test
    void everySignatureVerdictShouldBeCountedPerMechanism() throws Exception {
        VerifySmime smime = init(new VerifySmime(vaults.repository(), vaults.tenantResolver()));
        VerifyPgp pgp = init(new VerifyPgp(vaults.repository(), vaults.tenantResolver()));

        smime.service(toAcme());
        smime.service(toAcme());
        pgp.service(toAcme());

        assertThat(metrics.countFor("tresor_smime_verify_none")).isEqualTo(2);
        assertThat(metrics.countFor("tresor_pgp_verify_none")).isEqualTo(1);
    }

    @Test
    void aMailThatCannotBeDecryptedShouldCountAsFailedDecryption() throws Exception {
        new UndecryptedMail(DecryptionOutcome.SMIME, Optional.empty()).handle(toAcme(), "no key for it");
        new UndecryptedMail(DecryptionOutcome.PGP, Optional.empty()).handle(toAcme(), "no key for it");

        assertThat(metrics.countFor("tresor_smime_decrypt_failed")).isEqualTo(1);
        assertThat(metrics.countFor("tresor_pgp_decrypt_failed")).isEqualTo(1);
        // delivered as it came, encrypted: not a fail-closed decision
        assertThat(metrics.countFor(TresorMetrics.FAILED_CLOSED)).isZero();
    }

    @Test
    void aDecryptingMailetWithOnFailureShouldCountItsFailuresAsFailedClosed() throws Exception {
        DecryptSmime mailet = init(new DecryptSmime(vaults.repository(), vaults.tenantResolver()), "onFailure", "tresor-undecrypted");
        Mail mail = toAcme();

        new UndecryptedMail(DecryptionOutcome.SMIME, FailureRouting.ifConfigured(mailet, org.slf4j.LoggerFactory.getLogger(getClass())))
            .handle(mail, "no key for it");

        assertThat(mail.getState()).isEqualTo("tresor-undecrypted");
        assertThat(metrics.countFor("tresor_smime_decrypt_failed")).isEqualTo(1);
        assertThat(metrics.countFor("tresor_failed_closed_to_tresor_undecrypted")).isEqualTo(1);
    }

    @Test
    void withoutJamesNothingShouldBeCountedAndNothingShouldFail() throws Exception {
        TresorMetrics.useForTests(null);
        SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()));
        Mail mail = fromAlice();

        mailet.service(mail);

        assertThat(mail.getState()).isEqualTo(FailureRouting.DEFAULT_PROCESSOR);
        assertThat(metrics.countForPrefixName(TresorMetrics.PREFIX)).isEmpty();
    }

    private static <M extends GenericMailet> M init(M mailet, String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(mailet.getClass().getSimpleName())
            .mailetContext(FakeMailContext.defaultContext());
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static Mail fromAlice() throws MessagingException {
        Mail mail = mail(textMail("alice@acme.example", "bob@partner.example", "Hi Bob\n"), "alice@acme.example",
            "bob@partner.example");
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice@acme.example")));
        return mail;
    }

    private static Mail toAcme() throws MessagingException {
        return mail(textMail("bob@partner.example", "alice@acme.example", "Hi Alice\n"), "bob@partner.example",
            "alice@acme.example");
    }

    private static Mail mail(MimeMessage message, String sender, String recipient) throws MessagingException {
        return FakeMail.builder().name("mail-" + System.nanoTime()).mimeMessage(message).sender(sender)
            .recipient(recipient).state("relay").build();
    }
}
