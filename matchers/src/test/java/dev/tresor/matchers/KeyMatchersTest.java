package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.TestVaults;
import dev.tresor.smime.SmimeFixtures;

/** The matchers that ask the key repository, always in the sender's tenant. */
class KeyMatchersTest {
    private static final TestPki CA = TestPki.ca("Key matcher CA");

    @TempDir
    Path directory;

    private TestVaults vaults;
    private TenantId acme;
    private TenantId globex;

    @BeforeEach
    void setUp() {
        vaults = TestVaults.create(directory, Clock.systemUTC());
        acme = vaults.tenant("acme", "acme.example");
        globex = vaults.tenant("globex", "globex.example");
    }

    @Test
    void recipientHasSmimeCertificateShouldMatchOnlyRecipientsTheSendersTenantHoldsACertificateFor() throws Exception {
        vaults.addCertificate(acme, CA.issue("bob@partner.example"));
        TestPki.Issued carolForGlobex = CA.issue("carol@partner.example");
        vaults.addCertificate(globex, carolForGlobex);
        GenericMatcher matcher = init(new RecipientHasSmimeCertificate(vaults.repository(), vaults.tenantResolver()));

        Mail fromAcme = mail("alice@acme.example", "bob@partner.example", "carol@partner.example");
        Mail fromGlobex = mail("gina@globex.example", "bob@partner.example", "carol@partner.example");

        assertThat(matcher.match(fromAcme)).containsExactly(new MailAddress("bob@partner.example"));
        assertThat(matcher.match(fromGlobex)).containsExactly(new MailAddress("carol@partner.example"));
        vaults.repository().certificates().setStatus(globex, carolForGlobex.fingerprint(), KeyStatus.REVOKED);
        assertThat(matcher.match(fromGlobex)).isEmpty();
    }

    @Test
    void senderHasSmimeKeyShouldMatchWhenTheSendersOwnTenantHoldsHerKey() throws Exception {
        vaults.addKeyPair(globex, CA.issue("alice@acme.example"));
        GenericMatcher matcher = init(new SenderHasSmimeKey(vaults.repository(), vaults.tenantResolver()));

        assertThat(matcher.match(mail("alice@acme.example", "bob@partner.example"))).as("only another tenant has a key").isEmpty();

        vaults.addKeyPair(acme, CA.issue("alice@acme.example"));
        assertThat(matcher.match(mail("alice@acme.example", "bob@partner.example"))).hasSize(1);
        vaults.addCertificate(acme, CA.issue("dave@acme.example"));
        assertThat(matcher.match(mail("dave@acme.example", "bob@partner.example"))).as("certificate without key").isEmpty();
    }

    @Test
    void senderHasSmimeKeyShouldMatchAKeyThatCannotBeDecryptedSoThatSigningFailsClosed() throws Exception {
        // given Alice's key, seen through a master key that cannot unwrap it
        vaults.addKeyPair(acme, CA.issue("alice@acme.example"));
        KeyRepository lostMasterKey = vaults.repositoryWithAnotherMasterKey(directory.resolve("other-master.key"));
        GenericMatcher matcher = init(new SenderHasSmimeKey(lostMasterKey, new TenantResolver(lostMasterKey,
            vaults.recipientRewriteTable())));

        // when / then the matcher answers from the stored facts, without throwing into James's error processor
        assertThat(matcher.match(mail("alice@acme.example", "bob@partner.example"))).hasSize(1);
    }

    @Test
    void recipientHasPdfPasswordShouldMatchOnlyPasswordsTheSendersTenantAgreed() throws Exception {
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("bob@partner.example"), "bob-and-acme".toCharArray());
        vaults.repository().pdfPasswords().set(globex, EmailAddress.of("carol@partner.example"), "carol-and-globex".toCharArray());
        vaults.repository().tenants().grantFederation(globex, acme);
        GenericMatcher matcher = init(new RecipientHasPdfPassword(vaults.repository(), vaults.tenantResolver()));

        assertThat(matcher.match(mail("alice@acme.example", "bob@partner.example", "carol@partner.example", "dave@partner.example")))
            .as("federation shares certificates, never passwords").containsExactly(new MailAddress("bob@partner.example"));
        assertThat(matcher.match(mail("gina@globex.example", "bob@partner.example", "carol@partner.example")))
            .containsExactly(new MailAddress("carol@partner.example"));
        vaults.repository().pdfPasswords().remove(acme, EmailAddress.of("bob@partner.example"));
        assertThat(matcher.match(mail("alice@acme.example", "bob@partner.example"))).isEmpty();
    }

    @Test
    void aConditionShouldBeRefused() {
        assertThatThrownBy(() -> new RecipientHasPdfPassword(vaults.repository(), vaults.tenantResolver())
            .init(FakeMatcherConfig.builder().matcherName("RecipientHasPdfPassword").condition("any").build()))
            .isInstanceOf(MessagingException.class).hasMessageContaining("takes no condition");
        assertThatThrownBy(() -> new RecipientHasSmimeCertificate(vaults.repository(), vaults.tenantResolver())
            .init(FakeMatcherConfig.builder().matcherName("RecipientHasSmimeCertificate").condition("any").build()))
            .isInstanceOf(MessagingException.class).hasMessageContaining("takes no condition");
    }

    private static GenericMatcher init(GenericMatcher matcher) throws MessagingException {
        matcher.init(FakeMatcherConfig.builder().matcherName(matcher.getClass().getSimpleName()).build());
        return matcher;
    }

    private static Mail mail(String from, String... recipients) throws MessagingException {
        return FakeMail.builder().name("m").mimeMessage(SmimeFixtures.textMail(from, recipients[0], "Hi\n")).sender(from)
            .recipients(recipients).build();
    }
}
