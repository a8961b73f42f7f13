package dev.tresor.mailets;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.DecryptionOutcome;
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.FailureRouting;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mailets.support.TresorMetrics;
import dev.tresor.mailets.support.UndecryptedMail;
import dev.tresor.smime.SmimeDecryptor;
import dev.tresor.smime.SmimeException;
import dev.tresor.smime.SmimeType;

/**
 * Decrypts incoming S/MIME mail for local recipients with the keys of the <b>recipient's tenant</b>, current and
 * historical (each RecipientInfo is matched by issuer and serial number or subject key identifier).
 *
 * <p>Only a message encrypted as a whole is decrypted (EFAIL: decrypted content is never merged with plain parts).
 * Recipients of different tenants are never served by one tenant's key: the mail is split, this mail keeps the first
 * tenant's recipients, and a copy per further tenant is sent back to the start of the current processor, where this
 * mailet decrypts it with that tenant's keys.
 *
 * <p>A mail that cannot be decrypted (no key in the tenant, corrupt or tampered envelope, an
 * {@code application/pkcs7-mime} body that is no envelope at all) is delivered as it arrived,
 * still encrypted: the recipient's own client may hold the key, and nothing leaks. The reason is in
 * {@code tresor.smime.decryption} and in the header {@code X-Tresor-Decryption}. With {@code onFailure} set, such mail
 * goes to that processor instead.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.IsSmimeEncrypted" class="dev.tresor.mailets.DecryptSmime"/>
 * }</pre>
 *
 * <ul>
 *   <li>{@code onFailure}: processor for mail that cannot be decrypted; default none (deliver it encrypted).</li>
 * </ul>
 *
 * <p>Protected headers (RFC 9788 {@code hp="cipher"}, or {@code protected-headers="v1"} as Thunderbird writes them):
 * the Subject, From, To, Cc, Date, Reply-To, Message-ID, ... inside the envelope replace the outer placeholders (Subject
 * {@code ...}), and a legacy display (a {@code text/rfc822-headers} part, or the header lines heading the text) is
 * removed, as RFC 9788 asks of a receiving agent ({@link dev.tresor.mime.HeaderProtection}). No other header inside
 * reaches the outer header: an {@code X-Tresor-*} inside never does, trace and verdict headers outside stay.
 *
 * <p>Writes: the decrypted message (outer headers kept but for protected ones, content from the envelope, which may
 * still be signed: put VerifySmime after this mailet); {@code tresor.smime.decryption} = {@code decrypted} or the reason;
 * {@code X-Tresor-Decryption: decrypted (AES-GCM authenticated)} or {@code decrypted} or {@code failed; reason="..."};
 * {@code tresor.tenant}; an audit event DECRYPT per recipient with the key's fingerprint.
 */
public class DecryptSmime extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(DecryptSmime.class);

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final Clock clock;
    private final SmimeDecryptor decryptor = new SmimeDecryptor();
    private UndecryptedMail failed;
    private KeyUseAudit audit;

    @Inject
    public DecryptSmime(KeyRepository repository, TenantResolver tenants) {
        this(repository, tenants, Clock.systemUTC());
    }

    @VisibleForTesting
    DecryptSmime(KeyRepository repository, TenantResolver tenants, Clock clock) {
        this.repository = repository;
        this.tenants = tenants;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(FailureRouting.PARAMETER));
        failed = new UndecryptedMail(DecryptionOutcome.SMIME, FailureRouting.ifConfigured(this, LOGGER));
        audit = new KeyUseAudit(repository.audit(), clock);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        if (!SmimeType.of(message).claimsEncryption() || mail.getRecipients().isEmpty()) {
            return;
        }
        Optional<TenantId> tenant = failed.recipientTenant(mail, getMailetContext(), tenants);
        if (tenant.isPresent()) {
            decrypt(mail, tenant.get());
        }
    }

    private void decrypt(Mail mail, TenantId tenant) throws MessagingException {
        MimeMessage message = mail.getMessage();
        try {
            SmimeDecryptor.Decrypted decrypted = decryptor.decrypt(message,
                recipientId -> repository.privateKeys().decryptionKeys(tenant, recipientId));
            Optional<String> messageId = KeyUseAudit.messageId(message);
            for (MailAddress recipient : mail.getRecipients()) {
                audit.record(tenant, AuditEvent.Operation.DECRYPT, decrypted.key().certificate().fingerprint(),
                    Optional.of(EmailAddress.of(recipient.asString())), messageId);
            }
            MimeMessage result = decrypted.message();
            DecryptionOutcome.writeDecryptedHeader(result, decrypted.authenticated() ? "AES-GCM authenticated" : "");
            MailMessages.replace(mail, result);
            DecryptionOutcome.setDecrypted(mail, DecryptionOutcome.SMIME);
            TresorMetrics.decryption(DecryptionOutcome.SMIME, true);
            TenantAttribute.set(mail, tenant);
        } catch (SmimeException e) {
            // the reason is a sentence of ours; what the library said stays in the log
            LOGGER.info("Mail {} not decrypted", mail.getName(), e);
            failed.handle(mail, e.getMessage() + " (tenant " + tenant.asString() + ")");
        } catch (RuntimeException e) {
            LOGGER.error("Decrypting mail {} failed", mail.getName(), e);
            failed.handle(mail, FailureRouting.unexpected(e, mail));
        }
    }

    @Override
    public String getMailetInfo() {
        return "Decrypts S/MIME mail with the recipient tenant's current and historical keys";
    }
}
