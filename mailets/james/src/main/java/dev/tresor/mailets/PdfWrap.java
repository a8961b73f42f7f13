package dev.tresor.mailets;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.attributes.PdfPassword;
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.FailureRouting;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mailets.support.Protections;
import dev.tresor.mailets.support.Senders;
import dev.tresor.mime.ByteSink;
import dev.tresor.mime.Mime;
import dev.tresor.pdf.LoggingSmsGateway;
import dev.tresor.pdf.MailTemplates;
import dev.tresor.pdf.PasswordGenerator;
import dev.tresor.pdf.PdfFonts;
import dev.tresor.pdf.PdfProtection;
import dev.tresor.pdf.PdfWrapException;
import dev.tresor.pdf.PdfWrapper;
import dev.tresor.pdf.ProtectedMail;
import dev.tresor.pdf.SmsGateway;

/**
 * For recipients with neither an S/MIME certificate nor an OpenPGP key: the whole mail becomes one encrypted PDF
 * (header block, body, every attachment embedded under its own name), sent with a short explanation; the recipient
 * needs only a PDF reader. Put it after the S/MIME steps of the relay processor, behind
 * {@code RecipientHasPdfPassword} (pre-shared passwords only) or {@code All} (everyone left, with generated passwords).
 *
 * <p>Each recipient gets a PDF of its own, locked with the password the <b>sender's tenant</b> agreed with that
 * recipient (PdfPasswordVault); without one, a password is generated and mailed to the <b>sender</b> (never to the
 * recipient) to pass on by phone or SMS. A mail to several recipients is split first: this mail keeps the first
 * recipient and a copy per further recipient goes back to the start of the current processor, where it reaches this
 * mailet alone. Mail that is already encrypted (S/MIME or OpenPGP, by the sender's client or by EncryptSmime or
 * EncryptPgp before, or wrapped here) passes unchanged: one protection per recipient.
 *
 * <p>Fail closed: a mail that cannot be wrapped (malformed MIME, no pre-shared password where one is required, a
 * storage error, a notification that cannot be sent) goes whole and unchanged to {@code onFailure}, with the reason in
 * {@code tresor.failure.reason}. It never goes out unprotected.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.RecipientHasPdfPassword" class="dev.tresor.mailets.PdfWrap">
 *     <cipher>aes-256</cipher>
 *     <passwords>pre-shared</passwords>
 *     <language>de</language>
 *     <templateDirectory>/etc/tresor/templates</templateDirectory>
 * </mailet>
 * }</pre>
 *
 * <ul>
 *   <li>{@code cipher}: {@code aes-256} (default; PDF 2.0 security handler, revision 6) or {@code aes-128} (revision 4,
 *       for readers older than Acrobat 9).</li>
 *   <li>{@code allowPrint}, {@code allowCopy}: what the recipient's reader may do once opened; default {@code true}.</li>
 *   <li>{@code passwords}: {@code pre-shared-or-generated} (default) or {@code pre-shared} (no pre-shared password:
 *       fail).</li>
 *   <li>{@code passwordLength} (default 16) and {@code passwordAlphabet} (default without look-alike characters) of
 *       generated passwords; at least 64 bits are required.</li>
 *   <li>{@code language}: {@code en} (default) or {@code de}, or another for which the template directory holds
 *       templates; {@code templateDirectory}: where admins override the texts, per tenant in a sub-directory named
 *       after the tenant (see {@link MailTemplates}).</li>
 *   <li>{@code attachmentName}: the PDF's file name, default {@code message.pdf}.</li>
 *   <li>{@code fonts}: comma-separated TrueType files used after the built-in Liberation Sans; default the CJK fonts
 *       found among Debian's ({@code fonts-wqy-microhei}, {@code fonts-wqy-zenhei}, {@code fonts-droid-fallback}).</li>
 *   <li>{@code smsGateway}: {@code log}, or the class name of an {@link SmsGateway}, to hand generated passwords to
 *       as well; default none.</li>
 *   <li>{@code onFailure}: processor for mail that cannot be wrapped, default {@code tresor-quarantine}.</li>
 * </ul>
 *
 * <p>Writes ({@link dev.tresor.attributes}): the wrapped message (header {@code X-Tresor-Protection: pdf}); attributes {@code tresor.tenant},
 * {@code tresor.protection.applied} (adds {@code pdf}), {@code tresor.pdf.password} ({@code pre-shared} or
 * {@code generated}); an audit event ENCRYPT per recipient with the kind of password in its detail.
 */
