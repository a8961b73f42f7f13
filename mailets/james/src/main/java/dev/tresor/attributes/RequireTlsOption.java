package dev.tresor.attributes;

import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * RFC 8689: the sender gave {@code REQUIRETLS} in {@code MAIL FROM}, so every hop must relay the mail only over
 * verified TLS, to a server that supports REQUIRETLS itself. {@code dev.tresor.smtp.RequireTlsHook} records it as
 * the attribute {@value #ATTRIBUTE} ({@code true}); only the SMTP hook writes it. The {@code RecipientRequiresTls}
 * matcher and RequireTls read it; RequireTls also reads the sender's {@value #TLS_REQUIRED_HEADER} header.
 */
public final class RequireTlsOption {
    public static final String ATTRIBUTE = "tresor.tls.required";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);
    public static final Attribute PRESENT = new Attribute(NAME, AttributeValue.of(true));
    /** RFC 8689 section 5: {@code TLS-Required: No} asks relays to ignore the recipient's published TLS policy. */
    public static final String TLS_REQUIRED_HEADER = "TLS-Required";

    private RequireTlsOption() {
    }

    public static boolean isRequested(Mail mail) {
        return mail.getAttribute(NAME)
            .map(Attribute::getValue)
            .flatMap(value -> value.valueAs(Boolean.class))
            .orElse(false);
    }

    /** The {@code TLS-Required} header field (RFC 8689 section 5), when the mail has exactly one. */
    public static Optional<String> tlsRequiredHeader(MimeMessage message) {
        try {
            String[] values = message.getHeader(TLS_REQUIRED_HEADER);
            return values == null || values.length != 1 ? Optional.empty() : Optional.of(values[0].trim());
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }
}
