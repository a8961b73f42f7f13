package dev.tresor.mailets;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.SmimeSignature;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mailets.support.RecipientTenants;
import dev.tresor.mailets.support.TenantSignatureCheck;
import dev.tresor.mailets.support.TresorMetrics;
import dev.tresor.mailets.support.VerificationParameters;
import dev.tresor.mime.HeaderOnly;
import dev.tresor.mime.HeaderProtection;
import dev.tresor.smime.CachingCrlFetcher;
import dev.tresor.smime.CrlFetcher;
import dev.tresor.smime.HttpCrlFetcher;
import dev.tresor.smime.SmimeVerdict;
import dev.tresor.smime.SignedMessages;
import dev.tresor.smime.SmimeVerifier;
import dev.tresor.smime.VerificationReport;

/**
 * Verifies the S/MIME signature of an incoming mail for its recipients' tenants and records the verdict.
 *
 * <p>Each local recipient's tenant (its domain, through {@link TenantResolver}) verifies with its own trust anchors.
 * When the recipients belong to several tenants whose verdicts differ, the mail gets the most alarming one
 * (revoked, then invalid, then untrusted, then valid) and the attribute lists each tenant's. A mail without local
 * recipients is verified against no tenant's anchors (only the JDK's, if {@code trustJdkCacerts}), and not audited.
 *
 * <p>Writes:
 * <ul>
 *   <li>attribute {@code tresor.smime.signature}: a map of {@code status} ({@code valid}, {@code invalid},
 *       {@code untrusted}, {@code revoked}, {@code none}), {@code signer}, {@code reason}, {@code fingerprint},
 *       {@code chain} and {@code tenants} (see {@link SmimeSignature});</li>
 *   <li>header {@code X-Tresor-Signature: <status>; signer=<address>; reason="..."}. Any incoming
 *       {@code X-Tresor-Signature} header is removed first, signed or not, so the header is always ours;</li>
 *   <li>one audit event {@code VERIFY} per tenant, with the signer certificate's fingerprint, the signer's address and
 *       the Message-ID.</li>
 * </ul>
 *
 * <p>Init parameters (all optional; an unknown parameter or a value not listed fails start-up):
 * <ul>
 *   <li>{@code revocation} — {@code soft-fail} (default): a certificate whose CRL cannot be fetched is still valid,
 *       and the reason says revocation was not checked; {@code hard-fail}: it is untrusted, and so is one that names
 *       no CRL distribution point; {@code off}: no CRLs are fetched. CRLs come from the certificates' http CRL
 *       distribution points and are cached until their next update.</li>
 *   <li>{@code tenantRevocation} — per-tenant exceptions to {@code revocation}, e.g. {@code acme=hard-fail, globex=off}:
 *       each recipient tenant's verdict uses its own policy.</li>
 *   <li>{@code trustJdkCacerts} — {@code false} (default) or {@code true}: also trust the JDK's {@code cacerts}
 *       roots, in addition to the tenant's trust anchors.</li>
 *   <li>{@code report} — {@code none} (default), {@code text} or {@code html}: put a short verification report in
 *       front of every signed mail. The mail becomes {@code multipart/mixed}: the report, then the original message
 *       unchanged as {@code message/rfc822}, so that the recipient's client can still verify its signature.</li>
 *   <li>{@code stripSignature} — {@code false} (default) or {@code true}: replace a validly signed mail's content by
 *       the signed content, without the signature. Mail with any other verdict keeps its signature.</li>
 * </ul>
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.IsSmimeSigned" class="dev.tresor.mailets.VerifySmime">
 *     <revocation>soft-fail</revocation>
 *     <trustJdkCacerts>false</trustJdkCacerts>
 *     <report>none</report>
 *     <stripSignature>false</stripSignature>
 * </mailet>
 * }</pre>
 * Match {@code All} instead of {@code IsSmimeSigned} to write a {@code none} verdict on unsigned mail too, which
 * {@code HasValidSmimeSignature} and a later chain can rely on.
 *
 * <p>Protected headers (RFC 9788 {@code hp="clear"} or {@code hp="cipher"}, or {@code protected-headers="v1"} as
 * Thunderbird writes them) in validly signed content replace the unsigned outer ones (Subject, From, To, Cc, Date,
 * Reply-To, Message-ID, In-Reply-To, References, ...; see {@link HeaderProtection}), so what the recipient reads is
 * what was signed; the replacement is logged with the field names. When that changes the From address, the signature
 * is checked again against the signed From, and that verdict is the one recorded. With any other verdict the outer
 * headers stay as they came: headers from content whose signature does not hold are never trusted. The signed
 * content itself is left unchanged.
 */
public class VerifySmime extends GenericMailet {
    static final String REPORT = "report";
    static final String STRIP_SIGNATURE = "stripSignature";
    private static final Logger LOGGER = LoggerFactory.getLogger(VerifySmime.class);
    private static final int CRL_CACHE_ENTRIES = 1000;

    private final KeyRepository repository;
    private final TenantResolver tenantResolver;
    private final CrlFetcher crls;
    private final Clock clock;
    private TenantSignatureCheck check;
    private KeyUseAudit audit;
    private String report;
    private boolean stripSignature;

