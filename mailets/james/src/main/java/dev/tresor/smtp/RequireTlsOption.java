package dev.tresor.smtp;

import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * RFC 8689: the sender gave {@code REQUIRETLS} in {@code MAIL FROM}, so every hop must relay the mail only over
 * verified TLS, to a server that supports REQUIRETLS itself. {@link RequireTlsHook} records it as the attribute
 * {@value #ATTRIBUTE} ({@code true}); only the SMTP hook writes it.
 */
public final class RequireTlsOption {
    public static final String ATTRIBUTE = "tresor.tls.required";
    public static final AttributeName ATTRIBUTE_NAME = AttributeName.of(ATTRIBUTE);
    public static final Attribute PRESENT = new Attribute(ATTRIBUTE_NAME, AttributeValue.of(true));

    private RequireTlsOption() {
    }

    public static boolean isRequested(Mail mail) {
        return mail.getAttribute(ATTRIBUTE_NAME)
            .map(Attribute::getValue)
            .flatMap(value -> value.valueAs(Boolean.class))
            .orElse(false);
    }

    /** The {@code TLS-Required} header field (RFC 8689 section 5), when the mail has exactly one. */
    public static Optional<String> tlsRequiredHeader(MimeMessage message) {
        try {
            String[] values = message.getHeader("TLS-Required");
            return values == null || values.length != 1 ? Optional.empty() : Optional.of(values[0].trim());
        } catch (MessagingException e) {
            return Optional.empty();
        }
    }
}
