package dev.tresor.attributes;

import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * {@value #ATTRIBUTE}: the policy that decided what happened to a mail, in words an admin reads, e.g.
 * {@code mandatory (partner:bank.example)} or {@code require-signature (partner:supplier.example)}. Written by the
 * mailets and matchers that read policies when a policy holds, refuses or escalates a mail; read by the quarantine
 * (listed beside {@link FailureReason}) and the sender's notice.
 */
public final class PolicyDecision {
    public static final String ATTRIBUTE = "tresor.policy.decision";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);

    private PolicyDecision() {
    }

    public static void set(Mail mail, String decision) {
        mail.setAttribute(new Attribute(NAME, AttributeValue.of(decision)));
    }

    public static Optional<String> of(Mail mail) {
        return mail.getAttribute(NAME).flatMap(attribute -> attribute.getValue().valueAs(String.class));
    }
}