    @Inject
    public VerifySmime(KeyRepository repository, TenantResolver tenantResolver) {
        this(repository, tenantResolver, Clock.systemUTC(),
            new CachingCrlFetcher(new HttpCrlFetcher(Duration.ofSeconds(10)), Clock.systemUTC(), CRL_CACHE_ENTRIES));
    }

    @VisibleForTesting
    VerifySmime(KeyRepository repository, TenantResolver tenantResolver, Clock clock, CrlFetcher crls) {
        this.repository = repository;
        this.tenantResolver = tenantResolver;
        this.clock = clock;
        this.crls = crls;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(VerificationParameters.REVOCATION, VerificationParameters.TENANT_REVOCATION,
            VerificationParameters.TRUST_JDK_CACERTS, REPORT,
            STRIP_SIGNATURE));
        check = new TenantSignatureCheck(repository, new SmimeVerifier(crls, clock),
            VerificationParameters.revocation(this), VerificationParameters.tenantRevocation(this),
            VerificationParameters.trustJdkCacerts(this));
        InitParameters parameters = new InitParameters(this);
        report = parameters.choice(REPORT, "none", List.of("none", "text", "html"));
        stripSignature = parameters.bool(STRIP_SIGNATURE, false);
        audit = new KeyUseAudit(repository.audit(), clock);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        // the verdict header goes onto a copy whose body is never re-parsed: on James's own message any header change
        // re-parses the body when the mail is written, and a broken multipart would go to the error processor
        MimeMessage message = HeaderOnly.editable(mail.getMessage());
        message.removeHeader(SmimeSignature.HEADER);
        Map<TenantId, List<MailAddress>> tenants = RecipientTenants.of(mail, getMailetContext(), tenantResolver);
        Map<TenantId, SmimeVerdict> perTenant = check.verify(message, tenants.keySet());
        SmimeVerdict verdict = worst(message, perTenant);
        if (withSignedHeaders(mail, message, verdict)) {
            perTenant = check.verify(message, tenants.keySet());
            verdict = worst(message, perTenant);
        }

        auditVerifications(perTenant, message);
        mail.setAttribute(SmimeSignature.attribute(verdict, perTenant));
        TresorMetrics.verdict(TresorMetrics.SMIME, verdict.status().asText());
        MimeMessage result = rewrite(message, verdict);
        result.setHeader(SmimeSignature.HEADER, SmimeSignature.headerValue(verdict));
        // James's Mail.setMessage copies the message: it is set once every change is made
        MailMessages.replace(mail, result);
        LOGGER.debug("Mail {}: signature {}", mail.getName(), verdict);
    }

    private SmimeVerdict worst(MimeMessage message, Map<TenantId, SmimeVerdict> perTenant) throws MessagingException {
        return perTenant.isEmpty() ? check.verifyWithoutTenant(message) : SmimeVerdict.worst(perTenant.values());
    }

    /**
     * A valid signature over protected headers: the signed fields replace the unsigned outer ones.
     *
     * @return whether the From address changed, so that the signature must be checked against the signed From
     */
    private static boolean withSignedHeaders(Mail mail, MimeMessage message, SmimeVerdict verdict) throws MessagingException {
        if (!verdict.isValid() || verdict.signedContent().isEmpty()) {
            return false;
        }
        Optional<HeaderProtection.Restored> restored = HeaderProtection.restoreSigned(message, verdict.signedContent().get());
        if (restored.isEmpty() || restored.get().changed().isEmpty()) {
            return false;
        }
        LOGGER.info("Mail {}: the signed protected headers {} replace the unsigned outer ones", mail.getName(), restored.get().changed());
        return restored.get().fromChanged();
    }

    private MimeMessage rewrite(MimeMessage message, SmimeVerdict verdict) throws MessagingException {
        try {
            MimeMessage result = message;
            Optional<javax.mail.internet.MimeBodyPart> content = verdict.signedContent();
            if (stripSignature && verdict.isValid() && content.isPresent()) {
                result = SignedMessages.withoutSignature(result, content.get());
            }
            if (!report.equals("none") && verdict.status() != SmimeVerdict.Status.NONE) {
                result = report.equals("html")
                    ? SignedMessages.withReport(result, VerificationReport.html(verdict), "text/html")
                    : SignedMessages.withReport(result, VerificationReport.text(verdict), "text/plain");
            }
            return result;
        } catch (IOException e) {
            throw new MessagingException("Cannot rewrite the verified mail: " + e.getMessage(), e);
        }
    }

    private void auditVerifications(Map<TenantId, SmimeVerdict> perTenant, MimeMessage message) {
        perTenant.forEach((tenant, verdict) -> verdict.signer().ifPresent(certificate ->
            audit.record(tenant, AuditEvent.Operation.VERIFY, Fingerprint.of(certificate),
                verdict.signerAddress(), KeyUseAudit.messageId(message))));
    }

    @Override
    public String getMailetInfo() {
        return "Verifies S/MIME signatures against the recipient tenant's trust anchors";
    }
}