public class PdfWrap extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(PdfWrap.class);

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final Clock clock;
    private PdfWrapper wrapper;
    private boolean generate;
    private PasswordGenerator generator;
    private MailTemplates templates;
    private String attachmentName;
    private Optional<SmsGateway> smsGateway;
    private FailureRouting failures;
    private KeyUseAudit audit;
    private String cipherName;

    @Inject
    public PdfWrap(KeyRepository repository, TenantResolver tenants) {
        this(repository, tenants, Clock.systemUTC());
    }

    @VisibleForTesting
    PdfWrap(KeyRepository repository, TenantResolver tenants, Clock clock) {
        this.repository = repository;
        this.tenants = tenants;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("cipher", "allowPrint", "allowCopy", "passwords", "passwordLength", "passwordAlphabet", "language",
            "templateDirectory", "attachmentName", "fonts", "smsGateway", FailureRouting.PARAMETER));
        InitParameters parameters = new InitParameters(this);
        PdfProtection.Cipher cipher = parameters.choice("cipher", "aes-256",
            Map.of("aes-256", PdfProtection.Cipher.AES_256, "aes-128", PdfProtection.Cipher.AES_128));
        cipherName = cipher == PdfProtection.Cipher.AES_256 ? "aes-256" : "aes-128";
        PdfProtection protection = new PdfProtection(cipher, parameters.bool("allowPrint", true), parameters.bool("allowCopy", true));
        wrapper = new PdfWrapper(fonts(parameters), protection);
        generate = parameters.choice("passwords", "pre-shared-or-generated", Map.of("pre-shared-or-generated", true, "pre-shared", false));
        generator = passwordGenerator(parameters);
        templates = templates(parameters);
        attachmentName = parameters.optional("attachmentName").orElse("message.pdf");
        if (!attachmentName.matches("[A-Za-z0-9][A-Za-z0-9._ -]{0,100}\\.pdf")) {
            throw parameters.invalid("attachmentName", attachmentName, "an ASCII file name ending in .pdf");
        }
        smsGateway = smsGateway(parameters);
        failures = FailureRouting.of(this, LOGGER);
        audit = new KeyUseAudit(repository.audit(), clock);
    }

    private static PdfFonts fonts(InitParameters parameters) throws MessagingException {
        List<String> files = parameters.list("fonts");
        try {
            PdfFonts fonts = files.isEmpty() ? PdfFonts.defaults() : PdfFonts.of(files.stream().map(Path::of).collect(Collectors.toList()));
            if (fonts.names().size() < 2) {
                LOGGER.warn("PdfWrap found no CJK font (looked for {}): Chinese, Japanese and Korean text will show as '?'. Install"
                    + " fonts-wqy-microhei or name a TrueType font in the 'fonts' parameter", PdfFonts.CJK_CANDIDATES);
            }
            LOGGER.info("PdfWrap fonts: {}", fonts.names());
            return fonts;
        } catch (IllegalArgumentException e) {
            throw parameters.invalid("fonts", String.join(",", files), "readable TrueType font files: " + e.getMessage());
        }
    }

    private static PasswordGenerator passwordGenerator(InitParameters parameters) throws MessagingException {
        String length = parameters.optional("passwordLength").orElse(Integer.toString(PasswordGenerator.DEFAULT_LENGTH));
        String alphabet = parameters.optional("passwordAlphabet").orElse(PasswordGenerator.DEFAULT_ALPHABET);
        try {
            return new PasswordGenerator(Integer.parseInt(length), alphabet);
        } catch (NumberFormatException e) {
            throw parameters.invalid("passwordLength", length, "a number of characters");
        } catch (IllegalArgumentException e) {
            throw parameters.invalid("passwordLength", length + "' with alphabet '" + alphabet, e.getMessage());
        }
    }

    private static MailTemplates templates(InitParameters parameters) throws MessagingException {
        Optional<Path> directory = parameters.optional("templateDirectory").map(Path::of);
        if (directory.isPresent() && !Files.isDirectory(directory.get())) {
            throw parameters.invalid("templateDirectory", directory.get().toString(), "an existing directory");
        }
        String language = parameters.optional("language").orElse("en");
        try {
            return new MailTemplates(directory, language);
        } catch (IllegalArgumentException e) {
            throw parameters.invalid("language", language, e.getMessage());
        }
    }

    private static Optional<SmsGateway> smsGateway(InitParameters parameters) throws MessagingException {
        Optional<String> name = parameters.optional("smsGateway");
        if (name.isEmpty()) {
            return Optional.empty();
        }
        if (name.get().equals("log")) {
            return Optional.of(new LoggingSmsGateway());
        }
        try {
            Object gateway = Class.forName(name.get(), true, PdfWrap.class.getClassLoader()).getConstructor().newInstance();
            if (!(gateway instanceof SmsGateway)) {
                throw parameters.invalid("smsGateway", name.get(), "a class implementing " + SmsGateway.class.getName());
            }
            return Optional.of((SmsGateway) gateway);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw parameters.invalid("smsGateway", name.get(), "'log' or a public class with a public no-argument constructor ("
                + cause + ")");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = MailMessages.toReadWhole(mail);
        if (isEncrypted(mail, message) || mail.getRecipients().isEmpty()) {
            return;
        }
        Optional<EmailAddress> sender = Senders.from(message);
        if (sender.isEmpty()) {
            failures.route(mail, "Not wrapped as PDF: the From header must name exactly one address");
            return;
        }
        List<MailAddress> recipients = List.copyOf(mail.getRecipients());
        for (MailAddress other : recipients.subList(1, recipients.size())) {
            sendCopyFor(mail, other);
        }
        mail.setRecipients(List.of(recipients.get(0)));
        wrap(mail, message, sender.get(), recipients.get(0));
    }

    private boolean isEncrypted(Mail mail, MimeMessage message) throws MessagingException {
        if (Protections.alreadyEncrypted(mail, message)) {
            LOGGER.debug("Mail {} is already encrypted", mail.getName());
            return true;
        }
        return false;
    }

    /** A recipient's own copy, back to the start of this processor, where it arrives here alone. */
    private void sendCopyFor(Mail mail, MailAddress recipient) throws MessagingException {
        Mail copy = mail.duplicate();
        copy.setRecipients(List.of(recipient));
        getMailetContext().sendMail(copy, mail.getState());
        LOGGER.debug("Mail {}: a PDF of its own for {}, sent as {}", mail.getName(), recipient, copy.getName());
    }

    private void wrap(Mail mail, MimeMessage message, EmailAddress sender, MailAddress recipientAddress) throws MessagingException {
        char[] password = null;
        try {
            EmailAddress recipient = EmailAddress.of(recipientAddress.asString());
            TenantId tenant = tenants.tenantOf(sender);
            Optional<char[]> preShared = repository.pdfPasswords().get(tenant, recipient);
            if (preShared.isEmpty() && !generate) {
                failures.route(mail, tenant, "Not wrapped as PDF: no pre-shared PDF password for " + recipient.asString() + " in tenant "
                    + tenant.asString());
                return;
            }
            password = preShared.orElseGet(generator::generate);
            ByteSink pdf = new ByteSink(Math.max(64 * 1024, message.getSize()));
            PdfWrapper.Result result = wrapper.wrap(message, password, pdf);
            Map<String, String> values = values(message, sender, recipient);
            MimeMessage wrapped = ProtectedMail.compose(message, templates.render(MailTemplates.Kind.RECIPIENT, tenant.asString(), values),
                attachmentName, pdf, AppliedProtections.pdfHeader());
            // audit first: a mail whose password use cannot be recorded is not sent, and then neither is its password
            audit.recordPassword(tenant, AuditEvent.Operation.ENCRYPT, recipient, KeyUseAudit.messageId(message),
                "pdf " + cipherName + ", " + (preShared.isPresent() ? "pre-shared password" : "generated password sent to " + sender.asString()));
            if (preShared.isEmpty()) {
                notifySender(tenant, sender, recipient, values, password);
            }
            MailMessages.replace(mail, wrapped);
            TenantAttribute.set(mail, tenant);
            PdfPassword.set(mail, preShared.isPresent());
            AppliedProtections.add(mail, AppliedProtections.PDF);
            if (result.missingGlyphs() > 0) {
                LOGGER.warn("Mail {}: {} characters had no glyph in the configured fonts and show as '?'", mail.getName(), result.missingGlyphs());
            }
        } catch (PdfWrapException e) {
            // the reason is a sentence of ours; what the library said stays in the log
            LOGGER.info("Mail {} not wrapped as PDF", mail.getName(), e);
            failures.route(mail, "Not wrapped as PDF: " + e.getMessage());
        } catch (UnknownTenantException e) {
            failures.route(mail, "Not wrapped as PDF: the sender's domain belongs to no tenant (" + e.getMessage()
                + "); create the tenant, through which passwords are stored and audited");
        } catch (MessagingException | RuntimeException e) {
            LOGGER.error("Wrapping mail {} as PDF failed", mail.getName(), e);
            failures.route(mail, "Not wrapped as PDF: " + FailureRouting.unexpected(e, mail));
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    private Map<String, String> values(MimeMessage message, EmailAddress sender, EmailAddress recipient) throws MessagingException {
        String subject = Optional.ofNullable(message.getSubject()).orElse("");
        return Map.of("sender", sender.asString(), "senderDomain", sender.domain(), "recipient", recipient.asString(),
            "subject", subject, "attachment", attachmentName);
    }

    /** The generated password goes to the sender only, before the recipient's mail leaves: without it the PDF is useless. */
    private void notifySender(TenantId tenant, EmailAddress sender, EmailAddress recipient, Map<String, String> values, char[] password)
        throws MessagingException {
        Map<String, String> withPassword = new HashMap<>(values);
        withPassword.put("password", new String(password));
        MailTemplates.Text text = templates.render(MailTemplates.Kind.NOTIFICATION, tenant.asString(), withPassword);
        MimeMessage notification = new MimeMessage(Mime.SESSION);
        notification.setFrom(getMailetContext().getPostmaster().asString());
        notification.setRecipients(Message.RecipientType.TO, sender.asString());
        notification.setSubject(text.subject(), "UTF-8");
        notification.setText(text.body(), "UTF-8");
        notification.setHeader("Auto-Submitted", "auto-generated");
        notification.saveChanges();
        getMailetContext().sendMail(getMailetContext().getPostmaster(), List.of(new MailAddress(sender.asString())), notification);
        smsGateway.ifPresent(gateway -> {
            try {
                gateway.sendPassword(tenant, sender, recipient, password);
            } catch (RuntimeException e) {
                LOGGER.warn("SMS gateway failed for {} (the sender has the password by mail): {}", recipient.asString(), e.toString());
            }
        });
    }

    @Override
    public String getMailetInfo() {
        return "Wraps mail for recipients without keys into a password-protected PDF";
    }
}
