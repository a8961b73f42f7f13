package dev.tresor.keys;

import java.net.IDN;
import java.util.Locale;
import java.util.Objects;

/**
 * An e-mail address in the one form we compare addresses in: the local part lower-cased, the domain lower-cased and
 * converted to its ASCII (punycode) form. So {@code John.Smith@Bücher.example} and {@code john.smith@xn--bcher-kva.example}
 * are the same address, whether they come from a certificate, an OpenPGP user id or an SMTP envelope.
 */
public final class EmailAddress implements Comparable<EmailAddress> {
    private final String localPart;
    private final String domain;

    private EmailAddress(String localPart, String domain) {
        this.localPart = localPart;
        this.domain = domain;
    }

    /**
     * @throws IllegalArgumentException when {@code address} is not {@code local@domain} with a valid domain
     */
    public static EmailAddress of(String address) {
        Objects.requireNonNull(address, "address");
        String trimmed = address.trim();
        int at = trimmed.lastIndexOf('@');
        if (at <= 0 || at == trimmed.length() - 1) {
            throw new IllegalArgumentException("Not an e-mail address: '" + address + "'");
        }
        return new EmailAddress(trimmed.substring(0, at).toLowerCase(Locale.ROOT), normaliseDomain(trimmed.substring(at + 1)));
    }

    /** A domain name in lower-case ASCII (IDN converted to punycode), without a trailing dot. */
    public static String normaliseDomain(String domain) {
        String trimmed = domain.trim();
        if (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        try {
            String ascii = IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            if (ascii.isEmpty()) {
                throw new IllegalArgumentException("Empty domain");
            }
            return ascii;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Not a valid domain: '" + domain + "'", e);
        }
    }

    public String localPart() {
        return localPart;
    }

    public String domain() {
        return domain;
    }

    public String asString() {
        return localPart + "@" + domain;
    }

    @Override
    public int compareTo(EmailAddress other) {
        return asString().compareTo(other.asString());
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof EmailAddress) {
            EmailAddress that = (EmailAddress) o;
            return localPart.equals(that.localPart) && domain.equals(that.domain);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(localPart, domain);
    }

    @Override
    public String toString() {
        return asString();
    }
}
