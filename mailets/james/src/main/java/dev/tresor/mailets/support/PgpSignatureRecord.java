package dev.tresor.mailets.support;

import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;

import dev.tresor.attributes.PgpSignature;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;
import dev.tresor.pgp.PgpVerdict;

/**
 * Records an OpenPGP signature verdict the one way every mailet does: the attribute and the header of
 * {@link PgpSignature}, a VERIFY audit event per tenant that knew the signer, and the verdict's count
 * ({@link TresorMetrics}).
 */
public final class PgpSignatureRecord {
    private PgpSignatureRecord() {
    }

    public static void record(Mail mail, MimeMessage message, PgpVerdict verdict, Map<TenantId, PgpVerdict> perTenant,
                       Optional<EmailAddress> from, KeyUseAudit audit) throws MessagingException {
        perTenant.forEach((tenant, tenantVerdict) -> tenantVerdict.signer().ifPresent(fingerprint ->
            audit.record(tenant, AuditEvent.Operation.VERIFY, fingerprint, from, KeyUseAudit.messageId(message))));
        mail.setAttribute(PgpSignature.attribute(verdict, perTenant));
        message.setHeader(PgpSignature.HEADER, PgpSignature.headerValue(verdict));
        TresorMetrics.verdict(TresorMetrics.PGP, verdict.status().asText());
    }
}
