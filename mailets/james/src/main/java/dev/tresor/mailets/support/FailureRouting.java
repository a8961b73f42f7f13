package dev.tresor.mailets.support;

import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.protection.KeyProtectionException;

/**
 * Fail closed: a mail that had to be protected and could not be goes, whole and unchanged, to the processor named by
 * the mailet's {@code onFailure} parameter (default {@value #DEFAULT_PROCESSOR}, a quarantine repository in the sample
 * configuration), with the reason in {@link FailureReason} and in the log. It is never passed on
 * unprotected and never dropped.
 *
 * <p>Each decision is one WARN line of {@code key=value} pairs in a fixed order, for log search and alerting:
 * <pre>
 * fail-closed mailet=dev.tresor.mailets.SignSmime operation=smime_sign mail=Mail1733... message_id=&lt;1@acme.example&gt; tenant=acme
 *     policy="mandatory (partner:bank.example)" processor=tresor-quarantine reason="Not signed: no signing key for ..."
 * </pre>
 * ({@code tenant} from {@link TenantAttribute}, {@code policy} from {@link PolicyDecision}, {@code -} when absent;
 * values with spaces or quotes are quoted, inner quotes and backslashes escaped), and counts in {@link TresorMetrics}
 * ({@code tresor_<operation>_failed}, {@code tresor_failed_closed}, {@code tresor_failed_closed_to_<processor>}).
 */
public final class FailureRouting {
    public static final String PARAMETER = "onFailure";
    public static final String DEFAULT_PROCESSOR = "tresor-quarantine";
    private static final Pattern NEEDS_QUOTES = Pattern.compile("[\\s\"\\\\=\\p{Cntrl}]");

    private final String processor;
    private final String mailetName;
    private final String operation;
    private final Logger logger;

    private FailureRouting(String processor, String mailetName, String operation, Logger logger) {
        this.processor = processor;
        this.mailetName = mailetName;
        this.operation = operation;
        this.logger = logger;
    }

    /** Reads {@code onFailure}; a blank value is refused, so the chain cannot be configured to drop mail silently. */
    public static FailureRouting of(GenericMailet mailet, Logger logger) throws javax.mail.MessagingException {
        String processor = Optional.ofNullable(mailet.getInitParameter(PARAMETER)).orElse(DEFAULT_PROCESSOR).trim();
        if (processor.isEmpty()) {
            throw new javax.mail.MessagingException(mailet.getMailetName() + ": '" + PARAMETER
                + "' must name a processor (default " + DEFAULT_PROCESSOR + ")");
        }
        return new FailureRouting(processor, mailet.getMailetName(), TresorMetrics.operationOf(mailet.getClass()), logger);
    }

    /**
     * For a mailet whose {@code onFailure} is optional (the decrypting mailets, which otherwise deliver what they
     * cannot open as it came): empty when the parameter is absent or blank.
     */
    public static Optional<FailureRouting> ifConfigured(GenericMailet mailet, Logger logger) {
        return Optional.ofNullable(mailet.getInitParameter(PARAMETER))
            .map(String::trim)
            .filter(processor -> !processor.isEmpty())
            .map(processor -> new FailureRouting(processor, mailet.getMailetName(),
                TresorMetrics.operationOf(mailet.getClass()), logger));
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
        decided(mail, reason);
    }

    /**
     * {@link #route(Mail, String)} for a mailet that knows whose vault it searched: records the tenant
     * ({@link TenantAttribute}) for the quarantine and the log line.
     */
    public void route(Mail mail, TenantId tenant, String reason) {
        TenantAttribute.set(mail, tenant);
        route(mail, reason);
    }

    /**
     * {@link #route} for a mail that is not in the spooler's hands (one a mailet's own delivery thread took from its
     * queue): it re-enters James at the failure processor.
     */
    public void send(MailetContext context, Mail mail, String reason) throws javax.mail.MessagingException {
        FailureReason.set(mail, reason);
        context.sendMail(mail, processor);
        decided(mail, reason);
    }

    private void decided(Mail mail, String reason) {
        TresorMetrics.failedClosed(operation, processor);
        if (logger.isWarnEnabled()) {
            logger.warn(logLine(mail, reason));
        }
    }

    @VisibleForTesting
    String logLine(Mail mail, String reason) {
        return "fail-closed"
            + " mailet=" + value(Optional.ofNullable(mailetName))
            + " operation=" + operation
            + " mail=" + value(Optional.ofNullable(mail.getName()))
            + " message_id=" + value(messageId(mail))
            + " tenant=" + value(TenantAttribute.of(mail))
            + " policy=" + value(PolicyDecision.of(mail))
            + " processor=" + value(Optional.of(processor))
            + " reason=" + value(Optional.ofNullable(reason));
    }

    private static Optional<String> messageId(Mail mail) {
        try {
            return Optional.ofNullable(mail.getMessage()).flatMap(KeyUseAudit::messageId);
        } catch (javax.mail.MessagingException e) {
            return Optional.empty();
        }
    }

    /** {@code -} when absent; quoted when it holds a space, a quote, a backslash, an '=' or a control character. */
    private static String value(Optional<String> value) {
        if (value.isEmpty() || value.get().isEmpty()) {
            return "-";
        }
        String text = value.get();
        if (!NEEDS_QUOTES.matcher(text).find()) {
            return text;
        }
        // one line per decision: a line break in a reason must not start a forged line
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("\\p{Cntrl}", " ") + '"';
    }
}
