package dev.tresor.mailets;

import static dev.tresor.smime.SmimeFixtures.bytes;
import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.attributes.AutocryptOutcome;
import dev.tresor.attributes.DecryptionOutcome;
import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.PgpSignature;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.pgp.PgpFixtures;
import dev.tresor.pgp.PgpForm;

class PgpMailetsTest {
    private static final PgpFixtures KEYS = PgpFixtures.get();

    @TempDir
    Path directory;

    private TestVaults vaults;
    private FakeMailContext context;
    private TenantId acme;
    private TenantId globex;

    @BeforeEach
    void setUp() {
        vaults = TestVaults.create(directory, Clock.systemUTC());
        context = FakeMailContext.defaultContext();
        acme = vaults.tenant("acme", "acme.example");
        globex = vaults.tenant("globex", "globex.example");
    }

    private <M extends GenericMailet> M init(M mailet, String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(mailet.getClass().getSimpleName())
            .mailetContext(LocalDomains.context(context, "acme.example", "globex.example"));
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static Mail mail(MimeMessage message, String sender, String... recipients) throws MessagingException {
        return FakeMail.builder().name("mail-" + System.nanoTime()).mimeMessage(message).sender(sender)
            .recipients(recipients).state("relay").build();
    }

    private static Mail authenticated(Mail mail, String user) {
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(user)));
        return mail;
    }

    private static String attribute(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(attribute -> attribute.getValue().value().toString()).orElse("");
    }

    @SuppressWarnings("unchecked")
    private static String verdict(Mail mail, String key) {
        Map<String, AttributeValue<?>> map = (Map<String, AttributeValue<?>>) mail.getAttribute(PgpSignature.NAME)
            .orElseThrow().getValue().value();
        return map.containsKey(key) ? map.get(key).value().toString() : null;
    }

    private List<AuditEvent.Operation> audit(TenantId tenant) {
        return vaults.keyUses(tenant).stream().map(AuditEvent::operation).collect(Collectors.toList());
    }

    private void secret(TenantId tenant, PgpFixtures.Key key) {
        vaults.repository().pgpKeys().addSecretKey(tenant, key.secretKey, PgpFixtures.PASSPHRASE);
    }

    private void publicKey(TenantId tenant, PgpFixtures.Key key) {
        vaults.repository().pgpKeys().addPublicKey(tenant, key.publicKey, Origin.IMPORTED);
    }

    private static byte[] armoredPart(MimeMessage encrypted) throws Exception {
        javax.mail.Multipart multipart = (javax.mail.Multipart) encrypted.getContent();
        return multipart.getBodyPart(1).getInputStream().readAllBytes();
    }

    @Nested
    class Signing {
        @Test
        void anAuthenticatedSenderShouldBeSignedWithHerOwnKeyAndGpgShouldAgree() throws Exception {
            secret(acme, KEYS.anna25519);
            SignPgp mailet = init(new SignPgp(vaults.repository(), vaults.tenantResolver()));
            Mail mail = authenticated(mail(textMail("anna@acme.example", "bob@partner.example", "Hi Bob\n"), "anna@acme.example",
                "bob@partner.example"), "anna@acme.example");

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo("relay");
            assertThat(PgpForm.of(mail.getMessage())).isEqualTo(PgpForm.SIGNED_MIME);
            assertThat(attribute(mail, AppliedProtections.NAME)).contains("pgp-signed");
            assertThat(audit(acme)).containsExactly(AuditEvent.Operation.SIGN);
            // the partner's side: VerifyPgp of a tenant that imported Anna's key says valid
            publicKey(globex, KEYS.anna25519);
            Mail received = mail(mail.getMessage(), "anna@acme.example", "gina@globex.example");
            init(new VerifyPgp(vaults.repository(), vaults.tenantResolver())).service(received);
            assertThat(verdict(received, "status")).isEqualTo("valid");
            assertThat(verdict(received, "userId")).isEqualTo("Anna <anna@acme.example>");
        }

        @Test
        void aSenderWhoIsNotAuthorisedOrHasNoKeyShouldGoToTheFailureProcessor() throws Exception {
            secret(acme, KEYS.aliceRsa);
            SignPgp mailet = init(new SignPgp(vaults.repository(), vaults.tenantResolver()), "onFailure", "unsigned");
            Mail impostor = authenticated(mail(textMail("alice@acme.example", "bob@partner.example", "Hi\n"), "alice@acme.example",
                "bob@partner.example"), "mallory@acme.example");
            Mail withoutKey = authenticated(mail(textMail("dave@acme.example", "bob@partner.example", "Hi\n"), "dave@acme.example",
                "bob@partner.example"), "dave@acme.example");

            mailet.service(impostor);
            mailet.service(withoutKey);

            assertThat(impostor.getState()).isEqualTo("unsigned");
            assertThat(attribute(impostor, FailureReason.NAME)).contains("authenticated as mallory@acme.example");
            assertThat(withoutKey.getState()).isEqualTo("unsigned");
            assertThat(attribute(withoutKey, FailureReason.NAME))
                .isEqualTo("Not signed: no OpenPGP signing key for dave@acme.example in tenant acme");
            assertThat(PgpForm.of(withoutKey.getMessage())).isEqualTo(PgpForm.NONE);
        }

        @Test
        void invalidParametersShouldFailStartUp() {
            assertThatThrownBy(() -> init(new SignPgp(vaults.repository(), vaults.tenantResolver()), "hash", "SHA-1"))
                .hasMessageContaining("'hash'").hasMessageContaining("sha-256");
            assertThatThrownBy(() -> init(new SignPgp(vaults.repository(), vaults.tenantResolver()), "signFor", "authenticated-or-network"))
                .hasMessageContaining("'networks'");
            assertThatThrownBy(() -> init(new SignPgp(vaults.repository(), vaults.tenantResolver()), "colour", "blue"))
                .hasMessageContaining("colour");
        }
    }

    @Nested
    class Encryption {
        @Test
        void eachTenantShouldEncryptToTheKeyItHoldsForThePartner() throws Exception {
            secret(acme, KEYS.bobRsa);    // acme imported Bob's current key (secret kept here only to decrypt in the test)
            secret(globex, KEYS.bobOld);  // globex still holds his old one
            EncryptPgp mailet = init(new EncryptPgp(vaults.repository(), vaults.tenantResolver()));
            Mail fromAcme = mail(textMail("alice@acme.example", "bob@partner.example", "acme\n"), "alice@acme.example", "bob@partner.example");
            Mail fromGlobex = mail(textMail("gina@globex.example", "bob@partner.example", "globex\n"), "gina@globex.example",
                "bob@partner.example");

            mailet.service(fromAcme);
            mailet.service(fromGlobex);

            assertThat(decryptedWith(acme, fromAcme)).contains("acme");
            assertThat(decryptedWith(globex, fromGlobex)).contains("globex");
            assertThat(decryptionFailure(globex, fromAcme)).contains("no private key for any recipient");
            assertThat(decryptionFailure(acme, fromGlobex)).contains("no private key for any recipient");
            assertThat(audit(acme)).contains(AuditEvent.Operation.ENCRYPT);
            assertThat(attribute(fromAcme, AppliedProtections.NAME)).contains("pgp-encrypted");
        }

        @Test
        void aRecipientWithoutKeyShouldStopTheWholeMail() throws Exception {
            publicKey(acme, KEYS.bobRsa);
            EncryptPgp mailet = init(new EncryptPgp(vaults.repository(), vaults.tenantResolver()));
            Mail mail = mail(textMail("alice@acme.example", "bob@partner.example", "secret\n"), "alice@acme.example",
                "bob@partner.example", "carol@partner.example");

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo("tresor-quarantine");
            assertThat(attribute(mail, FailureReason.NAME))
                .isEqualTo("Not encrypted: no usable OpenPGP key in tenant acme for carol@partner.example");
            assertThat(PgpForm.of(mail.getMessage())).isEqualTo(PgpForm.NONE);
        }

        @Test
        void signInsideShouldGiveWhatGpgDecryptsAndVerifies() throws Exception {
            secret(acme, KEYS.aliceRsa);
            publicKey(acme, KEYS.bobRsa);
            EncryptPgp mailet = init(new EncryptPgp(vaults.repository(), vaults.tenantResolver()), "sign", "true",
                "encryptToSender", "true");
            Mail mail = authenticated(mail(textMail("alice@acme.example", "bob@partner.example", "signed and sealed\n"),
                "alice@acme.example", "bob@partner.example"), "alice@acme.example");

            mailet.service(mail);

            try (PgpFixtures.Gpg gpg = PgpFixtures.gpg(directory, KEYS.bobRsa)) {
                gpg.importKeys(KEYS.aliceRsa.publicKey);
                String status = gpg.decryptStatus(armoredPart(mail.getMessage()));
                assertThat(status).contains("GOODSIG", "DECRYPTION_OKAY");
            }
            assertThat(decryptedWith(acme, mail)).as("the sender's own copy").contains("signed and sealed");
            assertThat(audit(acme)).contains(AuditEvent.Operation.SIGN, AuditEvent.Operation.ENCRYPT);
        }

        @Test
        void signInsideForAnUnauthenticatedSenderShouldFail() throws Exception {
            secret(acme, KEYS.aliceRsa);
            publicKey(acme, KEYS.bobRsa);
            EncryptPgp mailet = init(new EncryptPgp(vaults.repository(), vaults.tenantResolver()), "sign", "true");
            Mail mail = mail(textMail("alice@acme.example", "bob@partner.example", "x\n"), "alice@acme.example", "bob@partner.example");

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo("tresor-quarantine");
            assertThat(attribute(mail, FailureReason.NAME)).contains("did not authenticate");
        }

        private String decryptedWith(TenantId tenant, Mail encrypted) throws Exception {
            Mail copy = mail(encrypted.getMessage(), "x@partner.example", tenant == acme ? "alice@acme.example" : "gina@globex.example");
            init(new DecryptPgp(vaults.repository(), vaults.tenantResolver())).service(copy);
            assertThat(attribute(copy, DecryptionOutcome.PGP)).isEqualTo("decrypted");
            return new String(bytes(copy.getMessage()), StandardCharsets.UTF_8);
        }

        private String decryptionFailure(TenantId tenant, Mail encrypted) throws Exception {
            Mail copy = mail(encrypted.getMessage(), "x@partner.example", tenant == acme ? "alice@acme.example" : "gina@globex.example");
            init(new DecryptPgp(vaults.repository(), vaults.tenantResolver())).service(copy);
            return attribute(copy, DecryptionOutcome.PGP);
        }
    }

    @Nested
    class Decryption {
        private MimeMessage encryptedByGpg(String signer, PgpFixtures.Key signerKey, PgpFixtures.Key... recipients) throws Exception {
            byte[] entity = "Content-Type: text/plain; charset=us-ascii\r\n\r\nFrom the partner.\r\n".getBytes(StandardCharsets.US_ASCII);
            try (PgpFixtures.Gpg gpg = PgpFixtures.gpg(directory, signerKey)) {
                String[] fingerprints = new String[recipients.length];
                for (int i = 0; i < recipients.length; i++) {
                    gpg.importKeys(recipients[i].publicKey);
                    fingerprints[i] = recipients[i].fingerprint;
                }
                return dev.tresor.smime.SmimeFixtures.parse(bytes(pgpMime(signerKey.address, signer, gpg.encrypt(entity,
                    signer == null ? null : signerKey.fingerprint, fingerprints))));
            }
        }

        @Test
        void mailForTwoTenantsShouldBeSplitAndEachDecryptedWithItsOwnKey() throws Exception {
            secret(acme, KEYS.aliceRsa);
            secret(globex, KEYS.anna25519);
            publicKey(acme, KEYS.bobRsa);
            MimeMessage encrypted = encryptedByGpg("x", KEYS.bobRsa, KEYS.aliceRsa, KEYS.anna25519);
            DecryptPgp mailet = init(new DecryptPgp(vaults.repository(), vaults.tenantResolver()));
            Mail mail = mail(encrypted, "bob@partner.example", "alice@acme.example", "gina@globex.example");
            mail.getMessage().setHeader(PgpSignature.HEADER, "valid; forged");

            mailet.service(mail);

            assertThat(mail.getRecipients()).containsExactly(new MailAddress("alice@acme.example"));
            assertThat(mail.getMessage().getContent()).isEqualTo("From the partner.\r\n");
            assertThat(mail.getMessage().getHeader(DecryptionOutcome.HEADER, null)).isEqualTo("decrypted (OpenPGP, AES-256, SEIPD v1 (MDC))");
            assertThat(verdict(mail, "status")).isEqualTo("valid");
            assertThat(javax.mail.internet.MimeUtility.unfold(mail.getMessage().getHeader(PgpSignature.HEADER, null))).startsWith("valid; signer=" + KEYS.bobRsa.fingerprint);
            assertThat(audit(acme)).contains(AuditEvent.Operation.DECRYPT, AuditEvent.Operation.VERIFY);
            assertThat(context.getSentMails()).hasSize(1);
            FakeMailContext.SentMail copy = context.getSentMails().get(0);
            assertThat(copy.getRecipients()).containsExactly(new MailAddress("gina@globex.example"));
            assertThat(PgpForm.of(copy.getMsg())).isEqualTo(PgpForm.ENCRYPTED_MIME);
        }

        @Test
        void mailTheTenantHoldsNoKeyForShouldBeDeliveredEncryptedWithTheReason() throws Exception {
            MimeMessage encrypted = encryptedByGpg(null, KEYS.bobRsa, KEYS.bea25519);
            Mail delivered = mail(encrypted, "bob@partner.example", "alice@acme.example");
            Mail routed = mail(encryptedByGpg(null, KEYS.bobRsa, KEYS.bea25519), "bob@partner.example", "alice@acme.example");

            init(new DecryptPgp(vaults.repository(), vaults.tenantResolver())).service(delivered);
            init(new DecryptPgp(vaults.repository(), vaults.tenantResolver()), "onFailure", "undecryptable").service(routed);

            assertThat(PgpForm.of(delivered.getMessage())).isEqualTo(PgpForm.ENCRYPTED_MIME);
            assertThat(delivered.getMessage().getHeader(DecryptionOutcome.HEADER, null)).startsWith("failed; reason=\"no private key");
            assertThat(routed.getState()).isEqualTo("undecryptable");
            assertThat(attribute(routed, FailureReason.NAME)).startsWith("Not decrypted: no private key");
        }

        @Test
        void maxSizeShouldBeValidated() {
            assertThatThrownBy(() -> init(new DecryptPgp(vaults.repository(), vaults.tenantResolver()), "maxSize", "lots"))
                .hasMessageContaining("'maxSize'");
        }
    }

    @Nested
    class Verification {
        @Test
        void aForgedVerdictHeaderShouldBeReplacedOnEveryMail() throws Exception {
            VerifyPgp mailet = init(new VerifyPgp(vaults.repository(), vaults.tenantResolver()));
            MimeMessage unsigned = textMail("bob@partner.example", "alice@acme.example", "hello\n");
            unsigned.setHeader(PgpSignature.HEADER, "valid; signer=forged");
            Mail mail = mail(unsigned, "bob@partner.example", "alice@acme.example");

            mailet.service(mail);

            assertThat(mail.getMessage().getHeader(PgpSignature.HEADER)).hasSize(1);
            assertThat(mail.getMessage().getHeader(PgpSignature.HEADER, null)).startsWith("none;");
            assertThat(verdict(mail, "status")).isEqualTo("none");
        }

        @Test
        void aSignerUnknownToTheRecipientsTenantShouldBeUnknownKey() throws Exception {
            secret(acme, KEYS.aliceRsa);
            Mail signed = authenticated(mail(textMail("alice@acme.example", "gina@globex.example", "hello\n"), "alice@acme.example",
                "gina@globex.example"), "alice@acme.example");
            init(new SignPgp(vaults.repository(), vaults.tenantResolver())).service(signed);

            Mail received = mail(signed.getMessage(), "alice@acme.example", "gina@globex.example");
            init(new VerifyPgp(vaults.repository(), vaults.tenantResolver())).service(received);

            assertThat(verdict(received, "status")).isEqualTo("unknown-key");
            assertThat(javax.mail.internet.MimeUtility.unfold(received.getMessage().getHeader(PgpSignature.HEADER, null)))
                .startsWith("unknown-key; reason=\"no key " + KEYS.aliceRsa.fingerprint + " in the recipient's vault");
        }
    }

    @Nested
    class AutocryptHeaders {
        @Test
        void anAdvertisedKeyShouldBeHarvestedByTheRecipientsTenantOnly() throws Exception {
            secret(acme, KEYS.aliceRsa);
            Mail outgoing = mail(textMail("alice@acme.example", "gina@globex.example", "hello\n"), "alice@acme.example",
                "gina@globex.example");
            init(new Autocrypt(vaults.repository(), vaults.tenantResolver()), "mode", "advertise").service(outgoing);

            Mail incoming = mail(dev.tresor.smime.SmimeFixtures.parse(bytes(outgoing.getMessage())), "alice@acme.example",
                "gina@globex.example");
            init(new Autocrypt(vaults.repository(), vaults.tenantResolver())).service(incoming);

            assertThat(outgoing.getMessage().getHeader("Autocrypt", null)).startsWith("addr=alice@acme.example; keydata=");
            List<PgpKeyEntry> harvested = vaults.repository().pgpKeys().encryptionKeys(globex,
                EmailAddress.of("alice@acme.example"), SelectionPolicy.ALL_VALID);
            assertThat(harvested).hasSize(1);
            assertThat(harvested.get(0).origin()).isEqualTo(Origin.HARVESTED);
            assertThat(harvested.get(0).fingerprint()).isEqualTo(PgpFingerprint.of(KEYS.aliceRsa.fingerprint));
            assertThat(attribute(incoming, AutocryptOutcome.NAME)).isEqualTo("harvested " + KEYS.aliceRsa.fingerprint);
            assertThat(audit(globex)).containsExactly(AuditEvent.Operation.HARVEST);
        }

        @Test
        void aHeaderWhoseAddrIsNotTheSenderShouldBeRefused() throws Exception {
            MimeMessage message = textMail("mallory@partner.example", "gina@globex.example", "hello\n");
            message.setHeader("Autocrypt", Autocrypt.headerValue(EmailAddress.of("bob@partner.example"), keyBytes(KEYS.bobRsa)));
            Mail mail = mail(message, "mallory@partner.example", "gina@globex.example");

            init(new Autocrypt(vaults.repository(), vaults.tenantResolver())).service(mail);

            assertThat(attribute(mail, AutocryptOutcome.NAME))
                .isEqualTo("refused: addr bob@partner.example is not the From address mallory@partner.example");
            assertThat(vaults.repository().pgpKeys().list(globex, java.util.Optional.empty(), 10)).isEmpty();
        }

        @Test
        void aKeyForSomeoneElseOrAgainstAnImportedKeyShouldBeRefused() throws Exception {
            MimeMessage planted = textMail("mallory@partner.example", "gina@globex.example", "hello\n");
            planted.setHeader("Autocrypt", Autocrypt.headerValue(EmailAddress.of("mallory@partner.example"), keyBytes(KEYS.bobRsa)));
            publicKey(globex, KEYS.bobRsa);
            MimeMessage replacing = textMail("bob@partner.example", "gina@globex.example", "hello\n");
            replacing.setHeader("Autocrypt", Autocrypt.headerValue(EmailAddress.of("bob@partner.example"), keyBytes(KEYS.bobOld)));
            Mail first = mail(planted, "mallory@partner.example", "gina@globex.example");
            Mail second = mail(replacing, "bob@partner.example", "gina@globex.example");

            init(new Autocrypt(vaults.repository(), vaults.tenantResolver())).service(first);
            init(new Autocrypt(vaults.repository(), vaults.tenantResolver())).service(second);

            assertThat(attribute(first, AutocryptOutcome.NAME)).startsWith("refused: the key's user ids name [bob@partner.example]");
            assertThat(attribute(second, AutocryptOutcome.NAME))
                .isEqualTo("refused: tenant globex holds an imported key for bob@partner.example");
            assertThat(vaults.repository().pgpKeys().encryptionKeys(globex, EmailAddress.of("bob@partner.example"),
                SelectionPolicy.ALL_VALID)).extracting(entry -> entry.fingerprint().asString()).containsExactly(KEYS.bobRsa.fingerprint);
        }

        private byte[] keyBytes(PgpFixtures.Key key) throws Exception {
            return dev.tresor.keys.io.PgpKeys.readPublicKeys(key.publicKey).get(0).encoded();
        }
    }

    static MimeMessage pgpMime(String from, String subjectHint, byte[] armored) throws Exception {
        String boundary = "enc-boundary";
        return dev.tresor.smime.SmimeFixtures.parse(("From: " + from + "\r\nTo: alice@acme.example\r\nSubject: From gpg\r\n"
            + "Message-ID: <gpg-2@partner.example>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"" + boundary + "\"\r\n\r\n--"
            + boundary + "\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--" + boundary
            + "\r\nContent-Type: application/octet-stream\r\n\r\n" + new String(armored, StandardCharsets.US_ASCII) + "\r\n--"
            + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }
}
