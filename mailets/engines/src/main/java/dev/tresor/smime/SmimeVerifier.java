package dev.tresor.smime;

import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.DefaultCMSSignatureAlgorithmNameGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.Store;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.io.CertificateFacts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies an S/MIME signed message (RFC 8551), detached {@code multipart/signed} or opaque
 * {@code application/pkcs7-mime; smime-type=signed-data}, and says what it found as a {@link SmimeVerdict}.
 *
 * <p>For each signer, in this order, the first failed check decides:
 * <ol>
 *   <li>the signature matches the content (digest with the JDK's SHA-2, RSA with the JDK, EC and RSA-PSS with
 *       Bouncy Castle) — else {@code INVALID};</li>
 *   <li>the certificate may sign e-mail (keyUsage digitalSignature or nonRepudiation when present; extendedKeyUsage
 *       emailProtection or anyExtendedKeyUsage when present) — else {@code INVALID};</li>
 *   <li>every {@code From} address is an address of the certificate (rfc822Name or subject emailAddress, compared
 *       case-insensitively) — else {@code INVALID}: the mail claims an author the signature does not vouch for, which
 *       no trust anchor could make right;</li>
 *   <li>the certificate was valid at the signing time (the signed attribute, if it is not in the future; else now),
 *       and a PKIX path leads from it, through the certificates the message carried, to a trust anchor — else
 *       {@code UNTRUSTED};</li>
 *   <li>no certificate of the path is on its CA's CRL — else {@code REVOKED}; when a CRL cannot be had, the
 *       {@link RevocationPolicy} decides between {@code UNTRUSTED} and {@code VALID} with a note.</li>
 * </ol>
 * With several signers, the message is valid when one signer is; otherwise the verdict reported is the first
 * {@code REVOKED}, else the first {@code UNTRUSTED}, else the first {@code INVALID} one.
 *
 * <p>Bad input never throws: a message that cannot be read as S/MIME gets an {@code INVALID} verdict with the reason.
 */
public final class SmimeVerifier {
    private static final Logger LOGGER = LoggerFactory.getLogger(SmimeVerifier.class);
    /** Signing times further ahead than this are implausible (a wrong clock or a lie), and "now" is used instead. */
    private static final Duration CLOCK_SKEW = Duration.ofHours(1);
    private static final DigestCalculatorProvider DIGESTS = jdkDigests();

    private final RevocationCheck revocation;
    private final Clock clock;

    public SmimeVerifier(CrlFetcher crls, Clock clock) {
        this.revocation = new RevocationCheck(Objects.requireNonNull(crls));
        this.clock = Objects.requireNonNull(clock);
    }

    public SmimeVerdict verify(MimeMessage message, VerificationOptions options) {
        SmimeType type;
        try {
            type = SmimeType.of(message);
        } catch (MessagingException | RuntimeException e) {
            return SmimeVerdict.notSigned();
        }
        if (!type.isSigned()) {
            return SmimeVerdict.notSigned();
        }
        try {
            SignedMessage signed = SignedMessage.read(message, type);
            FromAddresses from = fromAddresses(message);
            SmimeVerdict verdict = verifySigners(signed, from, options);
            if (verdict.status() == SmimeVerdict.Status.INVALID) {
                Optional<SignedMessage> crlf = signed.withCrlfLineEnds();
                if (crlf.isPresent()) {
                    SmimeVerdict canonical = verifySigners(crlf.get(), from, options);
                    if (canonical.status() != SmimeVerdict.Status.INVALID) {
                        return canonical.withSignedContent(crlf.get().content());
                    }
                }
            }
            return verdict.withSignedContent(signed.content());
        } catch (SmimeException e) {
            LOGGER.info("Unreadable S/MIME signature", e);
            return SmimeVerdict.unreadable(e.getMessage());
        } catch (RuntimeException e) {
            // Bouncy Castle reports some malformed ASN.1 with unchecked exceptions; the verdict says what, the log why
            LOGGER.info("Unreadable S/MIME signature", e);
            return SmimeVerdict.unreadable("the signature is damaged (truncated or not valid CMS)");
        }
    }

    private SmimeVerdict verifySigners(SignedMessage signed, FromAddresses from, VerificationOptions options)
        throws SmimeException {
        Collection<SignerInformation> signers = signed.signers().getSigners();
        if (signers.isEmpty()) {
            throw new SmimeException("the signature names no signer");
        }
        List<X509Certificate> carried = certificates(signed.certificates());
        List<SmimeVerdict> verdicts = new ArrayList<>();
        for (SignerInformation signer : signers) {
            SmimeVerdict verdict = verifySigner(signer, signed.certificates(), carried, from, options);
            if (verdict.isValid()) {
                return verdict;
            }
            verdicts.add(verdict);
        }
        return first(verdicts, SmimeVerdict.Status.REVOKED)
            .or(() -> first(verdicts, SmimeVerdict.Status.UNTRUSTED))
            .orElse(verdicts.get(0));
    }

