package dev.tresor.mailets;

import java.time.Clock;
import java.util.Map;
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
import dev.tresor.attributes.PgpSignature;
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.FailureRouting;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mailets.support.PgpSignatureRecord;
import dev.tresor.mailets.support.Senders;
import dev.tresor.mailets.support.TresorMetrics;
import dev.tresor.mailets.support.UndecryptedMail;
import dev.tresor.pgp.DecryptionLimits;
import dev.tresor.pgp.PgpDecryptor;
import dev.tresor.pgp.PgpException;
import dev.tresor.pgp.PgpVerdict;
import dev.tresor.pgp.PgpVerifier;
import dev.tresor.pgp.TenantPgpKeys;

/**
 * Decrypts incoming OpenPGP mail (PGP/MIME, or inline PGP as a single text body) for local recipients with the keys of
 * the <b>recipient's tenant</b>, current and historical, matched by the key id or fingerprint each session key packet
 * names (every key for an anonymous recipient).
 *
 * <p>Only a message encrypted as a whole is decrypted, and its decrypted content replaces the whole content (EFAIL:
 * never merged with other parts). Recipients of different tenants are never served by one tenant's key: the mail is
 * split, this mail keeps the first tenant's recipients, and a copy per further tenant goes back to the start of the
 * current processor.
 *
 * <p>Refused, with the reason: data without integrity protection (SED, no MDC), altered ciphertext, a decompression
 * bomb or content over {@code maxSize}. Such mail, or mail the tenant holds no key for, is delivered as it arrived,
 * still encrypted (the recipient's own client may hold the key; nothing leaks), with the reason in
 * {@code tresor.pgp.decryption} and the header {@code X-Tresor-Decryption}. With {@code onFailure} set, it goes to that
 * processor instead.
 *
 * <p>A message signed inside the encryption (sign, then encrypt) is verified here, with the same tenant's keys, since
 * the signature does not survive decryption: the verdict goes to {@code tresor.pgp.signature} and
 * {@code X-Tresor-Pgp-Signature} as VerifyPgp writes them.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.IsPgpEncrypted" class="dev.tresor.mailets.DecryptPgp">
 *     <maxSize>100m</maxSize>
 * </mailet>
 * }</pre>
 *
 * <ul>
 *   <li>{@code maxSize}: the largest decrypted content accepted, in bytes or with {@code k}, {@code m} or {@code g};
 *       default {@code 100m}. Decompressed content is also capped at 100 times its compressed size.</li>
 *   <li>{@code onFailure}: processor for mail that cannot be decrypted; default none (deliver it encrypted).</li>
 * </ul>
 *
 * <p>Protected headers (RFC 9788 {@code hp="cipher"}, or {@code protected-headers="v1"} as Thunderbird writes them)
 * replace the outer placeholders and a legacy display is removed, as DecryptSmime does
 * ({@link dev.tresor.mime.HeaderProtection}); no other header inside reaches the outer header.
 *
 * <p>Writes: the decrypted message (outer headers kept but for protected ones, {@code Content-*} headers and body from
 * inside);
 * {@code tresor.pgp.decryption}; {@code X-Tresor-Decryption: decrypted (OpenPGP, AES-256, SEIPD v1 (MDC))} or
 * {@code failed; reason="..."}; {@code tresor.tenant}; an audit event DECRYPT per recipient with the key's fingerprint.
 */
public class DecryptPgp extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(DecryptPgp.class);
    private static final int MAX_RATIO = 100;
    private static final long RATIO_FLOOR = 1024 * 1024;

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final Clock clock;
    private final PgpVerifier verifier = new PgpVerifier();
    private PgpDecryptor decryptor;
    private UndecryptedMail failed;
    private KeyUseAudit audit;

    @Inject
    public DecryptPgp(KeyRepository repository, TenantResolver tenants) {
        this(repository, tenants, Clock.systemUTC());
    }

    @VisibleForTesting
    DecryptPgp(KeyRepository repository, TenantResolver tenants, Clock clock) {
        this.repository = repository;
        this.tenants = tenants;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("maxSize", FailureRouting.PARAMETER));
        InitParameters parameters = new InitParameters(this);
        failed = new UndecryptedMail(DecryptionOutcome.PGP, FailureRouting.ifConfigured(this, LOGGER));
        long maxSize = parameters.size("maxSize", DecryptionLimits.DEFAULT.maxBytes());
        decryptor = new PgpDecryptor(new DecryptionLimits(maxSize, MAX_RATIO, Math.min(RATIO_FLOOR, maxSize)));
        audit = new KeyUseAudit(repository.audit(), clock);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        if (!PgpDecryptor.isEncrypted(message) || mail.getRecipients().isEmpty()) {
            return;
        }
        Optional<TenantId> tenant = failed.recipientTenant(mail, getMailetContext(), tenants);
        if (tenant.isPresent()) {
            decrypt(mail, tenant.get());
        }
    }

    private void decrypt(Mail mail, TenantId tenant) throws MessagingException {
        MimeMessage message = mail.getMessage();
        TenantPgpKeys keys = new TenantPgpKeys(repository.pgpKeys(), tenant);
        try {
            PgpDecryptor.Decrypted decrypted = decryptor.decrypt(message, keys);
            Optional<String> messageId = KeyUseAudit.messageId(message);
            for (MailAddress recipient : mail.getRecipients()) {
                audit.record(tenant, AuditEvent.Operation.DECRYPT, decrypted.key().entry().fingerprint(),
                    Optional.of(EmailAddress.of(recipient.asString())), messageId);
            }
            MimeMessage result = decrypted.message();
            DecryptionOutcome.writeDecryptedHeader(result, "OpenPGP, " + decrypted.protection());
            result.removeHeader(PgpSignature.HEADER);
            if (!decrypted.content().signatures().isEmpty()) {
                Optional<EmailAddress> from = Senders.from(result);
                PgpVerdict verdict = verifier.verify(decrypted.content(), from, keys);
                PgpSignatureRecord.record(mail, result, verdict, Map.of(tenant, verdict), from, audit);
            }
            result.saveChanges();
            MailMessages.replace(mail, result);
            DecryptionOutcome.setDecrypted(mail, DecryptionOutcome.PGP);
            TresorMetrics.decryption(DecryptionOutcome.PGP, true);
            TenantAttribute.set(mail, tenant);
        } catch (PgpException e) {
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
        return "Decrypts OpenPGP mail with the recipient tenant's current and historical keys";
    }
}
