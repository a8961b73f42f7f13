package dev.tresor.mailets;

import static dev.tresor.smime.SmimeFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;

import javax.mail.BodyPart;
import javax.mail.MessagingException;
import javax.mail.internet.ContentType;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.DecryptionOutcome;
import dev.tresor.attributes.PgpSignature;
import dev.tresor.attributes.SmimeSignature;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.ExternalTool;
import dev.tresor.pgp.PgpFixtures;
import dev.tresor.smime.SmimeFixtures;

/**
 * Protected headers as current clients write them, encrypted by openssl and gpg, opened by DecryptSmime and
 * DecryptPgp; signed ones verified by VerifyPgp. Two forms: the draft's {@code protected-headers="v1"} with a
 * {@code text/rfc822-headers} legacy display part (Thunderbird, K-9 Mail, Enigmail), and RFC 9788's {@code hp="cipher"}
 * with {@code HP-Outer} fields and legacy display elements in the text and HTML bodies.
 */
class ProtectedHeadersTest {
    private static final TestPki CA = TestPki.ca("Protected headers test CA");
    private static final PgpFixtures KEYS = PgpFixtures.get();
    private static final String ALICE = "alice@acme.example";
    private static final byte[] ATTACHMENT = SmimeFixtures.randomBytes(20_000, 9788);
    private static final String DATE = "Fri, 21 Jan 2022 20:40:48 -0500";

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
    }

    // ---- decryption --------------------------------------------------------------------------------------------

    @Test
    void smimeWithDraftProtectedHeadersShouldShowTheRealSubjectWithoutTheLegacyDisplayPart() throws Exception {
        Mail mail = mail(encryptedByOpenssl(outer("..."), draftPayload()));

        init(new DecryptSmime(vaults.repository(), vaults.tenantResolver())).service(mail);

        assertDraftFormRestored(mail.getMessage());
    }

    @Test
    void pgpWithDraftProtectedHeadersShouldShowTheRealSubjectWithoutTheLegacyDisplayPart() throws Exception {
        Mail mail = mail(encryptedByGpg(outer("..."), draftPayload()));

        init(new DecryptPgp(vaults.repository(), vaults.tenantResolver())).service(mail);

        assertDraftFormRestored(mail.getMessage());
    }

    @Test
    void smimeWithRfc9788HeaderProtectionShouldRestoreTheHeadersAndRemoveTheLegacyDisplayElements() throws Exception {
        Mail mail = mail(encryptedByOpenssl(outer("[...]") + "Cc: mallory@evil.example\r\nReply-To: mallory@evil.example\r\n",
            rfc9788Payload()));

        init(new DecryptSmime(vaults.repository(), vaults.tenantResolver())).service(mail);

        assertRfc9788FormRestored(mail.getMessage());
    }

    @Test
    void pgpWithRfc9788HeaderProtectionShouldRestoreTheHeadersAndRemoveTheLegacyDisplayElements() throws Exception {
        Mail mail = mail(encryptedByGpg(outer("[...]") + "Cc: mallory@evil.example\r\nReply-To: mallory@evil.example\r\n",
            rfc9788Payload()));

        init(new DecryptPgp(vaults.repository(), vaults.tenantResolver())).service(mail);

        assertRfc9788FormRestored(mail.getMessage());
    }

    @Test
    void headersInsideAnEncryptedPartThatDeclaresNoProtectionShouldNeverReachTheOuterHeader() throws Exception {
        String payload = "Content-Type: text/plain; charset=us-ascii\r\nSubject: Inner subject\r\n"
            + "X-Tresor-Signature: valid; signer=ceo@acme.example\r\n\r\nPlain content.\r\n";
        Mail smime = mail(encryptedByOpenssl(outer("Outer subject"), payload));
        Mail pgp = mail(encryptedByGpg(outer("Outer subject"), payload));

        init(new DecryptSmime(vaults.repository(), vaults.tenantResolver())).service(smime);
        init(new DecryptPgp(vaults.repository(), vaults.tenantResolver())).service(pgp);

        for (Mail mail : new Mail[] {smime, pgp}) {
            MimeMessage message = mail.getMessage();
            assertThat(message.getHeader("Subject")).containsExactly("Outer subject");
            assertThat(message.getHeader("X-Tresor-Signature")).isNull();
            assertThat(message.getHeader("MIME-Version")).hasSize(1);
            assertThat(message.getContent()).isEqualTo("Plain content.\r\n");
            assertThat(message.getHeader(DecryptionOutcome.HEADER, null)).startsWith("decrypted");
        }
    }

    private void assertDraftFormRestored(MimeMessage message) throws Exception {
        assertThat(message.getHeader(DecryptionOutcome.HEADER, null)).startsWith("decrypted");
        assertThat(message.getHeader("Subject")).containsExactly("Quarterly figures");
        assertThat(message.getHeader("From")).containsExactly("Bob <bob@partner.example>");
        assertThat(message.getHeader("To")).containsExactly("Alice <alice@acme.example>");
        assertThat(message.getHeader("Date")).containsExactly(DATE);
        assertThat(message.getHeader("X-Tresor-Protection")).containsExactly("set by the chain");
        assertThat(message.getHeader("X-Tresor-Signature")).as("a verdict inside is never ours").isNull();
        assertThat(message.getHeader("MIME-Version")).hasSize(1);
        assertThat(new ContentType(message.getContentType()).getParameter("protected-headers")).isNull();
        String raw = new String(bytes(message), StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("text/rfc822-headers").doesNotContain("Subject: ...");

        MimeMessage reread = SmimeFixtures.parse(bytes(message));
        assertThat(reread.isMimeType("multipart/mixed")).isTrue();
        MimeMultipart body = (MimeMultipart) reread.getContent();
        assertThat(body.getCount()).isEqualTo(2);
        assertThat(body.getBodyPart(0).getContent()).isEqualTo("The figures are attached.");
        assertAttachment(body.getBodyPart(1));
    }

    private void assertRfc9788FormRestored(MimeMessage message) throws Exception {
        assertThat(message.getHeader(DecryptionOutcome.HEADER, null)).startsWith("decrypted");
        assertThat(message.getHeader("Subject")).containsExactly("Dinner plans");
        assertThat(message.getHeader("From")).containsExactly("Bob <bob@partner.example>");
        assertThat(message.getHeader("To")).containsExactly("Alice <alice@acme.example>");
        assertThat(message.getHeader("Cc")).as("the outer Cc was added on the way").containsExactly("Carol <carol@partner.example>");
        assertThat(message.getHeader("Reply-To")).as("not in the payload, so added on the way").isNull();
        assertThat(message.getHeader("Date")).containsExactly(DATE);
        assertThat(message.getHeader("Message-ID")).containsExactly("<hp@partner.example>");
        assertThat(message.getHeader("HP-Outer")).isNull();
        assertThat(message.getHeader("X-Tresor-Protection")).containsExactly("set by the chain");
        assertThat(message.getHeader("X-Tresor-Signature")).isNull();
        assertThat(new ContentType(message.getContentType()).getParameter("hp")).isNull();

        MimeMessage reread = SmimeFixtures.parse(bytes(message));
        MimeMultipart mixed = (MimeMultipart) reread.getContent();
        assertThat(mixed.getCount()).isEqualTo(2);
        MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
        BodyPart text = alternative.getBodyPart(0);
        BodyPart html = alternative.getBodyPart(1);
        assertThat(text.getContent()).isEqualTo("Let's meet at Rama's, gr\u00fc\u00dfe.\r\n");
        assertThat(new ContentType(text.getContentType()).getParameter("hp-legacy-display")).isNull();
        assertThat(new ContentType(text.getContentType()).getParameter("format")).isEqualTo("flowed");
        assertThat((String) html.getContent()).doesNotContain("header-protection-legacy-display").doesNotContain("Dinner plans")
            .contains("<p>Let's meet at Rama's, gr\u00fc\u00dfe.</p>");
        assertAttachment(mixed.getBodyPart(1));
    }

    private static void assertAttachment(BodyPart part) throws Exception {
        assertThat(part.getFileName()).isEqualTo("figures.bin");
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        try (InputStream in = part.getInputStream()) {
            in.transferTo(content);
        }
        assertThat(content.toByteArray()).isEqualTo(ATTACHMENT);
    }

    // ---- signed only (hp="clear") --------------------------------------------------------------------------------

    @Test
    void aValidPgpSignatureOverProtectedHeadersShouldReplaceTheUnsignedOuterOnes() throws Exception {
        vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bobRsa.publicKey, Origin.IMPORTED);
        Mail mail = mail(signedByGpg("Subject: Changed on the way\r\n"));

        init(new VerifyPgp(vaults.repository(), vaults.tenantResolver())).service(mail);

        assertThat(mail.getMessage().getHeader(PgpSignature.HEADER, null)).startsWith("valid");
        assertThat(mail.getMessage().getHeader("Subject")).containsExactly("Signed subject");
        assertThat(mail.getMessage().getHeader("Cc")).as("not signed, added on the way").isNull();
    }

    @Test
    void protectedHeadersWhoseSignatureCannotBeCheckedShouldNeverReplaceTheOuterOnes() throws Exception {
        Mail mail = mail(signedByGpg("Subject: Changed on the way\r\n"));

        init(new VerifyPgp(vaults.repository(), vaults.tenantResolver())).service(mail);

        assertThat(mail.getMessage().getHeader(PgpSignature.HEADER, null)).startsWith("unknown-key");
        assertThat(mail.getMessage().getHeader("Subject")).containsExactly("Changed on the way");
        assertThat(mail.getMessage().getHeader("Cc")).containsExactly("mallory@evil.example");
    }

    @Test
    void aSignedFromTheSignerDoesNotOwnShouldBeShownAndCheckedNotHiddenBehindTheOuterOne() throws Exception {
        vaults.repository().pgpKeys().addPublicKey(acme, KEYS.bobRsa.publicKey, Origin.IMPORTED);
        Mail mail = mail(signedByGpg("Subject: Changed on the way\r\n", "From: The CEO <ceo@acme.example>"));

        init(new VerifyPgp(vaults.repository(), vaults.tenantResolver())).service(mail);

        assertThat(mail.getMessage().getHeader("From")).containsExactly("The CEO <ceo@acme.example>");
        assertThat(mail.getMessage().getHeader(PgpSignature.HEADER, null)).startsWith("invalid");
    }

    @Test
    void aValidSmimeSignatureOverProtectedHeadersShouldReplaceTheUnsignedOuterOnes() throws Exception {
        TestPki.Issued bob = CA.issuing("bob@partner.example").rsa().build();
        vaults.addTrustAnchor(acme, CA);
        SmimeFixtures.writePem(directory.resolve("bob.pem"), bob.certificate());
        SmimeFixtures.writeKey(directory.resolve("bob.key"), bob.privateKey());
        Files.write(directory.resolve("signed-payload.eml"), clearPayload("From: Bob <bob@partner.example>").getBytes(StandardCharsets.US_ASCII));
        ExternalTool.run(directory, "openssl", "cms", "-sign", "-signer", "bob.pem", "-inkey", "bob.key", "-in", "signed-payload.eml",
            "-out", "signed.eml");
        Mail mail = mail(SmimeFixtures.parse(("From: Bob <bob@partner.example>\r\nTo: Alice <alice@acme.example>\r\n"
            + "Subject: Changed on the way\r\nCc: mallory@evil.example\r\nDate: " + DATE + "\r\n"
            + new String(Files.readAllBytes(directory.resolve("signed.eml")), StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII)));

        init(new VerifySmime(vaults.repository(), vaults.tenantResolver())).service(mail);

        assertThat(mail.getMessage().getHeader(SmimeSignature.HEADER, null)).startsWith("valid");
        assertThat(mail.getMessage().getHeader("Subject")).containsExactly("Signed subject");
        assertThat(mail.getMessage().getHeader("Cc")).isNull();
    }

    private static String clearPayload(String from) {
        return "Content-Type: text/plain; charset=us-ascii; hp=\"clear\"\r\n"
            + from + "\r\nTo: Alice <alice@acme.example>\r\nSubject: Signed subject\r\n"
            + "Date: " + DATE + "\r\nMessage-ID: <signed@partner.example>\r\n\r\nSigned text.\r\n";
    }

    private MimeMessage signedByGpg(String outerSubject) throws Exception {
        return signedByGpg(outerSubject, "From: Bob <bob@partner.example>");
    }

    private MimeMessage signedByGpg(String outerSubject, String signedFrom) throws Exception {
        String payload = clearPayload(signedFrom);
        byte[] signature;
        try (PgpFixtures.Gpg gpg = PgpFixtures.gpg(directory, KEYS.bobRsa)) {
            signature = gpg.detachSign(payload.getBytes(StandardCharsets.US_ASCII), KEYS.bobRsa.fingerprint);
        }
        return SmimeFixtures.parse(("From: Bob <bob@partner.example>\r\nTo: Alice <alice@acme.example>\r\n" + outerSubject
            + "Cc: mallory@evil.example\r\nDate: " + DATE + "\r\nMessage-ID: <signed@partner.example>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"sig\"\r\n\r\n"
            + "--sig\r\n" + payload + "\r\n--sig\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n"
            + new String(signature, StandardCharsets.US_ASCII) + "\r\n--sig--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    // ---- the mails, as a client writes them --------------------------------------------------------------------

    /** The outer header a client sends: the real one, but with the Subject obscured, and a header of our chain. */
    private static String outer(String obscuredSubject) {
        return "From: Bob <bob@partner.example>\r\nTo: Alice <alice@acme.example>\r\nSubject: " + obscuredSubject + "\r\n"
            + "Date: " + DATE + "\r\nMessage-ID: <hp@partner.example>\r\nX-Tresor-Protection: set by the chain\r\n";
    }

    /** The draft's form: protected-headers="v1", a text/rfc822-headers legacy display part, then the original body. */
    private static String draftPayload() {
        return "Content-Type: multipart/mixed; boundary=\"v1-wrapper\";\r\n protected-headers=\"v1\"\r\n"
            + "From: Bob <bob@partner.example>\r\nTo: Alice <alice@acme.example>\r\nDate: " + DATE + "\r\n"
            + "Message-ID: <hp@partner.example>\r\nSubject: Quarterly figures\r\n"
            + "X-Tresor-Signature: valid; signer=ceo@acme.example\r\n\r\n"
            + "--v1-wrapper\r\nContent-Type: text/rfc822-headers; protected-headers=\"v1\"\r\nContent-Disposition: inline\r\n\r\n"
            + "Subject: Quarterly figures\r\n\r\n"
            + "--v1-wrapper\r\nContent-Type: multipart/mixed; boundary=\"v1-body\"\r\n\r\n"
            + "--v1-body\r\nContent-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
            + "The figures are attached.\r\n"
            + "--v1-body\r\n" + attachmentPart() + "--v1-body--\r\n\r\n--v1-wrapper--\r\n";
    }

    /** RFC 9788: hp="cipher", HP-Outer fields, a legacy display element at the start of the text and HTML bodies. */
    private static String rfc9788Payload() {
        String text = "Subject: Dinner plans\r\nCc: Carol <carol@partner.example>\r\n\r\nLet's meet at Rama's, gr\u00fc\u00dfe.\r\n";
        String html = "<html><head></head><body><div class=\"header-protection-legacy-display\"><pre>Subject: Dinner plans\n"
            + "Cc: Carol &lt;carol@partner.example&gt;</pre></div><p>Let's meet at Rama's, gr\u00fc\u00dfe.</p></body></html>\r\n";
        return "Content-Type: multipart/mixed; boundary=\"hp-mixed\"; hp=\"cipher\"\r\n"
            + "Date: " + DATE + "\r\nFrom: Bob <bob@partner.example>\r\nTo: Alice <alice@acme.example>\r\n"
            + "Cc: Carol <carol@partner.example>\r\nSubject: Dinner plans\r\nMessage-ID: <hp@partner.example>\r\n"
            + "X-Tresor-Signature: valid; signer=ceo@acme.example\r\n"
            + "HP-Outer: Date: " + DATE + "\r\nHP-Outer: From: Bob <bob@partner.example>\r\n"
            + "HP-Outer: To: Alice <alice@acme.example>\r\nHP-Outer: Subject: [...]\r\nHP-Outer: Message-ID: <hp@partner.example>\r\n\r\n"
            + "--hp-mixed\r\nContent-Type: multipart/alternative; boundary=\"hp-alternative\"\r\n\r\n"
            + "--hp-alternative\r\nContent-Type: text/plain; charset=\"utf-8\"; format=flowed; hp-legacy-display=\"1\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + base64(text.getBytes(StandardCharsets.UTF_8))
            + "--hp-alternative\r\nContent-Type: text/html; charset=\"utf-8\"; hp-legacy-display=\"1\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n\r\n" + base64(html.getBytes(StandardCharsets.UTF_8))
            + "--hp-alternative--\r\n\r\n--hp-mixed\r\n" + attachmentPart() + "--hp-mixed--\r\n";
    }

    private static String attachmentPart() {
        return "Content-Type: application/octet-stream; name=\"figures.bin\"\r\n"
            + "Content-Disposition: attachment; filename=\"figures.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64(ATTACHMENT);
    }

    private static String base64(byte[] bytes) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(bytes) + "\r\n";
    }

    /** {@code openssl cms -encrypt}, the payload as it is ({@code -binary}), the outer header in front. */
    private MimeMessage encryptedByOpenssl(String outerHeader, String payload) throws Exception {
        TestPki.Issued alice = CA.issuing(ALICE).rsa().build();
        vaults.addKeyPair(acme, alice);
        SmimeFixtures.writePem(directory.resolve("alice.pem"), alice.certificate());
        Files.write(directory.resolve("payload.eml"), payload.getBytes(StandardCharsets.UTF_8));
        ExternalTool.run(directory, "openssl", "cms", "-encrypt", "-binary", "-aes256", "-in", "payload.eml",
            "-out", "encrypted.eml", "-recip", "alice.pem");
        byte[] envelope = Files.readAllBytes(directory.resolve("encrypted.eml"));
        return SmimeFixtures.parse((outerHeader + new String(envelope, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** {@code gpg --encrypt} to Alice, sent as PGP/MIME (RFC 3156) with the outer header in front. */
    private MimeMessage encryptedByGpg(String outerHeader, String payload) throws Exception {
        vaults.repository().pgpKeys().addSecretKey(acme, KEYS.aliceRsa.secretKey, PgpFixtures.PASSPHRASE);
        byte[] armored;
        try (PgpFixtures.Gpg gpg = PgpFixtures.gpgWithPublicKeys(directory, KEYS.aliceRsa)) {
            armored = gpg.encrypt(payload.getBytes(StandardCharsets.UTF_8), null, KEYS.aliceRsa.fingerprint);
        }
        return SmimeFixtures.parse((outerHeader + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"enc\"\r\n\r\n"
            + "--enc\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n"
            + "--enc\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n"
            + new String(armored, StandardCharsets.US_ASCII) + "\r\n--enc--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private Mail mail(MimeMessage message) throws MessagingException {
        return FakeMail.builder().name("mail-" + System.nanoTime()).mimeMessage(message).sender("bob@partner.example")
            .recipients(ALICE).state("transport").build();
    }

    private <M extends GenericMailet> M init(M mailet) throws MessagingException {
        mailet.init(FakeMailetConfig.builder().mailetName(mailet.getClass().getSimpleName())
            .mailetContext(LocalDomains.context(context, "acme.example")).build());
        return mailet;
    }
}
