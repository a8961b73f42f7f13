package dev.tresor.keys.webadmin;

import java.security.cert.X509Certificate;
import java.time.Instant;

import dev.tresor.keys.Fingerprint;

/** A certificate a tenant trusts to verify signatures. */
public final class TrustAnchorResponse {
    private final X509Certificate anchor;
    private final Fingerprint fingerprint;

    TrustAnchorResponse(X509Certificate anchor) {
        this.anchor = anchor;
        this.fingerprint = Fingerprint.of(anchor);
    }

    Fingerprint fingerprint() {
        return fingerprint;
    }

    public String getFingerprint() {
        return fingerprint.asString();
    }

    public String getSubject() {
        return anchor.getSubjectX500Principal().getName();
    }

    public String getIssuer() {
        return anchor.getIssuerX500Principal().getName();
    }

    public String getSerial() {
        return anchor.getSerialNumber().toString(16);
    }

    public Instant getNotBefore() {
        return anchor.getNotBefore().toInstant();
    }

    public Instant getNotAfter() {
        return anchor.getNotAfter().toInstant();
    }
}
