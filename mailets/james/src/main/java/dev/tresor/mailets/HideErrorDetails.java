package dev.tresor.mailets;

import java.util.Set;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.StoredErrorMessage;

/**
 * Keeps internals out of bounces: logs the mail's error message in full, then replaces it with a plain sentence that
 * gives a reference (the mail's name) under which the administrator finds the details in the log.
 *
 * <p>When a mailet or matcher throws, James's spooler writes the exception's message and its whole stack trace into
 * the mail's error message and sends the mail to the {@code error} processor, where James's {@code Bounce} (and
 * {@code DSNBounce}) copy that error message into the notice they send to the sender, whoever that is: class names,
 * library versions and the messages of internal exceptions would leave the server. Place this mailet before every
 * mailet that tells a sender about the mail's error message:
 *
 * <pre>{@code
 * <processor state="error">
 *     <mailet match="All" class="dev.tresor.mailets.HideErrorDetails"/>
 *     <mailet match="All" class="Bounce"/>
 *     <mailet match="All" class="ToRepository">...</mailet>
 * </processor>
 * }</pre>
 *
 * <p>Parameter: {@code notice} (optional), the sentence the sender reads instead, default {@value #DEFAULT_NOTICE};
 * the reference {@code (reference <mail name>)} is appended; the notice is shortened when both together would exceed
 * the 200 characters James's {@code jpa://} repositories keep of an error message. A mail without an error message is left alone.
 * The details are logged at WARN by {@code dev.tresor.mailets.HideErrorDetails}, with the reference.
 */
public class HideErrorDetails extends GenericMailet {
    // short enough that notice and reference fit the 200 characters a jpa:// error repository keeps (StoredErrorMessage)
    static final String DEFAULT_NOTICE = "The mail server could not process this message because of an internal error."
        + " Its administrator has the details.";
    private static final Logger LOGGER = LoggerFactory.getLogger(HideErrorDetails.class);

    private String notice;

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("notice"));
        notice = new InitParameters(this).optional("notice").orElse(DEFAULT_NOTICE);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String details = mail.getErrorMessage();
        if (details == null || details.isBlank()) {
            return;
        }
        String reference = mail.getName();
        LOGGER.warn("Error reference {} (sender {}, recipients {}), hidden from the notice to the sender: {}", reference,
            mail.getMaybeSender().asString(), mail.getRecipients(), details);
        // a longer error message could not be stored in the error repository (jpa://): the mail would be lost
        mail.setErrorMessage(StoredErrorMessage.fit(notice, " (reference " + reference + ")"));
    }

    @Override
    public String getMailetInfo() {
        return "Logs a mail's error message and replaces it with a plain notice for the sender";
    }
}
