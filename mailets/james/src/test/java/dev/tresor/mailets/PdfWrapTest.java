package dev.tresor.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.PdfPassword;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;
import dev.tresor.pdf.PdfFixtures;
import dev.tresor.pdf.PdfTools;
import dev.tresor.pdf.SmsGateway;
import dev.tresor.smime.SmimeFixtures;

class PdfWrapTest {
    private static final Pattern NOTIFIED_PASSWORD = Pattern.compile("^    (\\S{8,})$", Pattern.MULTILINE);

    /** Records what the SMS hook was given; a test double for a hook with no real peer here. */
    public static final class RecordingSmsGateway implements SmsGateway {
        static final List<String> SENT = new ArrayList<>();

        @Override
        public void sendPassword(TenantId tenant, EmailAddress sender, EmailAddress recipient, char[] password) {
            SENT.add(recipient.asString() + ":" + new String(password));
        }
    }

    @TempDir
    Path directory;

    private TestVaults vaults;
    private FakeMailContext context;
    private TenantId acme;

    @BeforeEach
    void setUp() throws Exception {
        vaults = TestVaults.create(directory, Clock.systemUTC());
        context = FakeMailContext.builder().postmaster(new MailAddress("postmaster@acme.example")).build();
        acme = vaults.tenant("acme", "acme.example");
        RecordingSmsGateway.SENT.clear();
    }

