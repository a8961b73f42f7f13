package dev.tresor.mailets.support;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;

import dev.tresor.keys.Fingerprint;

/** The fingerprint under which a signer's certificate is audited and stored. */
public final class SignerFingerprint {
    private SignerFingerprint() {
    }

    public static Fingerprint of(X509Certificate certificate) {
        try {
            return Fingerprint.sha256(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("A parsed certificate is always encodable", e);
        }
    }
}
