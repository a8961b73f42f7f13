package dev.tresor.keys;

/**
 * The check a mail domain passes before a tenant may own it: a host name (RFC 1123 labels of letters, digits and
 * {@code -}, at most 63 characters each, 253 in all), given in Unicode or ASCII, kept in the canonical form that
 * {@link EmailAddress#normaliseDomain} gives (lower case, IDN as punycode, no trailing dot), so that the mapping is
 * found by the domain of any address.
 *
 * <p>Lookups ({@link TenantDirectory#tenantOf}) stay lenient, since they see whatever mail brings; only what is
 * stored is held to this.
 */
public final class DomainName {
    private static final int MAX_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    private DomainName() {
    }

    /**
     * @return the canonical form of {@code domain}
     * @throws IllegalArgumentException naming what is wrong, if {@code domain} is not a host name
     */
    public static String canonical(String domain) {
        if (domain == null || domain.isEmpty()) {
            throw invalid(String.valueOf(domain), "it is empty");
        }
        if (domain.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
            || Character.isSpaceChar(c))) {
            throw invalid(domain, "it contains white space or a control character");
        }
        String ascii;
        try {
            ascii = EmailAddress.normaliseDomain(domain);
        } catch (IllegalArgumentException e) {
            throw invalid(domain, e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }
        if (ascii.length() > MAX_LENGTH) {
            throw invalid(domain, "it has more than " + MAX_LENGTH + " characters");
        }
        String[] labels = ascii.split("\\.", -1);
        for (String label : labels) {
            checkLabel(domain, label);
        }
        if (labels[labels.length - 1].chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw invalid(domain, "its last label is a number; an IP address is not a mail domain");
        }
        return ascii;
    }

    private static void checkLabel(String domain, String label) {
        if (label.isEmpty()) {
            throw invalid(domain, "it has an empty label (two dots in a row, or a leading dot)");
        }
        if (label.length() > MAX_LABEL_LENGTH) {
            throw invalid(domain, "a label has more than " + MAX_LABEL_LENGTH + " characters");
        }
        if (!label.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
            throw invalid(domain, "label '" + label + "' has a character other than letters, digits and '-'");
        }
        if (label.startsWith("-") || label.endsWith("-")) {
            throw invalid(domain, "label '" + label + "' starts or ends with '-'");
        }
    }

    private static IllegalArgumentException invalid(String domain, String reason) {
        return new IllegalArgumentException("Invalid domain '" + domain + "': " + reason
            + "; use a host name such as example.com (labels of letters, digits and '-', separated by dots)");
    }
}
