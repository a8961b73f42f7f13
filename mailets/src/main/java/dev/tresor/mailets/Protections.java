package dev.tresor.mailets;

import java.util.ArrayList;
import java.util.List;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/** Keeps {@link TresorAttributes#PROTECTION_APPLIED}: the list of protections applied to a mail, in order. */
final class Protections {
    private Protections() {
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
