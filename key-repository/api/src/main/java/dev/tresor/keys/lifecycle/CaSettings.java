package dev.tresor.keys.lifecycle;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.tresor.keys.EmailAddress;

/**
 * How a tenant's CA issues and renews keys. Immutable; every value is checked when it is set, so a stored or received
 * settings text that breaks a rule is refused with a message naming the field.
 *
 * <table>
 * <caption>Fields, in their text and JSON names</caption>
 * <tr><td>publicationUrl</td><td>required: the http:// base under which Tresor's publication server is reachable for
 *     partners; the CRL, OCSP and CA certificate URLs written into every issued certificate start with it</td></tr>
 * <tr><td>keyAlgorithm</td><td>rsa-2048 (default), rsa-3072, ec-p256, ec-p384: the key pair of each issued certificate</td></tr>
 * <tr><td>validityDays</td><td>365: validity of an issued certificate or OpenPGP key, 1 to 825 (the S/MIME Baseline
 *     Requirements' limit for mailbox-validated certificates)</td></tr>
 * <tr><td>renewBeforeDays</td><td>30: an issued key is renewed this many days before it expires, 1 to validityDays - 1</td></tr>
 * <tr><td>autoIssueSmime</td><td>true: a local sender without a certificate gets one on her first mail that needs it</td></tr>
 * <tr><td>autoIssuePgp</td><td>false: the same for OpenPGP keys</td></tr>
 * <tr><td>pgpVersion</td><td>4 (default) or 6: the OpenPGP key version issued</td></tr>
 * <tr><td>expiryWarningDays</td><td>30: keys from outside (imported, harvested) expiring within this many days are
 *     reported (health check, WebAdmin, notice)</td></tr>
 * <tr><td>notify</td><td>none: the tenant admin's address for notices of expiring keys from outside</td></tr>
 * </table>
 */
public final class CaSettings {
    public static final int MAX_VALIDITY_DAYS = 825;

    private final String publicationUrl;
    private final KeyAlgorithm keyAlgorithm;
    private final int validityDays;
    private final int renewBeforeDays;
    private final boolean autoIssueSmime;
    private final boolean autoIssuePgp;
    private final int pgpVersion;
    private final int expiryWarningDays;
    private final Optional<EmailAddress> notify;

    private CaSettings(String publicationUrl, KeyAlgorithm keyAlgorithm, int validityDays, int renewBeforeDays,
                       boolean autoIssueSmime, boolean autoIssuePgp, int pgpVersion, int expiryWarningDays,
                       Optional<EmailAddress> notify) {
        this.publicationUrl = checkUrl(publicationUrl);
        this.keyAlgorithm = Objects.requireNonNull(keyAlgorithm);
        if (validityDays < 1 || validityDays > MAX_VALIDITY_DAYS) {
            throw new IllegalArgumentException("validityDays must be 1 to " + MAX_VALIDITY_DAYS + ", not " + validityDays);
        }
        if (renewBeforeDays < 1 || renewBeforeDays >= validityDays) {
            throw new IllegalArgumentException("renewBeforeDays must be 1 to validityDays - 1 (" + (validityDays - 1)
                + "), not " + renewBeforeDays);
        }
        if (pgpVersion != 4 && pgpVersion != 6) {
            throw new IllegalArgumentException("pgpVersion must be 4 or 6, not " + pgpVersion);
        }
        if (expiryWarningDays < 0 || expiryWarningDays > 3650) {
            throw new IllegalArgumentException("expiryWarningDays must be 0 to 3650, not " + expiryWarningDays);
        }
        this.validityDays = validityDays;
        this.renewBeforeDays = renewBeforeDays;
        this.autoIssueSmime = autoIssueSmime;
        this.autoIssuePgp = autoIssuePgp;
        this.pgpVersion = pgpVersion;
        this.expiryWarningDays = expiryWarningDays;
        this.notify = Objects.requireNonNull(notify);
    }

    /** The defaults with the given publication URL. */
    public static CaSettings defaults(String publicationUrl) {
        return new CaSettings(publicationUrl, KeyAlgorithm.RSA_2048, 365, 30, true, false, 4, 30, Optional.empty());
    }

