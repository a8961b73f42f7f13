package dev.tresor.mailets.support;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.TenantId;
import dev.tresor.pgp.PgpForm;
import dev.tresor.smime.SmimeType;

/**
 * What the protecting mailets share: whether a mail is protected already, so that each recipient gets exactly one
 * protection, and what they record when they protected it ({@link AppliedProtections}, {@link TenantAttribute}).
 */
public final class Protections {
    private Protections() {
    }

    /**
     * Whether the mail is encrypted for its recipients already: by a Tresor mailet before (S/MIME, OpenPGP or PDF, as
     * {@link AppliedProtections} records), or as a whole by the sender's client (an S/MIME envelope,
     * PGP/MIME or inline OpenPGP), {@code message} being the mail's message ({@link MailMessages#toRead}). Every protecting mailet lets such a mail pass unchanged: a recipient with both a
     * certificate and an OpenPGP key gets S/MIME only, not S/MIME inside OpenPGP, and a PGP-encrypted mail is never
     * also put into a PDF or signed around its ciphertext.
     */
    public static boolean alreadyEncrypted(Mail mail, MimeMessage message) throws MessagingException {
        return AppliedProtections.includeEncryption(mail)
            || SmimeType.of(message).isEncrypted()
            || PgpForm.isCertainlyEncrypted(message);
    }

    /**
     * What a protecting mailet does when it succeeded: the mail takes the protected message, records the tenant
     * whose keys protected it and the protections, in the order applied, and counts them ({@link TresorMetrics}).
     */
    public static void applied(Mail mail, MimeMessage protectedMessage, TenantId tenant, String... protections)
        throws MessagingException {
        MailMessages.replace(mail, protectedMessage);
        TenantAttribute.set(mail, tenant);
        AppliedProtections.add(mail, protections);
        TresorMetrics.applied(protections);
    }
}
