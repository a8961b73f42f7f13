package dev.tresor.attributes;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.internet.MimeUtility;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.TenantId;
import dev.tresor.smime.SmimeVerdict;

/**
 * The S/MIME signature verdict VerifySmime records, as attribute and as header:
 * <ul>
 *   <li>{@value #ATTRIBUTE}: a map with {@code status} ({@code valid}, {@code invalid}, {@code untrusted},
 *       {@code revoked}, {@code none}), {@code reason}, and when a signer was found {@code signer} (address),
 *       {@code fingerprint} (SHA-256 of the signer certificate) and {@code chain} (base64 DER certificates, signer
 *       first), plus {@code tenants}: the status for each recipient tenant, when the mail was verified for several;</li>
 *   <li>{@value #HEADER}{@code : <status>; signer=<address>; reason="..."} (folded; the reason in printable ASCII).</li>
 * </ul>
 * Written by VerifySmime; read by the {@code HasValidSmimeSignature} matcher and HarvestCertificates (the attribute),
 * and by the recipient (the header).
 */
public final class SmimeSignature {
    public static final String ATTRIBUTE = "tresor.smime.signature";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);
    public static final String HEADER = "X-Tresor-Signature";

    static final String STATUS = "status";
    static final String SIGNER = "signer";
    static final String REASON = "reason";
    static final String FINGERPRINT = "fingerprint";
    static final String CHAIN = "chain";
    static final String TENANTS = "tenants";

    private final SmimeVerdict.Status status;
    private final List<X509Certificate> chain;
    private final Map<String, SmimeVerdict.Status> tenants;

    private SmimeSignature(SmimeVerdict.Status status, List<X509Certificate> chain, Map<String, SmimeVerdict.Status> tenants) {
        this.status = status;
        this.chain = chain;
        this.tenants = tenants;
    }

    public static Attribute attribute(SmimeVerdict verdict, Map<TenantId, SmimeVerdict> perTenant) {
        Map<String, AttributeValue<?>> map = new LinkedHashMap<>();
        map.put(STATUS, AttributeValue.of(verdict.status().asText()));
        verdict.signerAddress().ifPresent(address -> map.put(SIGNER, AttributeValue.of(address.asString())));
        map.put(REASON, AttributeValue.of(verdict.reason()));
        verdict.signer().ifPresent(certificate -> map.put(FINGERPRINT, AttributeValue.of(Fingerprint.of(certificate).asString())));
        if (!verdict.signerChain().isEmpty()) {
            List<AttributeValue<?>> chain = new ArrayList<>();
            verdict.signerChain().forEach(certificate -> chain.add(AttributeValue.of(base64(certificate))));
            map.put(CHAIN, AttributeValue.of(chain));
        }
        Map<String, AttributeValue<?>> tenants = new LinkedHashMap<>();
        perTenant.forEach((tenant, tenantVerdict) -> tenants.put(tenant.asString(), AttributeValue.of(tenantVerdict.status().asText())));
        map.put(TENANTS, AttributeValue.of(tenants));
        return new Attribute(NAME, AttributeValue.of(map));
    }

    /** The attribute VerifySmime set on the mail, if any (an unreadable one counts as absent). */
    public static Optional<SmimeSignature> of(Mail mail) {
        return mail.getAttribute(NAME)
            .flatMap(attribute -> attribute.getValue().valueAs(Map.class))
            .flatMap(SmimeSignature::parse);
    }

    private static Optional<SmimeSignature> parse(Map<?, ?> map) {
        try {
            SmimeVerdict.Status status = SmimeVerdict.Status.parse(text(map.get(STATUS)).orElse(""));
            List<X509Certificate> chain = new ArrayList<>();
            Object chainValue = map.get(CHAIN);
            if (chainValue instanceof AttributeValue && ((AttributeValue<?>) chainValue).value() instanceof Collection) {
                CertificateFactory factory = CertificateFactory.getInstance("X.509");
                for (Object element : (Collection<?>) ((AttributeValue<?>) chainValue).value()) {
                    byte[] der = Base64.getDecoder().decode(text(element).orElse(""));
                    chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
                }
            }
            Map<String, SmimeVerdict.Status> tenants = new LinkedHashMap<>();
            Object tenantsValue = map.get(TENANTS);
            if (tenantsValue instanceof AttributeValue && ((AttributeValue<?>) tenantsValue).value() instanceof Map) {
                ((Map<?, ?>) ((AttributeValue<?>) tenantsValue).value()).forEach((tenant, value) ->
                    tenants.put(String.valueOf(tenant), SmimeVerdict.Status.parse(text(value).orElse(""))));
            }
            return Optional.of(new SmimeSignature(status, chain, tenants));
        } catch (IllegalArgumentException | CertificateException | ClassCastException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(Object value) {
        return value instanceof AttributeValue ? ((AttributeValue<?>) value).valueAs(String.class) : Optional.empty();
    }

    private static String base64(X509Certificate certificate) {
        return Base64.getEncoder().encodeToString(encoded(certificate));
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("A parsed certificate is always encodable", e);
        }
    }

    /** The {@value #HEADER} value for the mail's verdict. */
    public static String headerValue(SmimeVerdict verdict) {
        StringBuilder value = new StringBuilder(verdict.status().asText());
        verdict.signerAddress().ifPresent(address -> value.append("; signer=").append(address.asString()));
        value.append("; reason=\"").append(TresorHeaders.quotable(verdict.reason())).append('"');
        return MimeUtility.fold(HEADER.length() + 2, value.toString());
    }

    /** The verdict for the whole mail (the worst of the tenants' when they differ). */
    public SmimeVerdict.Status status() {
        return status;
    }

    /** The verdict for one recipient tenant; the mail's when that tenant was not verified separately. */
    public SmimeVerdict.Status statusFor(TenantId tenant) {
        return tenants.getOrDefault(tenant.asString(), status);
    }

    public List<X509Certificate> chain() {
        return chain;
    }
}