    private SmimeVerdict verifySigner(SignerInformation signer, Store<X509CertificateHolder> store,
                                          List<X509Certificate> carried, FromAddresses from, VerificationOptions options)
        throws SmimeException {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = store.getMatches(signer.getSID());
        if (matches.isEmpty()) {
            throw new SmimeException("the signer's certificate is not included in the signature");
        }
        X509Certificate certificate = toCertificate(matches.iterator().next());
        Optional<Instant> signingTime = signingTime(signer);
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        carried.stream().filter(other -> !other.equals(certificate)).forEach(chain::add);

        Optional<String> brokenSignature = checkSignature(signer, certificate.getPublicKey());
        if (brokenSignature.isPresent()) {
            return SmimeVerdict.of(SmimeVerdict.Status.INVALID, brokenSignature.get(), certificate, chain,
                firstAddress(certificate), signingTime);
        }
        Verdicts verdicts = new Verdicts(certificate, chain, signingTime);
        CertificateFacts facts = CertificateFacts.of(certificate);
        if (!facts.canSign()) {
            return verdicts.of(SmimeVerdict.Status.INVALID, "the certificate of " + Names.of(certificate)
                + " is not for e-mail signing (keyUsage or extendedKeyUsage)", firstAddress(certificate));
        }
        Optional<String> fromMismatch = from.mismatch(facts.emailAddresses());
        if (fromMismatch.isPresent()) {
            return verdicts.of(SmimeVerdict.Status.INVALID, fromMismatch.get(), firstAddress(certificate));
        }
        Optional<EmailAddress> signerAddress = from.first();
        Instant now = clock.instant();
        Instant validationTime = signingTime.filter(time -> !time.isAfter(now.plus(CLOCK_SKEW))).orElse(now);
        Optional<String> outOfValidity = validityProblem(certificate, validationTime, signingTime.isPresent());
        if (outOfValidity.isPresent()) {
            return verdicts.of(SmimeVerdict.Status.UNTRUSTED, outOfValidity.get(), signerAddress);
        }
        TrustPaths.TrustedPath path;
        try {
            path = TrustPaths.build(certificate, carried, options, validationTime);
        } catch (TrustPaths.NoPath e) {
            return verdicts.of(SmimeVerdict.Status.UNTRUSTED, e.getMessage(), signerAddress);
        }
        Verdicts trusted = new Verdicts(certificate, path.certificates(), signingTime);
        if (options.revocation() == RevocationPolicy.OFF) {
            return trusted.of(SmimeVerdict.Status.VALID, "signature valid; revocation not checked (disabled)", signerAddress);
        }
        RevocationCheck.Outcome outcome = revocation.check(path.certificates(), now);
        if (outcome.revoked().isPresent()) {
            return trusted.of(SmimeVerdict.Status.REVOKED, outcome.revoked().get(), signerAddress);
        }
        if (!outcome.unknown().isEmpty()) {
            String unknown = String.join("; ", outcome.unknown());
            return options.revocation() == RevocationPolicy.HARD_FAIL
                ? trusted.of(SmimeVerdict.Status.UNTRUSTED, "revocation status unknown: " + unknown, signerAddress)
                : trusted.of(SmimeVerdict.Status.VALID, "signature valid; revocation not checked: " + unknown, signerAddress);
        }
        if (!outcome.notes().isEmpty() && options.revocation() == RevocationPolicy.HARD_FAIL) {
            // hard-fail wants a known status for every certificate; one that names no CRL has none
            return trusted.of(SmimeVerdict.Status.UNTRUSTED, "revocation status unknown: "
                + String.join("; ", outcome.notes()), signerAddress);
        }
        String notes = outcome.notes().isEmpty() ? "" : "; revocation not checked: " + String.join("; ", outcome.notes());
        return trusted.of(SmimeVerdict.Status.VALID, "signature valid, signed by " + Names.of(certificate) + notes,
            signerAddress);
    }

    /** Verdicts about one signer, with its certificate, chain and signing time filled in. */
    private static final class Verdicts {
        private final X509Certificate certificate;
        private final List<X509Certificate> chain;
        private final Optional<Instant> signingTime;

        Verdicts(X509Certificate certificate, List<X509Certificate> chain, Optional<Instant> signingTime) {
            this.certificate = certificate;
            this.chain = chain;
            this.signingTime = signingTime;
        }

        SmimeVerdict of(SmimeVerdict.Status status, String reason, Optional<EmailAddress> address) {
            return SmimeVerdict.of(status, reason, certificate, chain, address, signingTime);
        }
    }

    private static Optional<String> checkSignature(SignerInformation signer, PublicKey key) {
        try {
            if (signer.verify(verifierFor(signer, key))) {
                return Optional.empty();
            }
            return Optional.of("the signature value does not match (wrong key or forged signature)");
        } catch (CMSSignerDigestMismatchException e) {
            return Optional.of("signature does not match the content (message altered)");
        } catch (Exception e) {
            LOGGER.info("S/MIME signature cannot be verified", e);
            return Optional.of("the signature cannot be verified (damaged or of an unsupported algorithm)");
        }
    }

