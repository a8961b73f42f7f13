package dev.tresor.keys.repository;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.ca.CaCertificates;
import dev.tresor.keys.ca.CaUrls;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.lifecycle.CertificateIssuer;
import dev.tresor.keys.lifecycle.TenantCa;

/**
 * The tenant's own CA as a {@link CertificateIssuer}: checks the request's proof of possession and signs a mailbox
 * certificate for the requested key. Holds the CA's private key for one issuance only.
 */
final class TenantCaIssuer implements CertificateIssuer {
    /** Backdating absorbs clocks of mail clients a little behind ours; the Baseline Requirements allow up to 48 hours. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    private final TenantCa ca;
    private final PrivateKey caKey;
    private final Clock clock;

    TenantCaIssuer(TenantCa ca, PrivateKey caKey, Clock clock) {
        this.ca = ca;
        this.caKey = caKey;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "tenant-ca";
    }

    @Override
    public List<X509Certificate> issue(TenantId tenant, EmailAddress address, byte[] csrDer, Duration validity)
        throws IssuanceException {
        if (!tenant.equals(ca.tenant())) {
            throw new IssuanceException("The CA of " + ca.tenant().asString() + " does not issue for " + tenant.asString());
        }
        PublicKey subjectKey = provenKey(csrDer);
        CaSettings settings = ca.settings();
        Instant notBefore = clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(BACKDATE);
        Instant notAfter = notBefore.plus(validity).minusSeconds(1);
        if (notAfter.isAfter(ca.certificate().getNotAfter().toInstant())) {
            throw new IssuanceException("The CA certificate of " + tenant.asString() + " expires on "
                + ca.certificate().getNotAfter().toInstant() + ", before the certificate would: renew the CA first");
        }
        BigInteger serial = CaCertificates.newSerial();
        CaUrls urls = new CaUrls(settings.crlUrl(tenant), settings.ocspUrl(tenant), settings.caCertificateUrl(tenant));
        X509Certificate certificate = CaCertificates.newMailboxCertificate(ca.certificate(), caKey, subjectKey, address,
            serial, notBefore, notAfter, urls);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        chain.add(ca.certificate());
        chain.addAll(ca.chain());
        return chain;
    }

    private static PublicKey provenKey(byte[] csrDer) throws IssuanceException {
        try {
            PKCS10CertificationRequest request = new PKCS10CertificationRequest(csrDer);
            byte[] keyInfo = request.getSubjectPublicKeyInfo().getEncoded();
            if (!request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(request.getSubjectPublicKeyInfo()))) {
                throw new IssuanceException("The certification request is not signed by its key (no proof of possession)");
            }
            String algorithm = request.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId()
                .equals("1.2.840.113549.1.1.1") ? "RSA" : "EC";
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(keyInfo));
        } catch (IOException | OperatorCreationException | PKCSException | GeneralSecurityException | RuntimeException e) {
            throw new IssuanceException("Unreadable certification request: " + e.getMessage(), e);
        }
    }
}
