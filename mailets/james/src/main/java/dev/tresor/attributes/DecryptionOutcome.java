package dev.tresor.attributes;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * What a decrypting mailet did, in its attribute and in the header both share:
 * <ul>
 *   <li>{@value #SMIME_ATTRIBUTE} (DecryptSmime) and {@value #PGP_ATTRIBUTE} (DecryptPgp): {@value #DECRYPTED}, or
 *       {@code not decrypted: <reason>};</li>
 *   <li>header {@value #HEADER}: {@code decrypted}, followed by what protected the content in parentheses
 *       ({@code decrypted (AES-GCM authenticated)}, {@code decrypted (OpenPGP, AES-256, SEIPD v1 (MDC))}), or
 *       {@code failed; reason="..."} on mail delivered still encrypted.</li>
 * </ul>
 * Written by DecryptSmime and DecryptPgp; read by the recipient (the header) and admins.
 */
public final class DecryptionOutcome {
    public static final String SMIME_ATTRIBUTE = "tresor.smime.decryption";
    public static final AttributeName SMIME = AttributeName.of(SMIME_ATTRIBUTE);
    public static final String PGP_ATTRIBUTE = "tresor.pgp.decryption";
    public static final AttributeName PGP = AttributeName.of(PGP_ATTRIBUTE);
    public static final String HEADER = "X-Tresor-Decryption";
    public static final String DECRYPTED = "decrypted";

    private DecryptionOutcome() {
    }

    /** @param attribute {@link #SMIME} or {@link #PGP} */
    public static void setDecrypted(Mail mail, AttributeName attribute) {
        mail.setAttribute(new Attribute(attribute, AttributeValue.of(DECRYPTED)));
    }

    /** @param attribute {@link #SMIME} or {@link #PGP} */
    public static void setNotDecrypted(Mail mail, AttributeName attribute, String reason) {
        mail.setAttribute(new Attribute(attribute, AttributeValue.of("not decrypted: " + reason)));
    }

    /** @param protection what protected the content, such as {@code AES-GCM authenticated}; empty for nothing to say */
    public static void writeDecryptedHeader(MimeMessage message, String protection) throws MessagingException {
        message.setHeader(HEADER, protection.isEmpty() ? DECRYPTED : DECRYPTED + " (" + protection + ")");
    }

    public static void writeFailedHeader(MimeMessage message, String reason) throws MessagingException {
        message.setHeader(HEADER, "failed; reason=\"" + reason.replace("\"", "'").replaceAll("[\\r\\n]+", " ") + "\"");
    }
}
