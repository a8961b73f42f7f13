package dev.tresor.mailets.support;

import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.attributes.DecryptionOutcome;
import dev.tresor.attributes.FailureReason;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mime.HeaderOnly;

/**
 * What the decrypting mailets do with a mail they cannot open: the reason in their attribute, then either the
 * {@code onFailure} processor ({@link FailureRouting}, with {@link FailureReason}) or, without one, delivery as it
 * came, still encrypted, with the reason in the {@link DecryptionOutcome#HEADER} header; counted either way
 * ({@link TresorMetrics}).
 */
public final class UndecryptedMail {
    private static final Logger LOGGER = LoggerFactory.getLogger(UndecryptedMail.class);

    private final AttributeName attribute;
    private final Optional<FailureRouting> onFailure;

    /** @param onFailure {@link FailureRouting#ifConfigured}: where mail that cannot be opened goes, if anywhere */
    public UndecryptedMail(AttributeName attribute, Optional<FailureRouting> onFailure) {
        this.attribute = attribute;
        this.onFailure = onFailure;
    }

    /**
     * The recipients' tenant, the mail keeping only the first recipient's tenant ({@link TenantSplit}); empty when
     * it cannot be resolved, the mail then handled as one that cannot be opened.
     */
    public Optional<TenantId> recipientTenant(Mail mail, MailetContext context, TenantResolver tenants) throws MessagingException {
        try {
            return Optional.of(TenantSplit.keepFirstTenant(mail, context, tenants));
        } catch (RuntimeException e) {
            LOGGER.warn("Mail {}: cannot resolve the recipients' tenant", mail.getName(), e);
            handle(mail, "cannot resolve the recipients' tenant (details in the server log under mail " + mail.getName() + ")");
            return Optional.empty();
        }
    }

    public void handle(Mail mail, String reason) throws MessagingException {
        DecryptionOutcome.setNotDecrypted(mail, attribute, reason);
        if (onFailure.isPresent()) {
            onFailure.get().route(mail, "Not decrypted: " + reason);
            return;
        }
        TresorMetrics.decryption(attribute, false);
        // a copy whose body is never re-parsed: what cannot be decrypted is often a broken multipart, which James's own
        // message would re-parse when written after a header change, and send to the error processor
        MimeMessage message = HeaderOnly.editable(mail.getMessage());
        DecryptionOutcome.writeFailedHeader(message, reason);
        MailMessages.replace(mail, message);
        LOGGER.info("Mail {} delivered encrypted: {}", mail.getName(), reason);
    }
}