    /** RSA PKCS#1 v1.5 with the JDK (intrinsics); EC, RSA-PSS and EdDSA with Bouncy Castle (faster or only there). */
    private static SignerInformationVerifier verifierFor(SignerInformation signer, PublicKey key) throws OperatorCreationException {
        JcaContentVerifierProviderBuilder builder = new JcaContentVerifierProviderBuilder();
        if (!isRsaPkcs1(signer.getEncryptionAlgOID())) {
            builder.setProvider(SmimeProviders.BOUNCY_CASTLE);
        }
        // built from the key, not the certificate: validity at the signing time is our check, with a better reason
        ContentVerifierProvider verifier = builder.build(key);
        return new SignerInformationVerifier(new DefaultCMSSignatureAlgorithmNameGenerator(),
            new DefaultSignatureAlgorithmIdentifierFinder(), verifier, DIGESTS);
    }

    private static final Set<String> RSA_PKCS1 = Set.of(PKCSObjectIdentifiers.rsaEncryption.getId(),
        PKCSObjectIdentifiers.sha256WithRSAEncryption.getId(), PKCSObjectIdentifiers.sha384WithRSAEncryption.getId(),
        PKCSObjectIdentifiers.sha512WithRSAEncryption.getId(), PKCSObjectIdentifiers.sha1WithRSAEncryption.getId());

    private static boolean isRsaPkcs1(String oid) {
        return RSA_PKCS1.contains(oid);
    }

    private static Optional<String> validityProblem(X509Certificate certificate, Instant at, boolean atSigningTime) {
        String when = atSigningTime ? "the signing time " + at : "now (" + at + ", the message names no signing time)";
        try {
            certificate.checkValidity(Date.from(at));
            return Optional.empty();
        } catch (CertificateExpiredException e) {
            return Optional.of("the certificate of " + Names.of(certificate) + " expired on "
                + certificate.getNotAfter().toInstant() + ", before " + when);
        } catch (CertificateNotYetValidException e) {
            return Optional.of("the certificate of " + Names.of(certificate) + " is valid only from "
                + certificate.getNotBefore().toInstant() + ", after " + when);
        }
    }

    private static Optional<Instant> signingTime(SignerInformation signer) {
        if (signer.getSignedAttributes() == null) {
            return Optional.empty();
        }
        Attribute attribute = signer.getSignedAttributes().get(CMSAttributes.signingTime);
        if (attribute == null || attribute.getAttrValues().size() == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Time.getInstance(attribute.getAttrValues().getObjectAt(0)).getDate().toInstant());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<EmailAddress> firstAddress(X509Certificate certificate) {
        return CertificateFacts.of(certificate).emailAddresses().stream().findFirst();
    }

    private static List<X509Certificate> certificates(Store<X509CertificateHolder> store) throws SmimeException {
        List<X509Certificate> certificates = new ArrayList<>();
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> holders = store.getMatches(null);
        for (X509CertificateHolder holder : holders) {
            certificates.add(toCertificate(holder));
        }
        return certificates;
    }

    private static X509Certificate toCertificate(X509CertificateHolder holder) throws SmimeException {
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new SmimeException("the signature carries a damaged certificate", e);
        }
    }

    private static Optional<SmimeVerdict> first(List<SmimeVerdict> verdicts, SmimeVerdict.Status status) {
        return verdicts.stream().filter(verdict -> verdict.status() == status).findFirst();
    }

    private static FromAddresses fromAddresses(MimeMessage message) {
        try {
            String[] values = message.getHeader("From");
            if (values == null || values.length == 0) {
                return FromAddresses.problem("the message has no From address");
            }
            List<EmailAddress> addresses = new ArrayList<>();
            for (String value : values) {
                for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                    addresses.add(EmailAddress.of(address.getAddress()));
                }
            }
            return addresses.isEmpty() ? FromAddresses.problem("the message has no From address") : FromAddresses.of(addresses);
        } catch (MessagingException | IllegalArgumentException e) {
            return FromAddresses.problem("the From header cannot be read");
        }
    }

    /** The message's From addresses, which the signer's certificate must all name (RFC 8550, 3). */
    private static final class FromAddresses {
        private final List<EmailAddress> addresses;
        private final Optional<String> problem;

        private FromAddresses(List<EmailAddress> addresses, Optional<String> problem) {
            this.addresses = addresses;
            this.problem = problem;
        }

        static FromAddresses of(List<EmailAddress> addresses) {
            return new FromAddresses(List.copyOf(addresses), Optional.empty());
        }

        static FromAddresses problem(String problem) {
            return new FromAddresses(List.of(), Optional.of(problem));
        }

        Optional<EmailAddress> first() {
            return addresses.stream().findFirst();
        }

        Optional<String> mismatch(List<EmailAddress> certified) {
            if (problem.isPresent()) {
                return problem;
            }
            return addresses.stream()
                .filter(address -> !certified.contains(address))
                .findFirst()
                .map(address -> "From address " + address + " is not in the signer certificate (which names "
                    + (certified.isEmpty() ? "no address" : certified.toString()) + ")");
        }
    }

    private static DigestCalculatorProvider jdkDigests() {
        try {
            return new JcaDigestCalculatorProviderBuilder().build();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("The JDK offers no message digests", e);
        }
    }
}
