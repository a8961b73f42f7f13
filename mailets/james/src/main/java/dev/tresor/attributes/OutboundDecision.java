package dev.tresor.attributes;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * What the sender tenant's policy decided for an outgoing mail, once per mail by ApplyPolicy, read by the matchers
 * and mailets after it (so that the policy is resolved once, not by every matcher):
 * <ul>
 *     <li>{@value #PROTECTION}: for each recipient (its address in lower case), the one protection it gets:
 *         {@value #SMIME}, {@value #PGP}, {@value #PDF}, {@value #NONE} (sent as it is: opportunistic without a
 *         mechanism, {@code never}, or a mail its sender's client encrypted already) or {@value #REFUSED} (a mandatory
 *         policy could not be met: never sent);</li>
 *     <li>{@value #GATEWAY}: for each recipient protected with a partner's gateway certificate or OpenPGP key (domain
 *         encryption, no personal one), that certificate's or key's fingerprint; EncryptSmime and EncryptPgp encrypt
 *         to it;</li>
 *     <li>{@value #SIGNING}: the sender's signing policy, {@code force}, {@code if-possible} or {@code never}.</li>
 * </ul>
 * Attributes never come with a mail over SMTP, so nobody outside can choose a recipient's protection. A recipient
 * without an entry (ApplyPolicy did not see it) is refused by the {@code PolicyRefuses} matcher: fail closed.
 */
public final class OutboundDecision {
    public static final String PROTECTION = "tresor.policy.protection";
    public static final String GATEWAY = "tresor.policy.gateway";
    public static final String SIGNING = "tresor.policy.signing";
    public static final AttributeName PROTECTION_NAME = AttributeName.of(PROTECTION);
    public static final AttributeName GATEWAY_NAME = AttributeName.of(GATEWAY);
    public static final AttributeName SIGNING_NAME = AttributeName.of(SIGNING);

    public static final String SMIME = "smime";
    public static final String PGP = "pgp";
    public static final String PDF = "pdf";
    public static final String NONE = "none";
    public static final String REFUSED = "refused";

    private OutboundDecision() {
    }

    /** The key under which a recipient is recorded. */
    public static String key(MailAddress recipient) {
        return recipient.asString().toLowerCase(Locale.ROOT);
    }

    public static void setProtections(Mail mail, Map<String, String> protectionByRecipient) {
        mail.setAttribute(new Attribute(PROTECTION_NAME, asValue(protectionByRecipient)));
    }

    public static void setGateways(Mail mail, Map<String, String> fingerprintByRecipient) {
        if (fingerprintByRecipient.isEmpty()) {
            mail.removeAttribute(GATEWAY_NAME);
        } else {
            mail.setAttribute(new Attribute(GATEWAY_NAME, asValue(fingerprintByRecipient)));
        }
    }

    public static void setSigning(Mail mail, String signing) {
        mail.setAttribute(new Attribute(SIGNING_NAME, AttributeValue.of(signing)));
    }

    /** The recipient's protection, empty when no decision names it. */
    public static Optional<String> protection(Mail mail, MailAddress recipient) {
        return Optional.ofNullable(map(mail, PROTECTION_NAME).get(key(recipient)));
    }

    /** Every recipient's protection, as recorded. */
    public static Map<String, String> protections(Mail mail) {
        return map(mail, PROTECTION_NAME);
    }

    /** The fingerprint of the gateway certificate or key that protects the recipient, if one does. */
    public static Optional<String> gateway(Mail mail, String recipientAddress) {
        return Optional.ofNullable(map(mail, GATEWAY_NAME).get(recipientAddress.toLowerCase(Locale.ROOT)));
    }

    /** The sender's signing policy, empty when no policy was applied (then signing works as without policies). */
    public static Optional<String> signing(Mail mail) {
        return mail.getAttribute(SIGNING_NAME).flatMap(attribute -> attribute.getValue().valueAs(String.class));
    }

    private static AttributeValue<?> asValue(Map<String, String> map) {
        Map<String, AttributeValue<?>> values = new LinkedHashMap<>();
        map.forEach((key, value) -> values.put(key, AttributeValue.of(value)));
        return AttributeValue.of(values);
    }

    private static Map<String, String> map(Mail mail, AttributeName name) {
        Map<String, String> result = new LinkedHashMap<>();
        mail.getAttribute(name)
            .flatMap(attribute -> attribute.getValue().valueAs(Map.class))
            .ifPresent(values -> ((Map<?, ?>) values).forEach((key, value) -> {
                if (value instanceof AttributeValue && ((AttributeValue<?>) value).value() instanceof String) {
                    result.put(String.valueOf(key), (String) ((AttributeValue<?>) value).value());
                }
            }));
        return result;
    }
}
