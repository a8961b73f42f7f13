package dev.tresor.mailets.support;

import java.util.Optional;

import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;

import dev.tresor.attributes.FailureReason;
import dev.tresor.keys.protection.KeyProtectionException;

/**
 * Fail closed: a mail that had to be protected and could not be goes, whole and unchanged, to the processor named by
 * the mailet's {@code onFailure} parameter (default {@value #DEFAULT_PROCESSOR}, a quarantine repository in the sample
 * configuration), with the reason in {@link FailureReason} and in the log. It is never passed on
 * unprotected and never dropped.
 */
public final class FailureRouting {
    public static final String PARAMETER = "onFailure";
    public static final String DEFAULT_PROCESSOR = "tresor-quarantine";

    private final String processor;
    private final Logger logger;

    private FailureRouting(String processor, Logger logger) {
        this.processor = processor;
        this.logger = logger;
    }

    /** Reads {@code onFailure}; a blank value is refused, so the chain cannot be configured to drop mail silently. */
    public static FailureRouting of(GenericMailet mailet, Logger logger) throws javax.mail.MessagingException {
        String processor = Optional.ofNullable(mailet.getInitParameter(PARAMETER)).orElse(DEFAULT_PROCESSOR).trim();
        if (processor.isEmpty()) {
            throw new javax.mail.MessagingException(mailet.getMailetName() + ": '" + PARAMETER
                + "' must name a processor (default " + DEFAULT_PROCESSOR + ")");
        }
        return new FailureRouting(processor, logger);
    }

    public String processor() {
        return processor;
    }

    /**
     * The reason to record for a failure nobody expected (a bug, an unusable key): plain words and the mail's name,
     * under which the log holds the details. Never the exception's class or message: they name internals, and a
     * failure reason can reach the sender in a bounce. Log the exception with its stack trace before calling this.
     */
    public static String unexpected(Exception e, Mail mail) {
        if (e instanceof KeyProtectionException) {
            return "the key repository cannot decrypt the private key it holds (is the right master key configured? "
                + "details in the server log under mail " + mail.getName() + ")";
        }
        return "an internal error occurred (details in the server log under mail " + mail.getName() + ")";
    }

    public void route(Mail mail, String reason) {
        FailureReason.set(mail, reason);
        mail.setState(processor);
        logger.warn("Mail {} sent to processor '{}': {}", mail.getName(), processor, reason);
    }

    /**
     * {@link #route} for a mail that is not in the spooler's hands (one a mailet's own delivery thread took from its
     * queue): it re-enters James at the failure processor.
     */
    public void send(MailetContext context, Mail mail, String reason) throws javax.mail.MessagingException {
        FailureReason.set(mail, reason);
        context.sendMail(mail, processor);
        logger.warn("Mail {} sent to processor '{}': {}", mail.getName(), processor, reason);
    }
}
