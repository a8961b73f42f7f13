package dev.tresor.attributes;

import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * What the quarantine keeps beside a held mail, and what a release leaves on it:
 * <ul>
 *   <li>{@value #RELEASE_TO_ATTRIBUTE}: the processor the mail re-enters when an admin releases it ({@code relay} for
 *       outgoing mail, so that it is protected again by today's keys), written by the Quarantine mailet;</li>
 *   <li>{@value #RELEASED_ATTRIBUTE}: who released the mail, written by the quarantine's WebAdmin route. The
 *       EnforceInboundPolicy mailet lets such a mail pass: the admin decided to deliver it as it is. Outgoing mail
 *       gets no such pass: every protecting mailet treats it as new, and holds it again if it still cannot protect it.</li>
 * </ul>
 * Attributes never come from outside (SMTP cannot set them), so a sender cannot claim a release.
 */
public final class QuarantineRelease {
    public static final String RELEASE_TO_ATTRIBUTE = "tresor.quarantine.release-to";
    public static final AttributeName RELEASE_TO = AttributeName.of(RELEASE_TO_ATTRIBUTE);
    public static final String RELEASED_ATTRIBUTE = "tresor.quarantine.released-by";
    public static final AttributeName RELEASED = AttributeName.of(RELEASED_ATTRIBUTE);

    private QuarantineRelease() {
    }

    public static void setReleaseTo(Mail mail, String processor) {
        mail.setAttribute(new Attribute(RELEASE_TO, AttributeValue.of(processor)));
    }

    public static Optional<String> releaseTo(Mail mail) {
        return mail.getAttribute(RELEASE_TO).flatMap(attribute -> attribute.getValue().valueAs(String.class));
    }

    public static void setReleasedBy(Mail mail, String admin) {
        mail.setAttribute(new Attribute(RELEASED, AttributeValue.of(admin)));
    }

    public static boolean wasReleased(Mail mail) {
        return mail.getAttribute(RELEASED).isPresent();
    }
}
