package dev.tresor.mailets;

import java.util.Locale;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.base.GenericMailet;

import dev.tresor.smime.RevocationPolicy;

/** The init parameters of mailets that verify signatures: {@code revocation} and {@code trustJdkCacerts}. */
final class VerificationParameters {
    static final String REVOCATION = "revocation";
    static final String TRUST_JDK_CACERTS = "trustJdkCacerts";

    private VerificationParameters() {
    }

    static RevocationPolicy revocation(GenericMailet mailet) throws MessagingException {
        String value = choice(mailet, REVOCATION, "soft-fail", "soft-fail", "hard-fail", "off");
        return RevocationPolicy.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    static boolean trustJdkCacerts(GenericMailet mailet) throws MessagingException {
        return Boolean.parseBoolean(choice(mailet, TRUST_JDK_CACERTS, "false", "true", "false"));
    }

    /** The parameter's value, trimmed and lower-cased, or its default; anything not allowed fails init with the choices. */
    static String choice(GenericMailet mailet, String parameter, String defaultValue, String... allowed) throws MessagingException {
        String value = Optional.ofNullable(mailet.getInitParameter(parameter)).map(String::trim).orElse(defaultValue)
            .toLowerCase(Locale.ROOT);
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        throw new MessagingException(mailet.getMailetName() + ": invalid value '" + mailet.getInitParameter(parameter)
            + "' for parameter '" + parameter + "', allowed: " + String.join(", ", allowed) + " (default " + defaultValue + ")");
    }
}
