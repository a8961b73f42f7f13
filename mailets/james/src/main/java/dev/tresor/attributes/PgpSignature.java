package dev.tresor.attributes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.mail.internet.MimeUtility;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.tresor.keys.TenantId;
import dev.tresor.pgp.PgpVerdict;

/**
 * The OpenPGP signature verdict VerifyPgp and DecryptPgp record, as attribute and as header, shaped like
 * {@link SmimeSignature}:
 * <ul>
 *   <li>{@value #ATTRIBUTE}: a map of {@code status} ({@code valid}, {@code invalid}, {@code unknown-key},
 *       {@code revoked}, {@code expired}, {@code none}), {@code signer} (the signing key's fingerprint), {@code userId},
 *       {@code reason}, and {@code tenants}: each recipient tenant's status;</li>
 *   <li>{@value #HEADER}{@code : <status>; signer=<fingerprint>; uid="..."; reason="..."} (folded; the user id and the
 *       reason in printable ASCII).</li>
 * </ul>
 * Written by VerifyPgp, and by DecryptPgp for a signature inside the encryption; read by the recipient (the header)
 * and admins.
 */
public final class PgpSignature {
    public static final String ATTRIBUTE = "tresor.pgp.signature";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);
    public static final String HEADER = "X-Tresor-Pgp-Signature";

    private PgpSignature() {
    }

    public static Attribute attribute(PgpVerdict verdict, Map<TenantId, PgpVerdict> perTenant) {
        Map<String, AttributeValue<?>> map = new LinkedHashMap<>();
        map.put("status", AttributeValue.of(verdict.status().asText()));
        verdict.signer().ifPresent(fingerprint -> map.put("signer", AttributeValue.of(fingerprint.asString())));
        verdict.userId().ifPresent(userId -> map.put("userId", AttributeValue.of(userId)));
        map.put("reason", AttributeValue.of(verdict.reason()));
        Map<String, AttributeValue<?>> tenants = new LinkedHashMap<>();
        perTenant.forEach((tenant, tenantVerdict) -> tenants.put(tenant.asString(), AttributeValue.of(tenantVerdict.status().asText())));
        map.put("tenants", AttributeValue.of(tenants));
        return new Attribute(NAME, AttributeValue.of(map));
    }

    /** The {@value #HEADER} value for the mail's verdict. */
    public static String headerValue(PgpVerdict verdict) {
        StringBuilder value = new StringBuilder(verdict.status().asText());
        verdict.signer().ifPresent(fingerprint -> value.append("; signer=").append(fingerprint.asString()));
        verdict.userId().ifPresent(userId -> value.append("; uid=\"").append(TresorHeaders.quotable(userId)).append('"'));
        value.append("; reason=\"").append(TresorHeaders.quotable(verdict.reason())).append('"');
        return MimeUtility.fold(HEADER.length() + 2, value.toString());
    }

    /**
     * The status recorded for one recipient tenant ({@code valid}, {@code invalid}, ...), or the mail's when that
     * tenant was not verified separately; empty when no verdict was recorded (or an unreadable one).
     */
    public static Optional<String> statusFor(Mail mail, TenantId tenant) {
        Optional<Map> map = mail.getAttribute(NAME).flatMap(attribute -> attribute.getValue().valueAs(Map.class));
        if (map.isEmpty()) {
            return Optional.empty();
        }
        Object tenants = map.get().get("tenants");
        if (tenants instanceof AttributeValue && ((AttributeValue<?>) tenants).value() instanceof Map) {
            Object status = ((Map<?, ?>) ((AttributeValue<?>) tenants).value()).get(tenant.asString());
            if (status instanceof AttributeValue) {
                return ((AttributeValue<?>) status).valueAs(String.class);
            }
        }
        Object status = map.get().get("status");
        return status instanceof AttributeValue ? ((AttributeValue<?>) status).valueAs(String.class) : Optional.empty();
    }
}
