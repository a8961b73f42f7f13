package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.mailets.EncryptPgp;
import dev.tresor.mailets.LocalDomains;
import dev.tresor.mailets.TestVaults;
import dev.tresor.pgp.PgpFixtures;
import dev.tresor.pgp.PgpForm;
import dev.tresor.smime.SmimeFixtures;
import dev.tresor.smime.SmimeType;

/**
 * The outgoing part of the sample chain (conf/mailetcontainer.xml, the relay processor and the per-mechanism processors
 * it splits recipients into, see {@link PolicyChain}), for a tenant without policies. Each recipient must get exactly
 * one protection.
 */
class OneProtectionPerRecipientTest {
    private static final TestPki CA = TestPki.ca("One protection CA");
    private static final PgpFixtures KEYS = PgpFixtures.get();
    private static final String ALICE = "alice@acme.example";

    @TempDir
    Path directory;

    private TestVaults vaults;
    private FakeMailContext context;
    private TenantId acme;

    @BeforeEach
    void setUp() {
        vaults = TestVaults.create(directory, Clock.systemUTC());
        context = FakeMailContext.defaultContext();
        acme = vaults.tenant("acme", "acme.example");
        vaults.addKeyPair(acme, CA.issue(ALICE));
        vaults.repository().pgpKeys().addSecretKey(acme, KEYS.aliceRsa.secretKey, PgpFixtures.PASSPHRASE);
    }

    @Test
    void aRecipientWithACertificateAndAnOpenPgpKeyShouldGetSmimeOnly() throws Exception {
        vaults.addCertificate(acme, CA.issue("bob@partner.example"));
        vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bobRsa.publicKey, Origin.IMPORTED);

        List<Mail> sent = relay(authenticated(mail("bob@partner.example")));

        assertThat(sent).hasSize(1);
        Mail bob = sent.get(0);
        assertThat(bob.getState()).isEqualTo(PolicyChain.SEND);
        assertThat(SmimeType.of(bob.getMessage())).isEqualTo(SmimeType.ENVELOPED);
        assertThat(applied(bob)).containsExactly(AppliedProtections.SMIME_SIGNED, AppliedProtections.SMIME_ENCRYPTED);
    }

    @Test
    void aRecipientWithAPdfPasswordAndAnOpenPgpKeyShouldGetOpenPgpOnly() throws Exception {
        vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bea25519.publicKey, Origin.IMPORTED);
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("bea@partner.example"), "bea-and-acme".toCharArray());

        List<Mail> sent = relay(authenticated(mail("bea@partner.example")));

        assertThat(sent).hasSize(1);
        Mail bea = sent.get(0);
        assertThat(bea.getState()).isEqualTo(PolicyChain.SEND);
        assertThat(PgpForm.of(bea.getMessage())).isEqualTo(PgpForm.ENCRYPTED_MIME);
        assertThat(applied(bea)).as("an OpenPGP signature inside OpenPGP, never S/MIME inside OpenPGP")
            .containsExactly(AppliedProtections.PGP_SIGNED, AppliedProtections.PGP_ENCRYPTED);
    }

    @Test
    void mailTheSendersClientEncryptedWithOpenPgpShouldPassEveryStepUnchanged() throws Exception {
        vaults.addCertificate(acme, CA.issue("bob@partner.example"));
        vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bobRsa.publicKey, Origin.IMPORTED);
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("bob@partner.example"), "bob-and-acme".toCharArray());
        Mail encryptedByTheClient = mail("bob@partner.example");
        mailet(new EncryptPgp(vaults.repository(), vaults.tenantResolver())).service(encryptedByTheClient);
        byte[] asTheClientSentIt = SmimeFixtures.bytes(encryptedByTheClient.getMessage());

        List<Mail> sent = relay(authenticated(FakeMail.builder().name("from-client").sender(ALICE)
            .mimeMessage(SmimeFixtures.parse(asTheClientSentIt)).recipients("bob@partner.example").state("relay").build()));

        assertThat(sent).hasSize(1);
        MimeMessage relayed = sent.get(0).getMessage();
        MimeMessage original = SmimeFixtures.parse(asTheClientSentIt);
        assertThat(relayed.getContentType()).isEqualTo(original.getContentType());
        assertThat(relayed.getRawInputStream().readAllBytes()).as("the client's PGP/MIME body, not wrapped again")
            .isEqualTo(original.getRawInputStream().readAllBytes());
        assertThat(applied(sent.get(0))).isEmpty();
    }

    @Test
    void aTextThatOnlyStartsLikeAnOpenPgpMessageShouldStillBeEncrypted() throws Exception {
        vaults.addCertificate(acme, CA.issue("bob@partner.example"));
        MimeMessage pasted = SmimeFixtures.textMail(ALICE, "bob@partner.example",
            "-----BEGIN PGP MESSAGE-----\n\nSecret plans, pasted below a broken armor line\n-----END PGP MESSAGE-----\n");

        List<Mail> sent = relay(authenticated(FakeMail.builder().name("pasted").sender(ALICE).mimeMessage(pasted)
            .recipients("bob@partner.example").state("relay").build()));

        assertThat(sent).hasSize(1);
        assertThat(SmimeType.of(sent.get(0).getMessage())).isEqualTo(SmimeType.ENVELOPED);
        assertThat(applied(sent.get(0))).containsExactly(AppliedProtections.SMIME_SIGNED, AppliedProtections.SMIME_ENCRYPTED);
    }

    /** The sample chain's outgoing processors ({@link PolicyChain}); returns the mails leaving them. */
    private List<Mail> relay(Mail mail) throws Exception {
        PolicyChain.Outcome outcome = new PolicyChain(vaults, "acme.example").run(mail);
        assertThat(outcome.held).as("nothing held").isEmpty();
        return outcome.sent;
    }

    private <M extends GenericMailet> M mailet(M mailet, String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(mailet.getClass().getSimpleName())
            .mailetContext(LocalDomains.context(context, "acme.example"));
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static Mail mail(String recipient) throws MessagingException {
        MimeMessage message = SmimeFixtures.textMail(ALICE, recipient, "One protection is enough\n");
        return FakeMail.builder().name("mail-" + System.nanoTime()).mimeMessage(message).sender(ALICE)
            .recipients(recipient).state("relay").build();
    }

    private static Mail authenticated(Mail mail) {
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(ALICE)));
        return mail;
    }

    private static List<String> applied(Mail mail) {
        List<String> applied = new ArrayList<>();
        mail.getAttribute(AppliedProtections.NAME)
            .flatMap(attribute -> attribute.getValue().valueAs(List.class))
            .ifPresent(values -> ((List<?>) values).forEach(value -> applied.add(String.valueOf(((AttributeValue<?>) value).value()))));
        return applied;
    }
}
