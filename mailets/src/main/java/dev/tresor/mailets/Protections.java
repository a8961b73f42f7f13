package dev.tresor.mailets;

import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.tresor.keys.TenantId;

/** Keeps {@link TresorAttributes#PROTECTION_APPLIED}: the list of protections applied to a mail, in order. */
final class Protections {
    private Protections() {
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
