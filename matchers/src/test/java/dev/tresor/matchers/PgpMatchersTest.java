package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.mailets.TestVaults;
import dev.tresor.pgp.PgpEncryptor;
import dev.tresor.pgp.PgpFixtures;
import dev.tresor.pgp.PgpSigner;
import dev.tresor.pgp.TenantPgpKeys;
import dev.tresor.smime.SmimeFixtures;

class PgpMatchersTest {
    private static final PgpFixtures KEYS = PgpFixtures.get();

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
    void isPgpEncryptedShouldMatchPgpMimeAndInlineButNoArmoredPartOfALargerMail() throws Exception {
        vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bobRsa.publicKey, Origin.IMPORTED);
        MimeMessage encrypted = new PgpEncryptor(Clock.systemUTC()).encrypt(
            SmimeFixtures.textMail("alice@acme.example", "bob@partner.example", "x\n"),
            java.util.List.of(TenantPgpKeys.encryptionKey(vaults.repository().pgpKeys()
                .encryptionKeys(acme, EmailAddress.of("bob@partner.example"), dev.tresor.keys.SelectionPolicy.NEWEST).get(0),
                java.time.Instant.now()).orElseThrow()), Optional.empty());
        GenericMatcher matcher = init(new IsPgpEncrypted());

        assertThat(matcher.match(mail(encrypted))).containsExactly(new MailAddress("bob@acme.example"), new MailAddress("carol@acme.example"));
        assertThat(matcher.match(mail(inline(encryptedPacketsArmored(encrypted))))).hasSize(2);
        assertThat(matcher.match(mail(SmimeFixtures.textMail("a@partner.example", "b@acme.example", "plain\n")))).isEmpty();
        assertThat(matcher.match(mail(SmimeFixtures.parse("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
            + "Content-Type: text/plain\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nhQ==\r\n-----END PGP MESSAGE-----\r\n--b--\r\n")))).isEmpty();
        assertThat(matcher.match(mail(SmimeFixtures.parse("Content-Type: multipart/encrypted; boundary=b\r\n\r\n--b--\r\n"))))
            .as("no pgp protocol").isEmpty();
    }

    @Test
    void isPgpSignedShouldMatchSignedMailOnly() throws Exception {
        vaults.repository().pgpKeys().addSecretKey(acme, KEYS.anna25519.secretKey, PgpFixtures.PASSPHRASE);
        MimeMessage signed = new PgpSigner(PgpSigner.Hash.SHA256, Clock.systemUTC()).sign(
            SmimeFixtures.textMail("anna@acme.example", "bob@partner.example", "x\n"),
            vaults.repository().pgpKeys().signingKey(acme, EmailAddress.of("anna@acme.example")).orElseThrow());
        GenericMatcher matcher = init(new IsPgpSigned());

        assertThat(matcher.match(mail(signed))).hasSize(2);
        assertThat(matcher.match(mail(SmimeFixtures.parse("Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";"
            + " micalg=sha-256; boundary=b\r\n\r\n--b--\r\n")))).as("S/MIME").isEmpty();
        assertThat(init(new IsPgpEncrypted()).match(mail(signed))).isEmpty();
    }

    @Test
    void recipientHasPgpKeyShouldMatchOnlyRecipientsTheSendersTenantHoldsAUsableKeyFor() throws Exception {
        vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bobRsa.publicKey, Origin.IMPORTED);
        vaults.repository().pgpKeys().addPublicKey(globex, KEYS.bea25519.publicKey, Origin.IMPORTED);
        GenericMatcher matcher = init(new RecipientHasPgpKey(vaults.repository(), vaults.tenantResolver()));

        Mail fromAcme = keyMail("alice@acme.example", "bob@partner.example", "bea@partner.example");
        Mail fromGlobex = keyMail("gina@globex.example", "bob@partner.example", "bea@partner.example");

        assertThat(matcher.match(fromAcme)).containsExactly(new MailAddress("bob@partner.example"));
        assertThat(matcher.match(fromGlobex)).containsExactly(new MailAddress("bea@partner.example"));
        vaults.repository().pgpKeys().setStatus(globex, PgpFingerprint.of(KEYS.bea25519.fingerprint), KeyStatus.REVOKED);
        assertThat(matcher.match(fromGlobex)).isEmpty();
    }

    @Test
    void senderHasPgpKeyShouldMatchWhenTheSendersOwnTenantHoldsHerSecretKey() throws Exception {
        vaults.repository().pgpKeys().addSecretKey(globex, KEYS.aliceRsa.secretKey, PgpFixtures.PASSPHRASE);
        GenericMatcher matcher = init(new SenderHasPgpKey(vaults.repository(), vaults.tenantResolver()));

        assertThat(matcher.match(keyMail("alice@acme.example", "bob@partner.example"))).as("only another tenant has it").isEmpty();
        vaults.repository().pgpKeys().addPublicKey(acme, KEYS.aliceRsa.publicKey, Origin.IMPORTED);
        assertThat(matcher.match(keyMail("alice@acme.example", "bob@partner.example"))).as("public key only").isEmpty();
        vaults.repository().pgpKeys().addSecretKey(acme, KEYS.aliceRsa.secretKey, PgpFixtures.PASSPHRASE);
        assertThat(matcher.match(keyMail("alice@acme.example", "bob@partner.example"))).hasSize(1);
    }

    @Test
    void aConditionShouldBeRefused() {
        assertThatThrownBy(() -> new IsPgpEncrypted()
            .init(FakeMatcherConfig.builder().matcherName("IsPgpEncrypted").condition("any").build()))
            .isInstanceOf(MessagingException.class).hasMessageContaining("takes no condition");
        assertThatThrownBy(() -> new RecipientHasPgpKey(vaults.repository(), vaults.tenantResolver())
            .init(FakeMatcherConfig.builder().matcherName("RecipientHasPgpKey").condition("any").build()))
            .isInstanceOf(MessagingException.class).hasMessageContaining("takes no condition");
    }

    private static String encryptedPacketsArmored(MimeMessage encrypted) throws Exception {
        javax.mail.Multipart multipart = (javax.mail.Multipart) encrypted.getContent();
        return new String(multipart.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }

    private static MimeMessage inline(String armored) throws MessagingException {
        return SmimeFixtures.parse("From: a@partner.example\r\nContent-Type: text/plain\r\n\r\n" + armored);
    }

    private static GenericMatcher init(GenericMatcher matcher) throws MessagingException {
        matcher.init(FakeMatcherConfig.builder().matcherName(matcher.getClass().getSimpleName()).build());
        return matcher;
    }

    private static Mail mail(MimeMessage message) throws MessagingException {
        return FakeMail.builder().name("m").mimeMessage(message).sender("a@partner.example")
            .recipients("bob@acme.example", "carol@acme.example").build();
    }

    private static Mail keyMail(String from, String... recipients) throws MessagingException {
        return FakeMail.builder().name("m").mimeMessage(SmimeFixtures.textMail(from, recipients[0], "Hi\n")).sender(from)
            .recipients(recipients).build();
    }
}
