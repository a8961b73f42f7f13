package dev.tresor.keys.ca;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where relying parties fetch what a tenant CA publishes: its CRL, its OCSP responder and its own certificate. They
 * are written into every certificate the CA issues (CRL distribution point, authority information access), so they
 * must stay reachable for the certificates' whole life.
 *
 * <p>Each is an absolute {@code http://} URL: the S/MIME Baseline Requirements (7.1.2.3 b and c, strict and
 * multipurpose generations) allow no other scheme there, and RFC 5280 (4.2.1.13, 4.2.2.1) expects plain HTTP because
 * CRLs, certificates and OCSP responses are signed objects that need no transport security, and fetching them over
 * TLS could need the very revocation check being made.
 */
public final class CaUrls {
    private final String crlUrl;
    private final String ocspUrl;
    private final String caIssuersUrl;

    /**
     * @throws IllegalArgumentException naming the field when a URL is not an absolute {@code http://} URL with a host
     */
    public CaUrls(String crlUrl, String ocspUrl, String caIssuersUrl) {
        this.crlUrl = httpUrl("crlUrl", crlUrl);
        this.ocspUrl = httpUrl("ocspUrl", ocspUrl);
        this.caIssuersUrl = httpUrl("caIssuersUrl", caIssuersUrl);
    }

    /** The HTTP URL of the CA's CRL (DER). */
    public String crlUrl() {
        return crlUrl;
    }

    /** The HTTP URL of the CA's OCSP responder. */
    public String ocspUrl() {
        return ocspUrl;
    }

    /** The HTTP URL of the CA's certificate (DER), for clients that lack it. */
    public String caIssuersUrl() {
        return caIssuersUrl;
    }

    private static String httpUrl(String field, String url) {
        Objects.requireNonNull(url, field);
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw notHttp(field, url, "it is not a valid URL (" + e.getReason() + ")");
        }
        if (!uri.isAbsolute() || !"http".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            throw notHttp(field, url, "the S/MIME Baseline Requirements allow only http:// there");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw notHttp(field, url, "it names no host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw notHttp(field, url, "it carries user information or a fragment, which clients do not send");
        }
        return url;
    }

    private static IllegalArgumentException notHttp(String field, String url, String why) {
        return new IllegalArgumentException(field + " must be an absolute http:// URL, but '" + url + "' is not: " + why);
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof CaUrls) {
            CaUrls that = (CaUrls) o;
            return crlUrl.equals(that.crlUrl) && ocspUrl.equals(that.ocspUrl) && caIssuersUrl.equals(that.caIssuersUrl);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(crlUrl, ocspUrl, caIssuersUrl);
    }

    @Override
    public String toString() {
        return "CaUrls{crl=" + crlUrl + ", ocsp=" + ocspUrl + ", caIssuers=" + caIssuersUrl + "}";
    }
}
