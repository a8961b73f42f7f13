package dev.tresor.attributes;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * {@value #ATTRIBUTE}: what Autocrypt ({@code mode=harvest}) did with a mail's {@code Autocrypt} header:
 * {@code harvested <fingerprint>} (stored in a recipient tenant), {@code known <fingerprint>} (stored already) or
 * {@code refused: <reason>}. A mail without the header gets no attribute. Written by Autocrypt; read by admins.
 */
public final class AutocryptOutcome {
    public static final String ATTRIBUTE = "tresor.pgp.autocrypt";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);

    private AutocryptOutcome() {
    }

    public static String harvested(String fingerprint) {
        return "harvested " + fingerprint;
    }

    public static String known(String fingerprint) {
        return "known " + fingerprint;
    }

    public static void setRefused(Mail mail, String reason) {
        set(mail, "refused: " + reason);
    }

    /** @param outcome {@link #harvested} or {@link #known} */
    public static void set(Mail mail, String outcome) {
        mail.setAttribute(new Attribute(NAME, AttributeValue.of(outcome)));
    }
}
