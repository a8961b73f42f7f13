package dev.tresor.attributes;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * RequireTls's retry schedule, stored in the queued mail so that it survives a restart with a durable queue:
 * <ul>
 *   <li>{@value #ATTEMPTS}: the delivery attempts made so far (an integer; absent before the first retry);</li>
 *   <li>{@value #NEXT_ATTEMPT}: when the next attempt is due, an ISO-8601 instant such as
 *       {@code 2026-12-06T03:00:00Z}; a mail the queue hands over earlier goes back until then.</li>
 * </ul>
 * Written and read by RequireTls only.
 */
public final class DeliveryAttempts {
    public static final String ATTEMPTS = "tresor.tls.attempts";
    public static final AttributeName ATTEMPTS_NAME = AttributeName.of(ATTEMPTS);
    public static final String NEXT_ATTEMPT = "tresor.tls.next-attempt";
    public static final AttributeName NEXT_ATTEMPT_NAME = AttributeName.of(NEXT_ATTEMPT);

    private DeliveryAttempts() {
    }

    /** The attempts made so far; 0 for a mail never retried. */
    public static int attempts(Mail mail) {
        return mail.getAttribute(ATTEMPTS_NAME)
            .flatMap(attribute -> attribute.getValue().valueAs(Integer.class))
            .orElse(0);
    }

    /**
     * When the next attempt is due, if one was scheduled.
     *
     * @throws DateTimeParseException when the stored value is no ISO-8601 instant
     */
    public static Optional<Instant> nextAttempt(Mail mail) {
        return mail.getAttribute(NEXT_ATTEMPT_NAME)
            .flatMap(attribute -> attribute.getValue().valueAs(String.class))
            .map(Instant::parse);
    }

    /** Records one more attempt and when the next is due. */
    public static void schedule(Mail mail, int attempts, Instant nextAttempt) {
        mail.setAttribute(new Attribute(ATTEMPTS_NAME, AttributeValue.of(attempts)));
        mail.setAttribute(new Attribute(NEXT_ATTEMPT_NAME, AttributeValue.of(nextAttempt.toString())));
    }

    /** Makes the mail due at once, keeping its count of attempts. */
    public static void dueNow(Mail mail) {
        mail.removeAttribute(NEXT_ATTEMPT_NAME);
    }
}
