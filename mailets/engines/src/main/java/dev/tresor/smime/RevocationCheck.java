package dev.tresor.smime;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * Checks every certificate of a validated path (not the anchor) against the CRL of its issuer, fetched from the
 * certificate's http CRL distribution points. A CRL counts only when its issuer's key signed it, it names the
 * certificate's issuer, and it is current ({@code nextUpdate} not passed).
 */
final class RevocationCheck {
    private final CrlFetcher fetcher;

    RevocationCheck(CrlFetcher fetcher) {
        this.fetcher = fetcher;
    }

    /** The outcome: revoked, unknown (no CRL could be had), or good with what was not checked. */
    static final class Outcome {
        private final Optional<String> revoked;
        private final List<String> unknown;
        private final List<String> notes;

        private Outcome(Optional<String> revoked, List<String> unknown, List<String> notes) {
            this.revoked = revoked;
            this.unknown = List.copyOf(unknown);
            this.notes = List.copyOf(notes);
        }

        Optional<String> revoked() {
            return revoked;
        }

        /** Certificates whose CRL could not be fetched or used, with why. */
        List<String> unknown() {
            return unknown;
        }

        /** Certificates that name no http CRL distribution point: nothing to check. */
        List<String> notes() {
            return notes;
        }
    }

    Outcome check(List<X509Certificate> path, Instant now) {
        List<String> unknown = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i + 1 < path.size(); i++) {
            X509Certificate certificate = path.get(i);
            X509Certificate issuer = path.get(i + 1);
            List<URI> distributionPoints = httpDistributionPoints(certificate);
            if (distributionPoints.isEmpty()) {
                notes.add("the certificate of " + Names.of(certificate) + " names no http CRL distribution point");
                continue;
            }
            List<String> failures = new ArrayList<>();
            boolean checked = false;
            for (URI distributionPoint : distributionPoints) {
                try {
                    X509CRL crl = usableCrl(distributionPoint, issuer, now);
                    X509CRLEntry entry = crl.getRevokedCertificate(certificate);
                    if (entry != null) {
                        return new Outcome(Optional.of("the certificate of " + Names.of(certificate) + " was revoked on "
                            + entry.getRevocationDate().toInstant()
                            + (entry.getRevocationReason() == null ? "" : " (" + entry.getRevocationReason() + ")")),
                            List.of(), List.of());
                    }
                    checked = true;
                    break;
                } catch (IOException e) {
                    String message = String.valueOf(e.getMessage());
                    failures.add(message.contains(distributionPoint.toString()) ? message : distributionPoint + ": " + message);
                }
            }
            if (!checked) {
                unknown.add("no CRL for the certificate of " + Names.of(certificate) + ": " + String.join("; ", failures));
            }
        }
        return new Outcome(Optional.empty(), unknown, notes);
    }

    private X509CRL usableCrl(URI distributionPoint, X509Certificate issuer, Instant now) throws IOException {
        X509CRL crl = fetcher.fetch(distributionPoint);
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            throw new IOException("the CRL at " + distributionPoint + " is issued by " + crl.getIssuerX500Principal().getName()
                + ", not by " + issuer.getSubjectX500Principal().getName());
        }
        try {
            crl.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IOException("the CRL at " + distributionPoint + " is not signed by its issuer: " + e.getMessage(), e);
        }
        if (crl.getNextUpdate() != null && crl.getNextUpdate().toInstant().isBefore(now)) {
            throw new IOException("the CRL at " + distributionPoint + " is out of date (next update was due "
                + crl.getNextUpdate().toInstant() + ")");
        }
        return crl;
    }

    static List<URI> httpDistributionPoints(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.cRLDistributionPoints.getId());
        List<URI> uris = new ArrayList<>();
        if (extension == null) {
            return uris;
        }
        try {
            CRLDistPoint points = CRLDistPoint.getInstance(ASN1OctetString.getInstance(extension).getOctets());
            for (DistributionPoint point : points.getDistributionPoints()) {
                DistributionPointName name = point.getDistributionPoint();
                if (name == null || name.getType() != DistributionPointName.FULL_NAME) {
                    continue;
                }
                for (GeneralName general : GeneralNames.getInstance(name.getName()).getNames()) {
                    if (general.getTagNo() == GeneralName.uniformResourceIdentifier) {
                        URI uri = new URI(general.getName().toString());
                        if ("http".equals(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT))) {
                            uris.add(uri);
                        }
                    }
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // a malformed extension names no usable distribution point; the policy decides what that means
            return uris;
        }
        return uris;
    }
}
