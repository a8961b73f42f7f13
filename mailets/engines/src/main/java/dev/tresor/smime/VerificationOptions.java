package dev.tresor.smime;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What a signature is verified against: the trust anchors of the recipient's tenant (named in reasons, e.g.
 * "tenant acme"), optionally the JDK's {@code cacerts} as well, and the revocation policy.
 */
public final class VerificationOptions {
    private final String trustContext;
    private final List<X509Certificate> trustAnchors;
    private final boolean trustJdkCacerts;
    private final RevocationPolicy revocation;

    private VerificationOptions(String trustContext, List<X509Certificate> trustAnchors, boolean trustJdkCacerts,
                                RevocationPolicy revocation) {
        this.trustContext = Objects.requireNonNull(trustContext);
        this.trustAnchors = List.copyOf(trustAnchors);
        this.trustJdkCacerts = trustJdkCacerts;
        this.revocation = Objects.requireNonNull(revocation);
    }

    /**
     * @param trustContext whose anchors these are, for reasons such as "no path to a trust anchor of tenant acme"
     */
    public static VerificationOptions trusting(String trustContext, List<X509Certificate> trustAnchors) {
        return new VerificationOptions(trustContext, trustAnchors, false, RevocationPolicy.SOFT_FAIL);
    }

    public VerificationOptions withJdkCacerts(boolean trust) {
        return new VerificationOptions(trustContext, trustAnchors, trust, revocation);
    }

    public VerificationOptions withRevocation(RevocationPolicy policy) {
        return new VerificationOptions(trustContext, trustAnchors, trustJdkCacerts, policy);
    }

    public String trustContext() {
        return trustContext;
    }

    public List<X509Certificate> trustAnchors() {
        return trustAnchors;
    }

    public boolean trustJdkCacerts() {
        return trustJdkCacerts;
    }

    public RevocationPolicy revocation() {
        return revocation;
    }
}
