package dev.tresor.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.tresor.keys.TenantId;
import dev.tresor.pgp.PgpForm;
import dev.tresor.smime.SmimeType;

/**
 * Keeps {@link TresorAttributes#PROTECTION_APPLIED}: the list of protections applied to a mail, in order; and says
 * when a mail is protected already, so that each recipient gets exactly one protection.
 */
final class Protections {
    /** What encrypts a mail for its recipients: after one of them, no other mechanism wraps the mail again. */
    private static final Set<String> ENCRYPTIONS = Set.of(EncryptSmime.PROTECTION, EncryptPgp.PROTECTION, PdfWrap.PROTECTION);

    private Protections() {
    }

    /**
     * Whether the mail is encrypted for its recipients already: by a Tresor mailet before (S/MIME, OpenPGP or PDF, as
     * {@link TresorAttributes#PROTECTION_APPLIED} records), or as a whole by the sender's client (an S/MIME envelope,
     * PGP/MIME or inline OpenPGP). Every protecting mailet lets such a mail pass unchanged: a recipient with both a
     * certificate and an OpenPGP key gets S/MIME only, not S/MIME inside OpenPGP, and a PGP-encrypted mail is never
     * also put into a PDF or signed around its ciphertext.
     */
    static boolean alreadyEncrypted(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        return applied(mail).stream().anyMatch(ENCRYPTIONS::contains)
            || SmimeType.of(message).isEncrypted()
            || PgpForm.isCertainlyEncrypted(message);
    }

    private static List<String> applied(Mail mail) {
        List<String> applied = new ArrayList<>();
        mail.getAttribute(TresorAttributes.PROTECTION_APPLIED)
            .flatMap(attribute -> attribute.getValue().valueAs(List.class))
            .ifPresent(values -> {
                for (Object value : (List<?>) values) {
                    applied.add(String.valueOf(((AttributeValue<?>) value).value()));
                }
            });
        return applied;
    }

    /**
     * What a protecting mailet does when it succeeded: the mail takes the protected message, records the tenant
     * whose keys protected it ({@link TresorAttributes#TENANT}) and the protections, in the order applied.
     */
    static void applied(Mail mail, MimeMessage protectedMessage, TenantId tenant, String... protections)
        throws MessagingException {
        mail.setMessage(protectedMessage);
        mail.setAttribute(new Attribute(TresorAttributes.TENANT, AttributeValue.of(tenant.asString())));
        for (String protection : protections) {
            add(mail, protection);
        }
    }

    static void add(Mail mail, String protection) {
        List<AttributeValue<?>> applied = new ArrayList<>();
        mail.getAttribute(TresorAttributes.PROTECTION_APPLIED)
            .flatMap(attribute -> attribute.getValue().valueAs(List.class))
            .ifPresent(values -> {
                for (Object value : (List<?>) values) {
                    applied.add((AttributeValue<?>) value);
                }
            });
        applied.add(AttributeValue.of(protection));
        mail.setAttribute(new Attribute(TresorAttributes.PROTECTION_APPLIED, AttributeValue.of(applied)));
    }
}
