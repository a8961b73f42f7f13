package dev.tresor.attributes;

import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * {@value #ATTRIBUTE}: why a mail went to a failure processor, a sentence for the admin that never names an exception
 * (it can reach the sender in a bounce). Written by every mailet's {@code onFailure} routing, by the decrypting
 * mailets with {@code onFailure} set, and by the {@code IsNestedTooDeeply} matcher; read by the {@code tresor-process}
 * CLI and by admins looking at a quarantine repository.
 */
public final class FailureReason {
    public static final String ATTRIBUTE = "tresor.failure.reason";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);

    private FailureReason() {
    }

    public static void set(Mail mail, String reason) {
        mail.setAttribute(new Attribute(NAME, AttributeValue.of(reason)));
    }

    public static Optional<String> of(Mail mail) {
        return mail.getAttribute(NAME).flatMap(attribute -> attribute.getValue().valueAs(String.class));
    }
}
