package dev.tresor.tls;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Server identity checks after RFC 6125: does a certificate's DNS name match the host we meant to reach?
 *
 * <ul>
 *     <li>Only {@code dNSName} subject alternative names count. The subject CN is never consulted (RFC 6125 allows it
 *         only for certificates without DNS names; every public CA has issued SANs for years, and the fallback is where
 *         name confusion lives).</li>
 *     <li>Names compare case-insensitively in ASCII (IDNs as punycode), a trailing dot ignored.</li>
 *     <li>A wildcard is a whole leftmost label {@code *} and stands for exactly one non-empty label:
 *         {@code *.bank.example} matches {@code mx.bank.example}, not {@code bank.example} nor
 *         {@code a.mx.bank.example}. Partial wildcards ({@code mx*.bank.example}), wildcards elsewhere and wildcards
 *         over fewer than two labels ({@code *.example}) match nothing.</li>
 * </ul>
 */
public final class ServerNames {
    private static final int DNS_NAME = 2;

    private ServerNames() {
    }

    /** The certificate's dNSName subject alternative names, as written in it. */
    public static List<String> dnsNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (alternative.size() >= 2 && Integer.valueOf(DNS_NAME).equals(alternative.get(0))
                        && alternative.get(1) instanceof String) {
                        names.add((String) alternative.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return names;
    }

    /** Whether any DNS name of the certificate matches any of the reference host names. */
    public static boolean certificateMatches(X509Certificate certificate, Collection<String> referenceNames) {
        List<String> presented = dnsNames(certificate);
        return referenceNames.stream().anyMatch(reference -> presented.stream().anyMatch(name -> matches(name, reference)));
    }

    /**
     * Whether the name presented in a certificate matches the reference identifier. A reference identifier that is
     * itself a wildcard (a configured {@code *.bank.example}) matches the same wildcard, or any host name it covers.
     */
    public static boolean matches(String presented, String reference) {
        Optional<String> presentedName = normalise(presented);
        Optional<String> referenceName = normalise(reference);
        if (presentedName.isEmpty() || referenceName.isEmpty()) {
            return false;
        }
        String certificateName = presentedName.get();
        String host = referenceName.get();
        if (host.startsWith("*.")) {
            return certificateName.equals(host) || (!certificateName.contains("*") && wildcardCovers(host, certificateName));
        }
        if (host.contains("*")) {
            return false;
        }
        if (certificateName.startsWith("*.")) {
            return wildcardCovers(certificateName, host);
        }
        return !certificateName.contains("*") && certificateName.equals(host);
    }

    private static boolean wildcardCovers(String wildcard, String host) {
        String base = wildcard.substring(2);
        if (base.contains("*") || base.indexOf('.') < 0) {
            return false;
        }
        int firstDot = host.indexOf('.');
        return firstDot > 0 && host.substring(firstDot + 1).equals(base);
    }

    private static Optional<String> normalise(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String trimmed = name.trim();
        if (trimmed.endsWith(".")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty() || trimmed.contains("..") || trimmed.startsWith(".")) {
            return Optional.empty();
        }
        try {
            boolean wildcard = trimmed.startsWith("*.");
            String rest = wildcard ? trimmed.substring(2) : trimmed;
            String ascii = IDN.toASCII(rest, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            return Optional.of(wildcard ? "*." + ascii : ascii);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
