package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;
import dev.tresor.mailets.EncryptPgp;
import dev.tresor.mailets.TestVaults;
import dev.tresor.pgp.PgpFixtures;
import dev.tresor.pgp.PgpForm;
import dev.tresor.smime.SmimeDecryptor;
import dev.tresor.smime.SmimeFixtures;
import dev.tresor.smime.SmimeType;

/**
 * The policy chain of the sample configuration ({@link PolicyChain}), one test per path an admin configures: which
 * protection each recipient gets, and that a recipient a mandatory policy cannot serve never leaves.
 */
class PolicyChainTest {
    private static final TestPki CA = TestPki.ca("Policy chain CA");
    private static final PgpFixtures KEYS = PgpFixtures.get();
    private static final String ALICE = "alice@acme.example";

    @TempDir
    Path directory;

    private TestVaults vaults;
    private TenantId acme;
    private PolicyChain chain;

    @BeforeEach
    void setUp() throws Exception {
        vaults = TestVaults.create(directory, Clock.systemUTC());
        acme = vaults.tenant("acme", "acme.example");
        vaults.addKeyPair(acme, CA.issue(ALICE));
        vaults.repository().pgpKeys().addSecretKey(acme, KEYS.aliceRsa.secretKey, PgpFixtures.PASSPHRASE);
        chain = new PolicyChain(vaults, "acme.example");
    }

    @Test
    void aMandatoryPartnerWithACertificateShouldGetSmime() throws Exception {
        policy("partner:partner.example", "encryption", "mandatory");
        vaults.addCertificate(acme, CA.issue("bob@partner.example"));

        PolicyChain.Outcome outcome = chain.run(mail("Quarterly figures", "bob@partner.example"));

        assertThat(outcome.sentTo()).containsExactly("bob@partner.example");
        assertThat(outcome.held).isEmpty();
        assertThat(SmimeType.of(outcome.sent.get(0).getMessage())).isEqualTo(SmimeType.ENVELOPED);
        assertThat(applied(outcome.sent.get(0))).containsExactly(AppliedProtections.SMIME_SIGNED, AppliedProtections.SMIME_ENCRYPTED);
    }

    @Test
    void aMandatoryPartnerWithOnlyAnOpenPgpKeyShouldGetPgpMimeSignedWithOpenPgpNeverSmime() throws Exception {
        policy("partner:partner.example", "encryption", "mandatory");
        vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bobRsa.publicKey, Origin.IMPORTED);

        PolicyChain.Outcome outcome = chain.run(mail("Quarterly figures", "bob@partner.example"));

