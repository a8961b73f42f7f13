package dev.tresor.keys.ca;

import java.io.IOException;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.function.Function;

import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.RevokedInfo;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculator;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import dev.tresor.keys.lifecycle.RevocationReason;

/**
 * A tenant CA's OCSP responder (RFC 6960), without transport: DER request in, DER response out, so that the WebAdmin
 * or HTTP route in front only moves bytes.
 *
 * <ul>
 * <li>The CA key signs the responses itself (its certificate has digitalSignature for that), so no responder
 * certificate is included: the client has the CA certificate already, it is the issuer it asks about (RFC 6960
 * 4.2.2.2). The responder id is the SHA-1 hash of the CA's public key.</li>
 * <li>A request the responder cannot read, with no CertID, with more than {@value #MAXIMUM_REQUESTS} CertIDs or with
 * a nonce outside 1 to 32 octets (RFC 8954) is answered {@code malformedRequest}: outside input never throws.</li>
 * <li>A CertID naming another issuer (its issuerNameHash or issuerKeyHash, whatever hash algorithm the client chose,
 * does not match this CA) is answered {@code unknown}, which RFC 6960 2.2 defines for exactly that case ("an
 * unrecognized issuer that is not served by this responder"). This keeps a mixed request answerable, whereas
 * {@code unauthorized} would refuse the whole request, and it tells nothing about the other issuer.</li>
 * <li>thisUpdate and producedAt are {@code now}, nextUpdate {@code now + validity}; a request's nonce is echoed.</li>
 * <li>A revoked status carries the revocation reason unless it is unspecified, as the CRL does (S/MIME BR 7.3), and
 * never a reasonCode single extension (S/MIME BR 7.3.2).</li>
 * </ul>
 */
public final class OcspResponder {
    /** More CertIDs than any client sends in one request (they send one); a bound on the work one request makes. */
    static final int MAXIMUM_REQUESTS = 32;
    /** Requests are a few hundred bytes; anything bigger is not a request this responder answers. */
    static final int MAXIMUM_REQUEST_BYTES = 16 * 1024;
    /** S/MIME Baseline Requirements 4.9.10: a response is valid between eight hours and ten days. */
    static final Duration MINIMUM_VALIDITY = Duration.ofHours(8);
    static final Duration MAXIMUM_VALIDITY = Duration.ofDays(10);
    private static final int MAXIMUM_NONCE_OCTETS = 32;

    private OcspResponder() {
    }

