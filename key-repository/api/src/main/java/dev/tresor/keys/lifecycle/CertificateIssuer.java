package dev.tresor.keys.lifecycle;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;

/**
 * Whoever signs the certificates Tresor requests for a tenant's users: the tenant CA, or a CA outside (EJBCA, a
 * commercial managed PKI, an ACME server for S/MIME). Tresor makes the key pair and a PKCS#10 request signed with it
 * (proof of possession); the issuer answers with the certificate. The private key never leaves Tresor.
 */
public interface CertificateIssuer {

    /** A short name for logs and the audit log, e.g. {@code tenant-ca}, {@code est:https://ca.example/.well-known/est}. */
    String name();

    /**
     * Issues a mailbox certificate for {@code address} from the request.
     *
     * @param csrDer   a PKCS#10 certification request (DER) for the key, signed with it
     * @param validity how long the certificate should be valid; an issuer may shorten it, never lengthen it
     * @return the certificate first, then its issuers (nearest first; the root may be left out)
     * @throws IssuanceException with a reason an admin understands when the CA refuses or cannot be reached
     */
    List<X509Certificate> issue(TenantId tenant, EmailAddress address, byte[] csrDer, Duration validity) throws IssuanceException;

    /** A refused or failed issuance. */
    final class IssuanceException extends Exception {
        private static final long serialVersionUID = 1L;

        public IssuanceException(String message) {
            super(message);
        }

        public IssuanceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
