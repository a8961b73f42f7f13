package dev.tresor.mailets;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;
import dev.tresor.pgp.PgpVerdict;

/**
 * Records an OpenPGP signature verdict the one way every mailet does: the attribute {@code tresor.pgp.signature} (a
 * map of {@code status}, {@code signer} fingerprint, {@code userId}, {@code reason}, and {@code tenants}: each recipient
 * tenant's status), the header {@code X-Tresor-Pgp-Signature}, and a VERIFY audit event per tenant that knew the signer.
 */
final class PgpSignatureRecord {
    static final String HEADER = "X-Tresor-Pgp-Signature";
    /** When tenants disagree, the mail as a whole gets the most alarming verdict. */
    private static final List<PgpVerdict.Status> SEVERITY = List.of(PgpVerdict.Status.NONE, PgpVerdict.Status.VALID,
        PgpVerdict.Status.UNKNOWN_KEY, PgpVerdict.Status.EXPIRED, PgpVerdict.Status.INVALID, PgpVerdict.Status.REVOKED);

    private PgpSignatureRecord() {
    }

    static PgpVerdict worst(Collection<PgpVerdict> verdicts) {
        return verdicts.stream()
            .max(Comparator.comparingInt(verdict -> SEVERITY.indexOf(verdict.status())))
            .orElseThrow(() -> new IllegalArgumentException("No verdicts"));
    }

    static void record(Mail mail, MimeMessage message, PgpVerdict verdict, Map<TenantId, PgpVerdict> perTenant,
                       Optional<EmailAddress> from, KeyUseAudit audit) throws MessagingException {
        perTenant.forEach((tenant, tenantVerdict) -> tenantVerdict.signer().ifPresent(fingerprint ->
            audit.record(tenant, AuditEvent.Operation.VERIFY, fingerprint, from, KeyUseAudit.messageId(message))));
        mail.setAttribute(attribute(verdict, perTenant));
        message.setHeader(HEADER, headerValue(verdict));
    }

    static Attribute attribute(PgpVerdict verdict, Map<TenantId, PgpVerdict> perTenant) {
        Map<String, AttributeValue<?>> map = new LinkedHashMap<>();
        map.put("status", AttributeValue.of(verdict.status().asText()));
        verdict.signer().ifPresent(fingerprint -> map.put("signer", AttributeValue.of(fingerprint.asString())));
        verdict.userId().ifPresent(userId -> map.put("userId", AttributeValue.of(userId)));
        map.put("reason", AttributeValue.of(verdict.reason()));
        Map<String, AttributeValue<?>> tenants = new LinkedHashMap<>();
        perTenant.forEach((tenant, tenantVerdict) -> tenants.put(tenant.asString(), AttributeValue.of(tenantVerdict.status().asText())));
        map.put("tenants", AttributeValue.of(tenants));
        return new Attribute(TresorAttributes.PGP_SIGNATURE, AttributeValue.of(map));
    }

    static String headerValue(PgpVerdict verdict) {
        StringBuilder value = new StringBuilder(verdict.status().asText());
        verdict.signer().ifPresent(fingerprint -> value.append("; signer=").append(fingerprint.asString()));
        verdict.userId().ifPresent(userId -> value.append("; uid=\"").append(quotable(userId)).append('"'));
        value.append("; reason=\"").append(quotable(verdict.reason())).append('"');
        return MimeUtility.fold(HEADER.length() + 2, value.toString());
    }

    /** Header-safe text: printable ASCII only, no quote or backslash that would end the quoted string. */
    private static String quotable(String text) {
        StringBuilder safe = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            safe.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : c == '"' ? '\'' : '?');
        }
        return safe.toString();
    }
}
