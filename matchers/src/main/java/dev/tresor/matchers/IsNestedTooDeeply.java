package dev.tresor.matchers;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.base.Strings;

import dev.tresor.attributes.FailureReason;
import dev.tresor.mime.Nesting;

/**
 * Matches every recipient of a mail whose MIME structure nests more containers (multiparts, attached messages) than
 * the limit, and writes why into {@code tresor.failure.reason}. Such a mail must leave the chain before any mailet
 * saves it: javax.mail saves recursively, and a few thousand levels overflow the spooler thread's stack, which loses
 * the mail (see {@link Nesting}). Put it first in the root processor, before {@code StripTresorHeaders}, and send what
 * it matches to a repository.
 *
 * <p>The optional condition is the deepest nesting accepted, from 1 to {@value Nesting#LIMIT} (the default; deeper
 * would not be safe).
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.IsNestedTooDeeply" class="ToProcessor">
 *     <processor>tresor-malformed</processor>
 * </mailet>
 * }</pre>
 */
public class IsNestedTooDeeply extends GenericMatcher {
    private static final Logger LOGGER = LoggerFactory.getLogger(IsNestedTooDeeply.class);

    private int limit = Nesting.LIMIT;

    @Override
    public void init() throws MessagingException {
        limit = parseLimit(getCondition());
    }

    private static int parseLimit(String condition) throws MessagingException {
        if (Strings.isNullOrEmpty(condition) || condition.isBlank()) {
            return Nesting.LIMIT;
        }
        try {
            int value = Integer.parseInt(condition.trim());
            if (value >= 1 && value <= Nesting.LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new MessagingException("IsNestedTooDeeply: the condition must be the deepest nesting accepted, from 1 to "
            + Nesting.LIMIT + ", got '" + condition + "'");
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        if (!Nesting.deeperThan(mail.getMessage(), limit)) {
            return List.of();
        }
        recordReason(mail);
        return mail.getRecipients();
    }

    private void recordReason(Mail mail) {
        String reason = "MIME structure nested deeper than " + limit + " levels: not processed";
        FailureReason.set(mail, reason);
        LOGGER.warn("Mail {}: {}", mail.getName(), reason);
    }

    @Override
    public String getMatcherInfo() {
        return "Matches mail whose MIME parts are nested deeper than a limit";
    }
}