    private PdfWrap mailet(String... parameters) throws MessagingException {
        PdfWrap mailet = new PdfWrap(vaults.repository(), vaults.tenantResolver());
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("PdfWrap").mailetContext(context);
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static Mail mail(MimeMessage message, String... recipients) throws MessagingException {
        return FakeMail.builder().name("mail-" + System.nanoTime()).mimeMessage(message).sender("alice@acme.example")
            .recipients(recipients).state("relay").build();
    }

    private static MimeMessage businessMail() throws MessagingException {
        return PdfFixtures.businessMail(SmimeFixtures.randomBytes(2000, 1), SmimeFixtures.randomBytes(3000, 2));
    }

    private static String raw(MimeMessage message) throws Exception {
        return new String(SmimeFixtures.bytes(message), StandardCharsets.ISO_8859_1);
    }

    /** The wrapped mail's parts: exactly an explanation and the PDF, nothing else. */
    private Path pdfOf(Mail mail) throws Exception {
        MimeMultipart parts = (MimeMultipart) mail.getMessage().getContent();
        assertThat(parts.getCount()).isEqualTo(2);
        assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
        assertThat(parts.getBodyPart(1).isMimeType("application/pdf")).isTrue();
        ByteArrayOutputStream pdf = new ByteArrayOutputStream();
        try (InputStream in = parts.getBodyPart(1).getInputStream()) {
            in.transferTo(pdf);
        }
        Path file = Files.createTempFile(directory, "wrapped", ".pdf");
        Files.write(file, pdf.toByteArray());
        return file;
    }

    private static String explanation(Mail mail) throws Exception {
        return (String) ((MimeMultipart) mail.getMessage().getContent()).getBodyPart(0).getContent();
    }

    private List<AuditEvent> audit() {
        return vaults.keyUses(acme);
    }

    @Test
    void aPreSharedPasswordShouldLockThePdfAndNobodyIsNotified() throws Exception {
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("bob@partner.example"), "agreed-on-the-phone".toCharArray());
        Mail mail = mail(businessMail(), "bob@partner.example");

        mailet().service(mail);

        assertThat(mail.getState()).isEqualTo("relay");
        Path pdf = pdfOf(mail);
        assertThat(PdfTools.succeed(directory, "qpdf", "--show-encryption", "--password=agreed-on-the-phone", pdf.toString())).contains("R = 6");
        assertThat(PdfTools.succeed(directory, "pdftotext", "-upw", "agreed-on-the-phone", pdf.toString(), "-"))
            .contains(PdfFixtures.GERMAN).contains(PdfFixtures.JAPANESE);
        assertThat(context.getSentMails()).isEmpty();
        assertThat(mail.getMessage().getSubject()).isEqualTo("Angebot für München");
        assertThat(mail.getMessage().getMessageID()).isEqualTo("<offer-1@acme.example>");
        assertThat(mail.getMessage().getHeader("X-Tresor-Protection", null)).isEqualTo("pdf");
        assertThat(explanation(mail)).contains("alice@acme.example has sent you a confidential message").contains("message.pdf");
        assertThat(mail.getAttribute(PdfPassword.NAME).map(Attribute::getValue)).contains(AttributeValue.of("pre-shared"));
        assertThat(audit()).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(AuditEvent.Operation.ENCRYPT);
            assertThat(event.counterpart()).contains(EmailAddress.of("bob@partner.example"));
            assertThat(event.messageId()).contains("<offer-1@acme.example>");
            assertThat(event.detail()).contains("pdf aes-256, pre-shared password");
        });
    }

    @Test
    void nothingOfTheOriginalShouldBeLeftOutsideThePdf() throws Exception {
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("bob@partner.example"), "agreed-on-the-phone".toCharArray());
        MimeMessage original = businessMail();
        String originalRaw = raw(original);
        Mail mail = mail(original, "bob@partner.example");

        mailet().service(mail);

        String wrapped = raw(mail.getMessage());
        assertThat(wrapped).doesNotContain("Dear partner").doesNotContain("data.bin").doesNotContain("Forwarded draft")
            .doesNotContain("agreed-on-the-phone");
        String attachmentBase64 = originalRaw.substring(originalRaw.indexOf("filename=\"data.bin\""));
        attachmentBase64 = attachmentBase64.split("\r\n\r\n")[1].substring(0, 60);
        assertThat(wrapped).doesNotContain(attachmentBase64);
    }

    @Test
    void aGeneratedPasswordShouldReachTheSenderAndNeverTheRecipient() throws Exception {
        Mail mail = mail(businessMail(), "bob@partner.example");

        mailet("smsGateway", RecordingSmsGateway.class.getName()).service(mail);

        assertThat(mail.getState()).as(mail.getAttribute(FailureReason.NAME).toString()).isEqualTo("relay");
        assertThat(context.getSentMails()).hasSize(1);
        FakeMailContext.SentMail notification = context.getSentMails().get(0);
        assertThat(notification.getRecipients()).containsExactly(new MailAddress("alice@acme.example"));
        assertThat(notification.getSender()).isEqualTo(new MailAddress("postmaster@acme.example"));
        assertThat(notification.getMsg().getSubject()).isEqualTo("Password for your protected message to bob@partner.example");
        String body = (String) notification.getMsg().getContent();
        Matcher found = NOTIFIED_PASSWORD.matcher(body.replace("\r\n", "\n"));
        assertThat(found.find()).as(body).isTrue();
        String password = found.group(1);
        assertThat(password).hasSize(16);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("bob@partner.example"));
        assertThat(raw(mail.getMessage())).doesNotContain(password);
        Path pdf = pdfOf(mail);
        assertThat(PdfTools.run(directory, "pdftotext", pdf.toString(), "-").exitCode).isNotZero();
        assertThat(PdfTools.succeed(directory, "pdftotext", "-upw", password, pdf.toString(), "-")).contains("Dear partner");
        assertThat(RecordingSmsGateway.SENT).containsExactly("bob@partner.example:" + password);
        assertThat(audit()).singleElement().satisfies(event ->
            assertThat(event.detail()).contains("pdf aes-256, generated password sent to alice@acme.example"));
        assertThat(mail.getAttribute(PdfPassword.NAME).map(Attribute::getValue)).contains(AttributeValue.of("generated"));
    }

    @Test
    void eachRecipientShouldGetAPdfOfItsOwn() throws Exception {
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("bob@partner.example"), "bobs-password".toCharArray());
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("carol@partner.example"), "carols-password".toCharArray());
        PdfWrap mailet = mailet();
        Mail mail = mail(businessMail(), "bob@partner.example", "carol@partner.example");

        mailet.service(mail);

        assertThat(mail.getRecipients()).containsExactly(new MailAddress("bob@partner.example"));
        assertThat(PdfTools.run(directory, "qpdf", "--check", "--password=bobs-password", pdfOf(mail).toString()).exitCode).isZero();
        assertThat(context.getSentMails()).singleElement().satisfies(copy -> {
            assertThat(copy.getRecipients()).containsExactly(new MailAddress("carol@partner.example"));
            assertThat(copy.getState()).isEqualTo("relay");
        });
        Mail copy = mail(context.getSentMails().get(0).getMsg(), "carol@partner.example");
        assertThat(copy.getMessage().getHeader("X-Tresor-Protection")).as("the copy is wrapped when it comes back").isNull();
        mailet.service(copy);
        Path carols = pdfOf(copy);
        assertThat(PdfTools.run(directory, "qpdf", "--check", "--password=carols-password", carols.toString()).exitCode).isZero();
        assertThat(PdfTools.run(directory, "qpdf", "--check", "--password=bobs-password", carols.toString()).exitCode).isNotZero();
    }

    @Test
    void germanTemplatesAndATenantsOwnShouldBeUsed() throws Exception {
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("bob@partner.example"), "pw-for-bob-123".toCharArray());
        Path templates = Files.createDirectories(directory.resolve("templates/acme"));
        Files.writeString(templates.resolve("recipient_en.txt"), "Subject: Secure: ${subject}\n\nACME secure mail from ${sender}.\n");
        Mail german = mail(businessMail(), "bob@partner.example");
        Mail acmes = mail(businessMail(), "bob@partner.example");

        mailet("language", "de").service(german);
        mailet("templateDirectory", directory.resolve("templates").toString()).service(acmes);

        assertThat(explanation(german)).contains("hat Ihnen eine vertrauliche Nachricht gesendet").contains("Büroklammer");
        assertThat(explanation(acmes)).isEqualToIgnoringNewLines("ACME secure mail from alice@acme.example.");
        assertThat(acmes.getMessage().getSubject()).isEqualTo("Secure: Angebot für München");
    }

    @Test
    void mailThatCannotBeRenderedShouldGoToQuarantineUnchanged() throws Exception {
        MimeMessage broken = SmimeFixtures.parse("From: alice@acme.example\r\nTo: bob@partner.example\r\nSubject: broken\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"never\"\r\n\r\nsecret text without a boundary\r\n");
        Mail mail = mail(broken, "bob@partner.example");

        mailet().service(mail);

        assertThat(mail.getState()).isEqualTo("tresor-quarantine");
        assertThat(mail.getAttribute(FailureReason.NAME).get().getValue().value().toString())
            .startsWith("Not wrapped as PDF: Malformed MIME");
        assertThat(raw(mail.getMessage())).contains("secret text without a boundary");
        assertThat(context.getSentMails()).as("no password sent for a mail that was not wrapped").isEmpty();
        assertThat(audit()).isEmpty();
    }

    @Test
    void aSenderOfNoTenantShouldGetNoPasswordAndTheMailStays() throws Exception {
        Mail mail = FakeMail.builder().name("stranger").mimeMessage(SmimeFixtures.textMail("zed@elsewhere.example", "bob@partner.example",
            "Confidential\n")).sender("zed@elsewhere.example").recipients("bob@partner.example").state("relay").build();

        mailet().service(mail);

        assertThat(mail.getState()).isEqualTo("tresor-quarantine");
        assertThat(mail.getAttribute(FailureReason.NAME).get().getValue().value().toString())
            .contains("belongs to no tenant");
        assertThat(context.getSentMails()).as("the audit failed first, so no password went out").isEmpty();
    }

    @Test
    void preSharedOnlyShouldRefuseARecipientWithoutOne() throws Exception {
        Mail mail = mail(businessMail(), "bob@partner.example");

        mailet("passwords", "pre-shared", "onFailure", "pdf-quarantine").service(mail);

        assertThat(mail.getState()).isEqualTo("pdf-quarantine");
        assertThat(mail.getAttribute(FailureReason.NAME).get().getValue().value().toString())
            .isEqualTo("Not wrapped as PDF: no pre-shared PDF password for bob@partner.example in tenant acme");
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void encryptedMailShouldPassUnchanged() throws Exception {
        Mail mail = mail(businessMail(), "bob@partner.example");
        AppliedProtections.add(mail, AppliedProtections.SMIME_ENCRYPTED);
        String before = raw(mail.getMessage());

        mailet().service(mail);

        assertThat(raw(mail.getMessage())).isEqualTo(before);
        assertThat(mail.getState()).isEqualTo("relay");
    }

    @Test
    void aMailWithoutASingleFromShouldGoToQuarantine() throws Exception {
        Mail mail = mail(SmimeFixtures.parse("To: bob@partner.example\r\nSubject: who?\r\n\r\nbody\r\n"), "bob@partner.example");

        mailet().service(mail);

        assertThat(mail.getState()).isEqualTo("tresor-quarantine");
    }

    @Test
    void invalidParametersShouldStopStartUpNamingThem() {
        assertThatThrownBy(() -> mailet("cipher", "rc4")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("'cipher'").hasMessageContaining("aes-256");
        assertThatThrownBy(() -> mailet("passwordLength", "6")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("at least 64 are needed");
        assertThatThrownBy(() -> mailet("language", "fr")).isInstanceOf(MessagingException.class).hasMessageContaining("'language'");
        assertThatThrownBy(() -> mailet("fonts", "/nonexistent.ttf")).isInstanceOf(MessagingException.class).hasMessageContaining("'fonts'");
        assertThatThrownBy(() -> mailet("attachmentName", "../evil.exe")).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> mailet("smsGateway", "java.lang.String")).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> mailet("cipherr", "aes-256")).isInstanceOf(MessagingException.class);
    }

    @Test
    void aes128AndPermissionsShouldBeConfigurable() throws Exception {
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("bob@partner.example"), "pw-for-bob-123".toCharArray());
        Mail mail = mail(businessMail(), "bob@partner.example");

        mailet("cipher", "aes-128", "allowPrint", "false").service(mail);

        String encryption = PdfTools.succeed(directory, "qpdf", "--show-encryption", "--password=pw-for-bob-123", pdfOf(mail).toString());
        assertThat(encryption).contains("R = 4").contains("print low resolution: not allowed").contains("extract for any purpose: allowed");
        assertThat(audit().stream().map(event -> event.detail().orElse("")).collect(Collectors.toList()))
            .containsExactly("pdf aes-128, pre-shared password");
    }
}
