package dev.tresor.smime;

import java.io.File;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXCertPathBuilderResult;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a PKIX path (RFC 5280) from a signer's certificate, through the certificates the message carried, to one of
 * the trust anchors, with the JDK's validator. Revocation is checked separately ({@link RevocationCheck}), so that
 * it follows our policy and our cache.
 */
final class TrustPaths {
    private TrustPaths() {
    }

    /** A validated path: the signer's certificate first, then its issuers, ending with the trust anchor. */
    static final class TrustedPath {
        private final List<X509Certificate> certificates;

        private TrustedPath(List<X509Certificate> certificates) {
            this.certificates = List.copyOf(certificates);
        }

        List<X509Certificate> certificates() {
            return certificates;
        }

        boolean isValidAt(Instant at) {
            Date date = Date.from(at);
            for (X509Certificate certificate : certificates) {
                try {
                    certificate.checkValidity(date);
                } catch (java.security.cert.CertificateException e) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Paths already validated, by signer, carried certificates and anchors. Building a path checks every signature on
     * it with the JDK (slow for EC) and the answer only changes with those inputs and the date, which a hit re-checks;
     * revocation is never cached here. A partner's mails share one signer, so the cache holds after the first.
     */
    private static final int CACHED_PATHS = 10_000;
    private static final Map<PathKey, TrustedPath> VALIDATED = java.util.Collections.synchronizedMap(
        new java.util.LinkedHashMap<PathKey, TrustedPath>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<PathKey, TrustedPath> eldest) {
                return size() > CACHED_PATHS;
            }
        });

    private static final class PathKey {
        private final X509Certificate signer;
        private final List<X509Certificate> carried;
        private final Set<X509Certificate> anchors;
        private final boolean jdkCacerts;

        PathKey(X509Certificate signer, List<X509Certificate> carried, VerificationOptions options) {
            this.signer = signer;
            this.carried = List.copyOf(carried);
            this.anchors = Set.copyOf(options.trustAnchors());
            this.jdkCacerts = options.trustJdkCacerts();
        }

        @Override
        public boolean equals(Object o) {
            if (o instanceof PathKey) {
                PathKey that = (PathKey) o;
                return signer.equals(that.signer) && carried.equals(that.carried) && anchors.equals(that.anchors)
                    && jdkCacerts == that.jdkCacerts;
            }
            return false;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(signer, carried, anchors, jdkCacerts);
        }
    }

    /** Why no path could be built, for the verdict's reason. */
    static final class NoPath extends Exception {
        private static final long serialVersionUID = 1L;

        NoPath(String message) {
            super(message);
        }
    }

    static TrustedPath build(X509Certificate signer, List<X509Certificate> carried, VerificationOptions options, Instant at)
        throws NoPath {
        Set<TrustAnchor> anchors = anchors(options);
        if (anchors.isEmpty()) {
            throw new NoPath("no trust anchors configured for " + options.trustContext());
        }
        for (TrustAnchor anchor : anchors) {
            if (signer.equals(anchor.getTrustedCert())) {
                return new TrustedPath(List.of(signer));
            }
        }
        PathKey key = new PathKey(signer, carried, options);
        TrustedPath known = VALIDATED.get(key);
        if (known != null && known.isValidAt(at)) {
            return known;
        }
        TrustedPath built = buildWithPkix(signer, carried, anchors, options, at);
        VALIDATED.put(key, built);
        return built;
    }

    private static TrustedPath buildWithPkix(X509Certificate signer, List<X509Certificate> carried, Set<TrustAnchor> anchors,
                                             VerificationOptions options, Instant at) throws NoPath {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(signer);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            List<X509Certificate> store = new ArrayList<>(carried);
            store.add(signer);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
            PKIXCertPathBuilderResult result = (PKIXCertPathBuilderResult) CertPathBuilder.getInstance("PKIX").build(parameters);
            List<X509Certificate> path = new ArrayList<>();
            result.getCertPath().getCertificates().forEach(certificate -> path.add((X509Certificate) certificate));
            X509Certificate anchor = result.getTrustAnchor().getTrustedCert();
            if (anchor != null) {
                path.add(anchor);
            }
            return new TrustedPath(path);
        } catch (CertPathBuilderException e) {
            throw new NoPath("no path to a trust anchor of " + options.trustContext()
                + (options.trustJdkCacerts() ? " or of the JDK" : "") + explanation(e));
        } catch (GeneralSecurityException e) {
            throw new NoPath("the certificate path cannot be checked (a certificate on it is damaged or unsupported)");
        }
    }

    private static String explanation(CertPathBuilderException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage();
        return message == null || message.contains("unable to find valid certification path") ? "" : " (" + message + ")";
    }

    private static Set<TrustAnchor> anchors(VerificationOptions options) {
        Set<TrustAnchor> anchors = new HashSet<>();
        options.trustAnchors().forEach(anchor -> anchors.add(new TrustAnchor(anchor, null)));
        if (options.trustJdkCacerts()) {
            anchors.addAll(JdkCacerts.ANCHORS);
        }
        return anchors;
    }

    /** The JDK's {@code cacerts}, read once. */
    private static final class JdkCacerts {
        static final Set<TrustAnchor> ANCHORS = load();

        private static Set<TrustAnchor> load() {
            File file = new File(System.getProperty("java.home"), "lib/security/cacerts");
            try {
                KeyStore store = KeyStore.getInstance(file, (char[]) null);
                Set<TrustAnchor> anchors = new HashSet<>();
                for (String alias : Collections.list(store.aliases())) {
                    if (store.getCertificate(alias) instanceof X509Certificate) {
                        anchors.add(new TrustAnchor((X509Certificate) store.getCertificate(alias), null));
                    }
                }
                return Collections.unmodifiableSet(anchors);
            } catch (GeneralSecurityException | java.io.IOException e) {
                throw new IllegalStateException("Cannot read the JDK's trust store " + file + ": " + e.getMessage(), e);
            }
        }
    }
}
