package dev.tresor.mailets;

import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.EmailAddress;
import java.util.Optional;
import java.security.cert.X509Certificate;
import static dev.tresor.smime.SmimeFixtures.bytes;
import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
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
import dev.tresor.attributes.DecryptionOutcome;
import dev.tresor.attributes.FailureReason;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.ExternalTool;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.smime.SmimeDecryptor;
import dev.tresor.smime.SmimeException;
import dev.tresor.smime.SmimeFixtures;
import dev.tresor.smime.SmimeType;

class SmimeMailetsTest {
    private static final TestPki CA = TestPki.ca("Mailet test CA");

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
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(mailet.getClass().getSimpleName()).mailetContext(context);
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

    private List<AuditEvent.Operation> audit(TenantId tenant) {
        return vaults.keyUses(tenant).stream().map(AuditEvent::operation).collect(Collectors.toList());
    }

    private String opensslVerify(MimeMessage signed) throws Exception {
        Files.write(directory.resolve("signed.eml"), bytes(signed));
        SmimeFixtures.writePem(directory.resolve("ca.pem"), CA.certificate());
        return new String(ExternalTool.run(directory, "openssl", "cms", "-verify", "-CAfile", "ca.pem", "-in", "signed.eml"),
            StandardCharsets.ISO_8859_1);
    }

    @Nested
    class SigningWithIssuedKeys {
        private X509Certificate tenantCa;

        @BeforeEach
        void acmeHasACaThatIssuesAutomatically() {
            tenantCa = vaults.repository().lifecycle().createCa(acme, CaSettings.defaults("http://pki.acme.test"), "test")
                .certificate();
        }

        @Test
        void aSenderWithoutKeyShouldBeSignedWithACertificateHerTenantsCaIssuesOnce() throws Exception {
            SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()));
            Mail first = authenticated(mail(textMail("frank@acme.example", "bob@partner.example", "First\n"),
                "frank@acme.example", "bob@partner.example"), "frank@acme.example");
            Mail second = authenticated(mail(textMail("frank@acme.example", "bob@partner.example", "Second\n"),
                "frank@acme.example", "bob@partner.example"), "frank@acme.example");

            mailet.service(first);
            mailet.service(second);