    /**
     * Reads settings by field name (JSON or the stored text); fields not named keep the values of {@code base}.
     *
     * @throws IllegalArgumentException naming an unknown field or an invalid value
     */
    public static CaSettings parse(Map<String, String> fields, Optional<CaSettings> base) {
        String url = base.map(CaSettings::publicationUrl).orElse(null);
        KeyAlgorithm algorithm = base.map(CaSettings::keyAlgorithm).orElse(KeyAlgorithm.RSA_2048);
        int validity = base.map(CaSettings::validityDays).orElse(365);
        int renewBefore = base.map(CaSettings::renewBeforeDays).orElse(30);
        boolean smime = base.map(CaSettings::autoIssueSmime).orElse(true);
        boolean pgp = base.map(CaSettings::autoIssuePgp).orElse(false);
        int version = base.map(CaSettings::pgpVersion).orElse(4);
        int warning = base.map(CaSettings::expiryWarningDays).orElse(30);
        Optional<EmailAddress> notify = base.flatMap(CaSettings::notifyAddress);
        for (Map.Entry<String, String> field : fields.entrySet()) {
            String value = field.getValue() == null ? "" : field.getValue().trim();
            switch (field.getKey()) {
                case "publicationUrl":
                    url = value;
                    break;
                case "keyAlgorithm":
                    algorithm = KeyAlgorithm.parse(value);
                    break;
                case "validityDays":
                    validity = number(field.getKey(), value);
                    break;
                case "renewBeforeDays":
                    renewBefore = number(field.getKey(), value);
                    break;
                case "autoIssueSmime":
                    smime = bool(field.getKey(), value);
                    break;
                case "autoIssuePgp":
                    pgp = bool(field.getKey(), value);
                    break;
                case "pgpVersion":
                    version = number(field.getKey(), value);
                    break;
                case "expiryWarningDays":
                    warning = number(field.getKey(), value);
                    break;
                case "notify":
                    notify = value.isEmpty() ? Optional.empty() : Optional.of(address(value));
                    break;
                default:
                    throw new IllegalArgumentException("Unknown CA setting '" + field.getKey() + "'; allowed: "
                        + String.join(", ", defaults("http://localhost").asFields().keySet()));
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("publicationUrl is required: the http:// base URL of Tresor's publication server");
        }
        return new CaSettings(url, algorithm, validity, renewBefore, smime, pgp, version, warning, notify);
    }

    /** Every field by name, in a fixed order; {@code notify} is empty when not set. */
    public Map<String, String> asFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("publicationUrl", publicationUrl);
        fields.put("keyAlgorithm", keyAlgorithm.asString());
        fields.put("validityDays", Integer.toString(validityDays));
        fields.put("renewBeforeDays", Integer.toString(renewBeforeDays));
        fields.put("autoIssueSmime", Boolean.toString(autoIssueSmime));
        fields.put("autoIssuePgp", Boolean.toString(autoIssuePgp));
        fields.put("pgpVersion", Integer.toString(pgpVersion));
        fields.put("expiryWarningDays", Integer.toString(expiryWarningDays));
        fields.put("notify", notify.map(EmailAddress::asString).orElse(""));
        return fields;
    }

    /** The stored form: one {@code field=value} line per field. */
    public String asText() {
        StringBuilder text = new StringBuilder();
        asFields().forEach((name, value) -> text.append(name).append('=').append(value).append('\n'));
        return text.toString();
    }

    public static CaSettings fromText(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                int equals = line.indexOf('=');
                if (equals < 0) {
                    throw new IllegalArgumentException("Not a field=value line in CA settings: '" + line + "'");
                }
                fields.put(line.substring(0, equals).trim(), line.substring(equals + 1));
            }
        }
        return parse(fields, Optional.empty());
    }

    public String publicationUrl() {
        return publicationUrl;
    }

    /** Where the tenant's CRL is published: {@code <publicationUrl>/<tenant>/ca.crl}, written into every certificate. */
    public String crlUrl(dev.tresor.keys.TenantId tenant) {
        return publicationUrl + "/" + tenant.asString() + "/ca.crl";
    }

    /** The tenant CA's OCSP responder: {@code <publicationUrl>/<tenant>/ocsp} (POST, or GET with the request in the path). */
    public String ocspUrl(dev.tresor.keys.TenantId tenant) {
        return publicationUrl + "/" + tenant.asString() + "/ocsp";
    }

    /** The tenant CA's certificate (DER): {@code <publicationUrl>/<tenant>/ca.crt}, the AIA caIssuers URL. */
    public String caCertificateUrl(dev.tresor.keys.TenantId tenant) {
        return publicationUrl + "/" + tenant.asString() + "/ca.crt";
    }

    public KeyAlgorithm keyAlgorithm() {
        return keyAlgorithm;
    }

    public int validityDays() {
        return validityDays;
    }

    public int renewBeforeDays() {
        return renewBeforeDays;
    }

    public boolean autoIssueSmime() {
        return autoIssueSmime;
    }

    public boolean autoIssuePgp() {
        return autoIssuePgp;
    }

    public boolean autoIssues(KeyKind kind) {
        return kind == KeyKind.SMIME ? autoIssueSmime : autoIssuePgp;
    }

    public int pgpVersion() {
        return pgpVersion;
    }

    public int expiryWarningDays() {
        return expiryWarningDays;
    }

    public Optional<EmailAddress> notifyAddress() {
        return notify;
    }

    private static String checkUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("publicationUrl is required: the http:// base URL of Tresor's publication server");
        }
        try {
            URI uri = new URI(url.trim());
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getQuery() != null || uri.getFragment() != null) {
                throw new IllegalArgumentException("publicationUrl must be an http:// URL with a host and no query"
                    + " (CRL and OCSP URLs in certificates are plain HTTP, RFC 5280), not '" + url + "'");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("publicationUrl is not a URL: '" + url + "'");
        }
        String trimmed = url.trim();
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    private static int number(String field, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a whole number, not '" + value + "'");
        }
    }

    private static boolean bool(String field, String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false")) {
            return Boolean.parseBoolean(lower);
        }
        throw new IllegalArgumentException(field + " must be true or false, not '" + value + "'");
    }

    private static EmailAddress address(String value) {
        try {
            return EmailAddress.of(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("notify must be an e-mail address, not '" + value + "'");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CaSettings && asText().equals(((CaSettings) o).asText());
    }

    @Override
    public int hashCode() {
        return asText().hashCode();
    }

    @Override
    public String toString() {
        return "CaSettings" + asFields();
    }
}