        assertThat(outcome.sentTo()).containsExactly("bob@partner.example");
        assertThat(PgpForm.of(outcome.sent.get(0).getMessage())).isEqualTo(PgpForm.ENCRYPTED_MIME);
        assertThat(applied(outcome.sent.get(0))).containsExactly(AppliedProtections.PGP_SIGNED, AppliedProtections.PGP_ENCRYPTED);
    }

    @Test
    void aMandatoryPartnerWithOnlyAPdfPasswordShouldGetAPdf() throws Exception {
        policy("partner:partner.example", "encryption", "mandatory");
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("bob@partner.example"), "bob-and-acme".toCharArray());

        PolicyChain.Outcome outcome = chain.run(mail("Quarterly figures", "bob@partner.example"));

        assertThat(outcome.sentTo()).containsExactly("bob@partner.example");
        assertThat(applied(outcome.sent.get(0))).contains(AppliedProtections.PDF);
        assertThat(outcome.sent.get(0).getMessage().getHeader(AppliedProtections.HEADER, null)).isEqualTo("pdf");
    }

    @Test
    void aMandatoryPartnerWithNothingShouldBeRefusedWithTheReasonAndNothingSent() throws Exception {
        policy("partner:partner.example", "encryption", "mandatory");

        PolicyChain.Outcome outcome = chain.run(mail("Quarterly figures", "bob@partner.example"));

        assertThat(outcome.sent).isEmpty();
        assertThat(outcome.heldFor()).containsExactly("bob@partner.example");
        Mail held = outcome.held.get(0);
        assertThat(held.getState()).isEqualTo("tresor-policy-refused");
        assertThat(FailureReason.of(held)).hasValueSatisfying(reason -> assertThat(reason)
            .contains("bob@partner.example").contains("S/MIME certificate").contains("PDF password"));
        assertThat(PolicyDecision.of(held)).contains("mandatory (partner:partner.example)");
        assertThat(held.getErrorMessage()).startsWith("Not sent: ");
    }

    @Test
    void anotherTenantsKeysAndPasswordForTheSameAddressShouldNeverProtectAcmesMail() throws Exception {
        TenantId globex = vaults.tenant("globex", "globex.example");
        vaults.addCertificate(globex, CA.issue("bob@partner.example"));
        vaults.repository().pgpKeys().addPublicKey(globex, KEYS.bobRsa.publicKey, Origin.IMPORTED);
        vaults.repository().pdfPasswords().set(globex, EmailAddress.of("bob@partner.example"), "globex".toCharArray());
        policy("partner:partner.example", "encryption", "mandatory");

        PolicyChain.Outcome outcome = chain.run(mail("Quarterly figures", "bob@partner.example"));

        assertThat(outcome.sent).isEmpty();
        assertThat(outcome.heldFor()).containsExactly("bob@partner.example");
        assertThat(outcome.held.get(0).getState()).isEqualTo("tresor-policy-refused");
    }

    @Test
    void underMandatoryOnlyTheRecipientsThatCannotBeProtectedShouldBeRefused() throws Exception {
        policy("partner:partner.example", "encryption", "mandatory");
        vaults.addCertificate(acme, CA.issue("bob@partner.example"));

        PolicyChain.Outcome outcome = chain.run(mail("Quarterly figures", "bob@partner.example", "eve@partner.example"));

        assertThat(outcome.sentTo()).containsExactly("bob@partner.example");
        assertThat(SmimeType.of(outcome.sent.get(0).getMessage())).isEqualTo(SmimeType.ENVELOPED);
        assertThat(outcome.heldFor()).containsExactly("eve@partner.example");
    }

    @Test
    void underMandatoryAllOneRecipientThatCannotBeProtectedShouldHoldTheWholeMail() throws Exception {
        policy("partner:partner.example", "encryption", "mandatory-all");
        vaults.addCertificate(acme, CA.issue("bob@partner.example"));

        PolicyChain.Outcome outcome = chain.run(mail("Quarterly figures", "bob@partner.example", "carol@elsewhere.example"));

        assertThat(outcome.sent).isEmpty();
        assertThat(outcome.heldFor()).containsExactly("bob@partner.example", "carol@elsewhere.example");
        assertThat(FailureReason.of(outcome.held.get(0))).hasValueSatisfying(reason -> assertThat(reason)
            .contains("mandatory-all").contains("carol@elsewhere.example"));
    }

    @Test
    void anOpportunisticPartnerWithoutKeysShouldGetTheMailAsItIsSignedAsBefore() throws Exception {
        PolicyChain.Outcome outcome = chain.run(mail("Lunch?", "bob@partner.example"));

        assertThat(outcome.sentTo()).containsExactly("bob@partner.example");
        assertThat(SmimeType.of(outcome.sent.get(0).getMessage())).isEqualTo(SmimeType.SIGNED_DETACHED);
        assertThat(applied(outcome.sent.get(0))).containsExactly(AppliedProtections.SMIME_SIGNED);
    }

    @Test
    void theSubjectTagShouldMakeAnOpportunisticPartnerMandatoryAndBeRemoved() throws Exception {
        vaults.addCertificate(acme, CA.issue("bob@partner.example"));

        PolicyChain.Outcome outcome = chain.run(mail("[SECURE] Salaries 2027", "bob@partner.example", "eve@partner.example"));

        assertThat(outcome.sentTo()).containsExactly("bob@partner.example");
        assertThat(outcome.sent.get(0).getMessage().getSubject()).isEqualTo("Salaries 2027");
        assertThat(SmimeType.of(outcome.sent.get(0).getMessage())).isEqualTo(SmimeType.ENVELOPED);
        assertThat(outcome.heldFor()).containsExactly("eve@partner.example");
        assertThat(outcome.held.get(0).getMessage().getSubject()).as("held with the tag, so a release stays mandatory")
            .isEqualTo("[SECURE] Salaries 2027");
    }

    @Test
    void theTriggerHeaderShouldMakeAnOpportunisticPartnerMandatory() throws Exception {
        Mail mail = mail("Plans", "eve@partner.example");
        mail.getMessage().setHeader("Sensitivity", "company-confidential");

        PolicyChain.Outcome outcome = chain.run(mail);

        assertThat(outcome.sent).isEmpty();
        assertThat(outcome.heldFor()).containsExactly("eve@partner.example");
        assertThat(PolicyDecision.of(outcome.held.get(0))).hasValueSatisfying(decision -> assertThat(decision)
            .contains("escalated by the header Sensitivity: Company-Confidential"));
    }

    @Test
    void neverShouldSendWithoutEncryptionEvenWithACertificate() throws Exception {
        policy("partner:partner.example", "encryption", "never");
        vaults.addCertificate(acme, CA.issue("bob@partner.example"));

        PolicyChain.Outcome outcome = chain.run(mail("Newsletter", "bob@partner.example"));

        assertThat(outcome.sentTo()).containsExactly("bob@partner.example");
        assertThat(AppliedProtections.includeEncryption(outcome.sent.get(0))).isFalse();
    }

    @Test
    void thePreferenceOrderShouldChooseAmongAvailableMechanisms() throws Exception {
        policy("partner:partner.example", "encryption", "mandatory", "mechanisms", "pgp,smime");
        vaults.addCertificate(acme, CA.issue("bob@partner.example"));
        vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bobRsa.publicKey, Origin.IMPORTED);

        PolicyChain.Outcome outcome = chain.run(mail("Order", "bob@partner.example"));

        assertThat(PgpForm.of(outcome.sent.get(0).getMessage())).isEqualTo(PgpForm.ENCRYPTED_MIME);
    }

    @Test
    void aPartnerGatewayCertificateShouldEncryptForAddressesWithoutOneOfTheirOwn() throws Exception {
        TestPki.Issued gateway = CA.issuing("gateway@gw.example").rsa().build();
        vaults.addCertificate(acme, gateway);
        policy("partner:gw.example", "encryption", "mandatory", "gatewayCertificate", gateway.fingerprint().asString());

        PolicyChain.Outcome outcome = chain.run(mail("Contract", "anyone@gw.example"));

        assertThat(outcome.sentTo()).containsExactly("anyone@gw.example");
        MimeMessage opened = new SmimeDecryptor().decrypt(outcome.sent.get(0).getMessage(), SmimeFixtures.keyLookup(gateway)).message();
        assertThat(SmimeType.of(opened)).isEqualTo(SmimeType.SIGNED_DETACHED);
    }

    @Test
    void aPartnerGatewayOpenPgpKeyShouldEncryptForAddressesWithoutOneOfTheirOwn() throws Exception {
        PgpKeyEntry gateway = vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bea25519.publicKey, Origin.IMPORTED);
        policy("partner:gw.example", "encryption", "mandatory", "mechanisms", "pgp", "gatewayPgpKey",
            gateway.fingerprint().asString());

        PolicyChain.Outcome outcome = chain.run(mail("Contract", "anyone@gw.example"));

        assertThat(outcome.sentTo()).containsExactly("anyone@gw.example");
        assertThat(PgpForm.of(outcome.sent.get(0).getMessage())).as("EncryptPgp found a key for anyone@gw.example")
            .isEqualTo(PgpForm.ENCRYPTED_MIME);
    }

    @Test
    void signingNeverShouldLeaveTheMailUnsigned() throws Exception {
        policy("default", "signing", "never");

        PolicyChain.Outcome outcome = chain.run(mail("Hello", "bob@partner.example"));

        assertThat(outcome.sentTo()).containsExactly("bob@partner.example");
        assertThat(applied(outcome.sent.get(0))).isEmpty();
    }

    @Test
    void signingForceWithoutAKeyShouldHoldTheMail() throws Exception {
        policy("default", "signing", "force");
        Mail mail = FakeMail.builder().name("keyless").mimeMessage(SmimeFixtures.textMail("carl@acme.example", "bob@partner.example", "Hi\n"))
            .sender("carl@acme.example").recipients("bob@partner.example").state("relay").build();
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("carl@acme.example")));

        PolicyChain.Outcome outcome = chain.run(mail);

        assertThat(outcome.sent).isEmpty();
        assertThat(outcome.held.get(0).getState()).isEqualTo("tresor-quarantine");
        assertThat(PolicyDecision.of(outcome.held.get(0))).contains("signing force");
    }

    @Test
    void mailItsSendersClientEncryptedShouldPassAsItIsEvenUnderMandatoryAll() throws Exception {
        policy("partner:partner.example", "encryption", "mandatory-all");
        PgpKeyEntry bobs = vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bobRsa.publicKey, Origin.IMPORTED);
        Mail byTheClient = mail("Encrypted by Alice's client", "bob@partner.example");
        EncryptPgp client = new EncryptPgp(vaults.repository(), vaults.tenantResolver());
        client.init(org.apache.mailet.base.test.FakeMailetConfig.builder().mailetName("client").build());
        client.service(byTheClient);
        vaults.repository().pgpKeys().setStatus(acme, bobs.fingerprint(), dev.tresor.keys.KeyStatus.REVOKED);
        Mail mail = FakeMail.builder().name("from-client").mimeMessage(SmimeFixtures.parse(SmimeFixtures.bytes(byTheClient.getMessage())))
            .sender(ALICE).recipients("bob@partner.example", "eve@partner.example").state("relay").build();

        PolicyChain.Outcome outcome = chain.run(mail);

        assertThat(outcome.sentTo()).containsExactly("bob@partner.example", "eve@partner.example");
        assertThat(outcome.held).isEmpty();
        assertThat(PgpForm.of(outcome.sent.get(0).getMessage())).isEqualTo(PgpForm.ENCRYPTED_MIME);
    }

    @Test
    void aRecipientWithoutADecisionShouldBeRefusedByTheBackstop() throws Exception {
        PolicyRefuses backstop = new PolicyRefuses();
        backstop.init(org.apache.mailet.base.test.FakeMatcherConfig.builder().matcherName("PolicyRefuses").build());

        assertThat(backstop.match(mail("Skipped ApplyPolicy", "bob@partner.example", "eve@partner.example")))
            .extracting(org.apache.james.core.MailAddress::asString)
            .containsExactly("bob@partner.example", "eve@partner.example");
    }

    private void policy(String scope, String... fields) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            settings.put(fields[i], fields[i + 1]);
        }
        vaults.repository().policies().set(acme, PolicyScope.parse(scope), PolicySettings.fromMap(settings), "test");
    }

    static Mail mail(String subject, String... recipients) throws MessagingException {
        MimeMessage message = SmimeFixtures.textMail(ALICE, recipients[0], "The body\n");
        message.setSubject(subject);
        message.setHeader("Message-ID", "<" + System.nanoTime() + "@acme.example>");
        Mail mail = FakeMail.builder().name("mail-" + System.nanoTime()).mimeMessage(message).sender(ALICE)
            .recipients(recipients).state("relay").build();
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(ALICE)));
        return mail;
    }

    static List<String> applied(Mail mail) {
        return new ArrayList<>(AppliedProtections.of(mail));
    }
}