            assertThat(SmimeType.of(first.getMessage())).isEqualTo(SmimeType.SIGNED_DETACHED);
            assertThat(SmimeType.of(second.getMessage())).isEqualTo(SmimeType.SIGNED_DETACHED);
            Files.write(directory.resolve("signed.eml"), bytes(first.getMessage()));
            SmimeFixtures.writePem(directory.resolve("tenant-ca.pem"), tenantCa);
            assertThat(new String(ExternalTool.run(directory, "openssl", "cms", "-verify", "-CAfile", "tenant-ca.pem",
                "-in", "signed.eml"), StandardCharsets.ISO_8859_1)).endsWith("First\r\n");
            assertThat(vaults.repository().lifecycle().issued(acme, Optional.of(EmailAddress.of("frank@acme.example"))))
                .hasSize(1);
        }

        @Test
        void anImpostorShouldNeverGetAKeyIssued() throws Exception {
            SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()));
            Mail impostor = authenticated(mail(textMail("frank@acme.example", "bob@partner.example", "Hi\n"),
                "frank@acme.example", "bob@partner.example"), "mallory@acme.example");

            mailet.service(impostor);

            assertThat(impostor.getState()).isEqualTo("tresor-quarantine");
            assertThat(vaults.repository().lifecycle().issued(acme, Optional.empty())).isEmpty();
        }

        @Test
        void anotherTenantsSenderShouldNotGetAKeyFromAcmesCa() throws Exception {
            SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()));
            Mail mail = authenticated(mail(textMail("gus@globex.example", "bob@partner.example", "Hi\n"),
                "gus@globex.example", "bob@partner.example"), "gus@globex.example");

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo("tresor-quarantine");
            assertThat(vaults.repository().lifecycle().issued(acme, Optional.empty())).isEmpty();
            assertThat(vaults.repository().lifecycle().issued(globex, Optional.empty())).isEmpty();
        }
    }

    @Nested
    class Signing {
        private TestPki.Issued alice;

        @BeforeEach
        void aliceHasAKey() {
            alice = CA.issuing("alice@acme.example").rsa().build();
            vaults.addKeyPair(acme, alice);
        }

        @Test
        void anAuthenticatedSenderShouldBeSignedWithHerOwnKey() throws Exception {
            SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()));
            Mail mail = authenticated(mail(textMail("alice@acme.example", "bob@partner.example", "Hi Bob\n"), "alice@acme.example",
                "bob@partner.example"), "alice@acme.example");

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo("relay");
            assertThat(SmimeType.of(mail.getMessage())).isEqualTo(SmimeType.SIGNED_DETACHED);
            assertThat(opensslVerify(mail.getMessage())).endsWith("Hi Bob\r\n");
            assertThat(audit(acme)).contains(AuditEvent.Operation.SIGN);
            assertThat(mail.getAttribute(AppliedProtections.NAME)).isPresent();
        }

        @Test
        void aSenderWhoDidNotAuthenticateAsHerselfShouldNotBeSigned() throws Exception {
            SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()));
            Mail anonymous = mail(textMail("alice@acme.example", "bob@partner.example", "Hi\n"), "alice@acme.example", "bob@partner.example");
            Mail impostor = authenticated(mail(textMail("alice@acme.example", "bob@partner.example", "Hi\n"), "alice@acme.example",
                "bob@partner.example"), "mallory@acme.example");

            mailet.service(anonymous);
            mailet.service(impostor);

            for (Mail mail : List.of(anonymous, impostor)) {
                assertThat(mail.getState()).isEqualTo("tresor-quarantine");
                assertThat(SmimeType.of(mail.getMessage())).isEqualTo(SmimeType.NONE);
            }
            assertThat(impostor.getAttribute(FailureReason.NAME).get().getValue().value().toString())
                .contains("authenticated as mallory@acme.example");
        }

        @Test
        void aTrustedNetworkShouldBeEnoughWhenConfigured() throws Exception {
            SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()),
                "signFor", "authenticated-or-network", "networks", "10.0.0.0/8, 127.0.0.1");
            Mail mail = mail(textMail("alice@acme.example", "bob@partner.example", "Hi\n"), "alice@acme.example", "bob@partner.example");

            mailet.service(mail);

            assertThat(SmimeType.of(mail.getMessage())).isEqualTo(SmimeType.SIGNED_DETACHED);
        }

        @Test
        void aSenderWithoutKeyShouldGoToTheFailureProcessor() throws Exception {
            SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()), "onFailure", "no-key");
            Mail mail = authenticated(mail(textMail("dave@acme.example", "bob@partner.example", "Hi\n"), "dave@acme.example",
                "bob@partner.example"), "dave@acme.example");

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo("no-key");
            assertThat(mail.getAttribute(FailureReason.NAME).get().getValue().value().toString())
                .isEqualTo("Not signed: no signing key for dave@acme.example in tenant acme");
        }

        @Test
        void aSigningKeyThatCannotBeDecryptedShouldGoToTheFailureProcessorWithAPlainReason() throws Exception {
            // given Alice's key, seen through a master key that cannot unwrap it
            KeyRepository lostMasterKey = vaults.repositoryWithAnotherMasterKey(directory.resolve("other-master.key"));
            SignSmime mailet = init(new SignSmime(lostMasterKey, new TenantResolver(lostMasterKey, vaults.recipientRewriteTable())),
                "onFailure", "no-key");
            Mail mail = authenticated(mail(textMail("alice@acme.example", "bob@partner.example", "Hi\n"), "alice@acme.example",
                "bob@partner.example"), "alice@acme.example");

            // when she sends a mail
            mailet.service(mail);

            // then it goes unsigned to the failure processor, with a reason that names no Java internals
            assertThat(mail.getState()).isEqualTo("no-key");
            assertThat(SmimeType.of(mail.getMessage())).isEqualTo(SmimeType.NONE);
            assertThat(mail.getAttribute(FailureReason.NAME).get().getValue().value().toString())
                .startsWith("Not signed: the key repository cannot decrypt the private key")
                .contains(mail.getName())
                .doesNotContain("Exception").doesNotContain("dev.tresor").doesNotContain("master key '");
        }

        @Test
        void anotherTenantsKeyForTheSameAddressShouldNeverSign() throws Exception {
            vaults.addKeyPair(globex, CA.issuing("alice@acme.example").rsa().build());
            SignSmime mailet = init(new SignSmime(vaults.repository(), vaults.tenantResolver()));
            Mail mail = authenticated(mail(textMail("alice@acme.example", "bob@partner.example", "Hi\n"), "alice@acme.example",
                "bob@partner.example"), "alice@acme.example");

            mailet.service(mail);

            assertThat(opensslVerify(mail.getMessage())).isNotEmpty();
            Files.write(directory.resolve("signer.pem"), new byte[0]);
            ExternalTool.run(directory, "openssl", "cms", "-verify", "-CAfile", "ca.pem", "-in", "signed.eml", "-signer", "signer.pem",
                "-out", "/dev/null");
            assertThat(Files.readString(directory.resolve("signer.pem")))
                .isEqualTo(pem(alice.certificate()));
        }

        @Test
        void invalidParametersShouldFailStartUp() {
            assertThatThrownBy(() -> init(new SignSmime(vaults.repository(), vaults.tenantResolver()), "digest", "SHA-1"))
                .hasMessageContaining("'digest'").hasMessageContaining("sha-256");
            assertThatThrownBy(() -> init(new SignSmime(vaults.repository(), vaults.tenantResolver()), "signFor", "authenticated-or-network"))
                .hasMessageContaining("'networks'");
            assertThatThrownBy(() -> init(new SignSmime(vaults.repository(), vaults.tenantResolver()), "colour", "blue"))
                .hasMessageContaining("colour");
            assertThatThrownBy(() -> init(new SignSmime(vaults.repository(), vaults.tenantResolver()), "onFailure", " "))
                .hasMessageContaining("onFailure");
        }
    }

    @Nested
    class Encryption {
        private TestPki.Issued bobForAcme;
        private TestPki.Issued bobForGlobex;

        @BeforeEach
        void bothTenantsKnowABob() {
            bobForAcme = CA.issuing("bob@partner.example").rsa().build();
            bobForGlobex = CA.issuing("bob@partner.example").rsa().build();
            vaults.addCertificate(acme, bobForAcme);
            vaults.addCertificate(globex, bobForGlobex);
        }

        @Test
        void eachTenantsMailShouldBeEncryptedOnlyToItsOwnCertificateForTheSameAddress() throws Exception {
            EncryptSmime mailet = init(new EncryptSmime(vaults.repository(), vaults.tenantResolver()));
            Mail fromAcme = mail(textMail("alice@acme.example", "bob@partner.example", "From Acme\n"), "alice@acme.example", "bob@partner.example");
            Mail fromGlobex = mail(textMail("gina@globex.example", "bob@partner.example", "From Globex\n"), "gina@globex.example", "bob@partner.example");

            mailet.service(fromAcme);
            mailet.service(fromGlobex);

            assertThat(decryptWith(fromAcme.getMessage(), bobForAcme).getContent()).isEqualTo("From Acme\r\n");
            assertThatThrownBy(() -> decryptWith(fromAcme.getMessage(), bobForGlobex)).isInstanceOf(SmimeException.class);
            assertThat(decryptWith(fromGlobex.getMessage(), bobForGlobex).getContent()).isEqualTo("From Globex\r\n");
            assertThatThrownBy(() -> decryptWith(fromGlobex.getMessage(), bobForAcme)).isInstanceOf(SmimeException.class);
            assertThat(audit(acme)).containsExactly(AuditEvent.Operation.ENCRYPT);
            assertThat(audit(globex)).containsExactly(AuditEvent.Operation.ENCRYPT);
        }

        @Test
        void aRecipientWithoutCertificateShouldStopTheWholeMail() throws Exception {
            EncryptSmime mailet = init(new EncryptSmime(vaults.repository(), vaults.tenantResolver()));
            MimeMessage message = textMail("alice@acme.example", "bob@partner.example", "Secret\n");
            Mail mail = mail(message, "alice@acme.example", "bob@partner.example", "carol@partner.example");

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo("tresor-quarantine");
            assertThat(mail.getAttribute(FailureReason.NAME).get().getValue().value().toString())
                .isEqualTo("Not encrypted: no usable S/MIME certificate in tenant acme for carol@partner.example");
        }

        @Test
        void senderAndEscrowCertificatesShouldBeAddedWhenConfigured() throws Exception {
            TestPki.Issued alice = CA.issuing("alice@acme.example").rsa().build();
            TestPki.Issued escrow = CA.issuing("escrow@acme.example").rsa().build();
            vaults.addKeyPair(acme, alice);
            vaults.addCertificate(acme, escrow);
            EncryptSmime mailet = init(new EncryptSmime(vaults.repository(), vaults.tenantResolver()),
                "encryptToSender", "true", "escrow", "escrow@acme.example", "cipher", "aes256-gcm", "keyTransport", "rsa-oaep");
            Mail mail = mail(textMail("alice@acme.example", "bob@partner.example", "All three\n"), "alice@acme.example", "bob@partner.example");

            mailet.service(mail);

            for (TestPki.Issued reader : List.of(bobForAcme, alice, escrow)) {
                assertThat(decryptWith(mail.getMessage(), reader).getContent()).isEqualTo("All three\r\n");
            }
            assertThat(SmimeType.of(mail.getMessage())).isEqualTo(SmimeType.AUTH_ENVELOPED);
        }

        @Test
        void aPlainMessageMerelyLabelledEncryptedShouldStillBeEncrypted() throws Exception {
            EncryptSmime mailet = init(new EncryptSmime(vaults.repository(), vaults.tenantResolver()));
            MimeMessage labelled = SmimeFixtures.parse("From: alice@acme.example\r\nTo: bob@partner.example\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nThe plain truth\r\n");
            Mail mail = mail(labelled, "alice@acme.example", "bob@partner.example");

            mailet.service(mail);

            assertThat(new String(bytes(mail.getMessage()), StandardCharsets.US_ASCII)).doesNotContain("The plain truth");
            assertThat(new String(bytes(decryptWith(mail.getMessage(), bobForAcme)), StandardCharsets.US_ASCII)).endsWith("The plain truth\r\n");
        }

        @Test
        void anExpiredOrRevokedCertificateShouldNotBeUsed() throws Exception {
            vaults.repository().certificates().setStatus(acme, bobForAcme.fingerprint(), KeyStatus.REVOKED);
            EncryptSmime mailet = init(new EncryptSmime(vaults.repository(), vaults.tenantResolver()));
            Mail mail = mail(textMail("alice@acme.example", "bob@partner.example", "x\n"), "alice@acme.example", "bob@partner.example");

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo("tresor-quarantine");
        }
    }

    @Nested
    class Decryption {
        @Test
        void mailEncryptedToASupersededCertificateShouldStillDecrypt() throws Exception {
            TestPki.Issued oldKey = CA.issuing("bob@globex.example").rsa().build();
            vaults.addKeyPair(globex, oldKey);
            MimeMessage encryptedToOld = new dev.tresor.smime.SmimeEncryptor(dev.tresor.smime.EncryptionOptions.DEFAULT)
                .encrypt(textMail("alice@acme.example", "bob@globex.example", "Old but gold\n"), List.of(oldKey.certificate()));
            TestPki.Issued newKey = CA.issuing("bob@globex.example").rsa().build();
            vaults.addKeyPair(globex, newKey);
            vaults.repository().certificates().setStatus(globex, oldKey.fingerprint(), KeyStatus.SUPERSEDED);
            DecryptSmime mailet = init(new DecryptSmime(vaults.repository(), vaults.tenantResolver()));
            Mail mail = mail(encryptedToOld, "alice@acme.example", "bob@globex.example");

            mailet.service(mail);

            assertThat(mail.getMessage().getContent()).isEqualTo("Old but gold\r\n");
            assertThat(mail.getMessage().getHeader(DecryptionOutcome.HEADER, null)).isEqualTo("decrypted");
            assertThat(vaults.keyUses(globex)).extracting(AuditEvent::key).containsExactly(java.util.Optional.of(oldKey.fingerprint().asString()));
        }

        @Test
        void recipientsOfTwoTenantsShouldEachBeServedByTheirOwnTenant() throws Exception {
            TestPki.Issued bob = CA.issuing("bob@globex.example").rsa().build();
            TestPki.Issued alice = CA.issuing("alice@acme.example").rsa().build();
            vaults.addKeyPair(globex, bob);
            vaults.addKeyPair(acme, alice);
            MimeMessage encrypted = new dev.tresor.smime.SmimeEncryptor(dev.tresor.smime.EncryptionOptions.DEFAULT)
                .encrypt(textMail("x@outside.example", "bob@globex.example", "For both\n"), List.of(bob.certificate(), alice.certificate()));
            DecryptSmime mailet = init(new DecryptSmime(vaults.repository(), vaults.tenantResolver()));
            Mail mail = mail(encrypted, "x@outside.example", "bob@globex.example", "alice@acme.example");

            mailet.service(mail);

            assertThat(mail.getRecipients()).containsExactly(new MailAddress("bob@globex.example"));
            assertThat(mail.getMessage().getContent()).isEqualTo("For both\r\n");
            assertThat(context.getSentMails()).hasSize(1);
            FakeMailContext.SentMail copy = context.getSentMails().get(0);
            assertThat(copy.getRecipients()).containsExactly(new MailAddress("alice@acme.example"));
            assertThat(copy.getState()).isEqualTo("relay");
            assertThat(SmimeType.of(copy.getMsg())).isEqualTo(SmimeType.ENVELOPED);
            assertThat(audit(acme)).isEmpty();
            assertThat(audit(globex)).containsExactly(AuditEvent.Operation.DECRYPT);
        }

        @Test
        void garbageOrPlainTextAsPkcs7MimeShouldStillGetAFailedVerdict() throws Exception {
            vaults.addKeyPair(globex, CA.issuing("bob@globex.example").rsa().build());
            DecryptSmime mailet = init(new DecryptSmime(vaults.repository(), vaults.tenantResolver()));
            java.util.Map<String, String> bodies = java.util.Map.of(
                "garbage", "Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\nR2FyYmFnZSwgbm90IENNUyBhdCBhbGwuIEdhcmJhZ2Uh\r\n",
                "plain text", "Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n\r\nJust plain text.\r\n",
                "no smime-type", "Content-Type: application/x-pkcs7-mime\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!\r\n");
            for (java.util.Map.Entry<String, String> body : bodies.entrySet()) {
                Mail mail = mail(SmimeFixtures.parse("From: x@outside.example\r\nTo: bob@globex.example\r\nSubject: "
                    + body.getKey() + "\r\nMIME-Version: 1.0\r\n" + body.getValue()), "x@outside.example", "bob@globex.example");

                mailet.service(mail);

                assertThat(mail.getMessage().getHeader(DecryptionOutcome.HEADER, null)).as(body.getKey())
                    .startsWith("failed; reason=\"application/pkcs7-mime without a readable CMS");
                assertThat(mail.getAttribute(DecryptionOutcome.SMIME)).as(body.getKey())
                    .hasValueSatisfying(attribute -> assertThat(attribute.getValue().value().toString()).startsWith("not decrypted: "));
                assertThat(mail.getState()).isEqualTo("relay");
            }
        }

        @Test
        void mailWithoutKeyShouldBeDeliveredEncryptedWithTheReason() throws Exception {
            TestPki.Issued stranger = CA.issuing("bob@globex.example").rsa().build();
            MimeMessage encrypted = new dev.tresor.smime.SmimeEncryptor(dev.tresor.smime.EncryptionOptions.DEFAULT)
                .encrypt(textMail("x@outside.example", "bob@globex.example", "Unknown key\n"), List.of(stranger.certificate()));
            DecryptSmime mailet = init(new DecryptSmime(vaults.repository(), vaults.tenantResolver()));
            Mail mail = mail(encrypted, "x@outside.example", "bob@globex.example");

            mailet.service(mail);

            assertThat(mail.getState()).isEqualTo("relay");
            assertThat(SmimeType.of(mail.getMessage())).isEqualTo(SmimeType.ENVELOPED);
            assertThat(mail.getMessage().getHeader(DecryptionOutcome.HEADER, null)).startsWith("failed; reason=\"No private key");
        }
    }

    @Test
    void signThenEncryptThenDecryptShouldGiveAMessageThatOpensslVerifies() throws Exception {
        TestPki.Issued alice = CA.issuing("alice@acme.example").rsa().build();
        TestPki.Issued bob = CA.issuing("bob@globex.example").rsa().build();
        vaults.addKeyPair(acme, alice);
        vaults.addCertificate(acme, bob);
        vaults.addKeyPair(globex, bob);
        Mail mail = authenticated(mail(textMail("alice@acme.example", "bob@globex.example", "Signed and sealed\n"),
            "alice@acme.example", "bob@globex.example"), "alice");

        init(new SignSmime(vaults.repository(), vaults.tenantResolver())).service(mail);
        init(new EncryptSmime(vaults.repository(), vaults.tenantResolver())).service(mail);
        MimeMessage onTheWire = SmimeFixtures.parse(bytes(mail.getMessage()));
        assertThat(new String(bytes(onTheWire), StandardCharsets.US_ASCII)).doesNotContain("Signed and sealed");
        Mail received = mail(onTheWire, "alice@acme.example", "bob@globex.example");
        init(new DecryptSmime(vaults.repository(), vaults.tenantResolver())).service(received);

        assertThat(SmimeType.of(received.getMessage())).isEqualTo(SmimeType.SIGNED_DETACHED);
        assertThat(opensslVerify(received.getMessage())).endsWith("Signed and sealed\r\n");
        assertThat(received.getMessage().getMessageID()).isEqualTo("<t1@tresor.test>");
    }

    private static MimeMessage decryptWith(MimeMessage message, TestPki.Issued key) throws Exception {
        return new SmimeDecryptor().decrypt(message, SmimeFixtures.keyLookup(key)).message();
    }

    private static String pem(java.security.cert.X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
            + "\n-----END CERTIFICATE-----\n";
    }
}
