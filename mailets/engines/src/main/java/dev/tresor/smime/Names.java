package dev.tresor.smime;

import java.security.cert.X509Certificate;
import java.util.List;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.io.CertificateFacts;

/** How a certificate is named in reasons and reports: its first e-mail address, else its subject. */
final class Names {
    private Names() {
    }

    static String of(X509Certificate certificate) {
        List<EmailAddress> addresses = CertificateFacts.of(certificate).emailAddresses();
        return addresses.isEmpty() ? certificate.getSubjectX500Principal().getName() : addresses.get(0).asString();
    }
}