    /**
     * The DER OCSPResponse to a DER OCSPRequest.
     *
     * @param statusOf the CA's knowledge of a serial number it issued; called only for CertIDs that name this CA. It
     *                 must answer {@link OcspStatus#unknown()} for a serial the CA never issued. Its exceptions are
     *                 not caught: the caller logs them and answers {@link #internalError()}.
     * @throws IllegalArgumentException when {@code validity} is outside the eight hours to ten days of the S/MIME
     *                                  Baseline Requirements (4.9.10), or the key cannot sign: a misconfiguration,
     *                                  never the client's fault
     */
    public static byte[] respond(X509Certificate ca, PrivateKey caKey, byte[] requestDer,
                                 Function<BigInteger, OcspStatus> statusOf, Instant now, Duration validity) {
        Objects.requireNonNull(ca, "ca");
        Objects.requireNonNull(caKey, "caKey");
        Objects.requireNonNull(statusOf, "statusOf");
        Objects.requireNonNull(validity, "validity");
        if (validity.compareTo(MINIMUM_VALIDITY) < 0 || validity.compareTo(MAXIMUM_VALIDITY) > 0) {
            throw new IllegalArgumentException("An OCSP response is valid for eight hours to ten days (S/MIME Baseline"
                + " Requirements 4.9.10), not " + validity);
        }
        Date thisUpdate = CaCertificates.seconds(now, "now");
        Date nextUpdate = Date.from(thisUpdate.toInstant().plus(validity));
        OCSPReq request = parse(requestDer);
        if (request == null) {
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        Req[] certIds = request.getRequestList();
        Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        if (certIds.length == 0 || certIds.length > MAXIMUM_REQUESTS || nonce != null && !isNonce(nonce)) {
            return status(OCSPRespBuilder.MALFORMED_REQUEST);
        }
        try {
            X509CertificateHolder issuer = new X509CertificateHolder(ca.getEncoded());
            DigestCalculatorProvider digests = new JcaDigestCalculatorProviderBuilder().build();
            BasicOCSPRespBuilder response = new BasicOCSPRespBuilder(
                SubjectPublicKeyInfo.getInstance(ca.getPublicKey().getEncoded()), sha1(digests));
            for (Req certId : certIds) {
                CertificateID id = certId.getCertID();
                CertificateStatus status = namesIssuer(id, issuer, digests)
                    ? certificateStatus(Objects.requireNonNull(statusOf.apply(id.getSerialNumber()), "statusOf answered null"))
                    : new UnknownStatus();
                response.addResponse(id, status, thisUpdate, nextUpdate);
            }
            if (nonce != null) {
                response.setResponseExtensions(new Extensions(new Extension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce, false,
                    nonce.getExtnValue())));
            }
            return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL,
                response.build(CaSigners.signer(caKey), null, thisUpdate)).getEncoded();
        } catch (CertificateEncodingException | IOException e) {
            throw new IllegalStateException("Cannot encode the OCSP response", e);
        } catch (OCSPException | OperatorCreationException e) {
            throw new IllegalArgumentException("Cannot sign the OCSP response with the CA key: " + e.getMessage(), e);
        }
    }

    /** An {@code internalError} response, for when the CA's status could not be read. */
    public static byte[] internalError() {
        return status(OCSPRespBuilder.INTERNAL_ERROR);
    }

    private static OCSPReq parse(byte[] requestDer) {
        if (requestDer == null || requestDer.length == 0 || requestDer.length > MAXIMUM_REQUEST_BYTES) {
            return null;
        }
        try {
            return new OCSPReq(requestDer);
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports broken ASN.1 with several unchecked exceptions too; each means "not a request".
            return null;
        }
    }

    /** RFC 8954: the nonce is an OCTET STRING of 1 to 32 octets. */
    private static boolean isNonce(Extension nonce) {
        try {
            int length = ASN1OctetString.getInstance(nonce.getExtnValue().getOctets()).getOctets().length;
            return length >= 1 && length <= MAXIMUM_NONCE_OCTETS;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether the CertID's issuerNameHash and issuerKeyHash are those of this CA under the CertID's hash algorithm
     * (SHA-1 from most clients, SHA-256 from some). A hash algorithm the JDK does not know cannot name this CA.
     */
    private static boolean namesIssuer(CertificateID id, X509CertificateHolder issuer, DigestCalculatorProvider digests) {
        try {
            return id.matchesIssuer(issuer, digests);
        } catch (OCSPException | RuntimeException e) {
            return false;
        }
    }

    private static CertificateStatus certificateStatus(OcspStatus status) {
        switch (status.kind()) {
            case GOOD:
                return CertificateStatus.GOOD;
            case REVOKED:
                RevocationReason reason = status.reason().orElseThrow();
                Date revokedAt = CaCertificates.seconds(status.revokedAt().orElseThrow(), "revokedAt");
                return new RevokedStatus(new RevokedInfo(new ASN1GeneralizedTime(revokedAt),
                    reason == RevocationReason.UNSPECIFIED ? null : CRLReason.lookup(reason.code())));
            default:
                return new UnknownStatus();
        }
    }

    private static DigestCalculator sha1(DigestCalculatorProvider digests) throws OperatorCreationException {
        return digests.get(CertificateID.HASH_SHA1);
    }

    private static byte[] status(int status) {
        try {
            return new OCSPRespBuilder().build(status, null).getEncoded();
        } catch (OCSPException | IOException e) {
            throw new IllegalStateException("Cannot encode an OCSP status " + status, e);
        }
    }
}
