package dev.tresor.mailets;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.CertificateHarvest;
import dev.tresor.attributes.SmimeSignature;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.io.CertificateFacts;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.RecipientTenants;
import dev.tresor.mailets.support.TenantSignatureCheck;
import dev.tresor.mailets.support.VerificationParameters;
import dev.tresor.smime.CachingCrlFetcher;
import dev.tresor.smime.CrlFetcher;
import dev.tresor.smime.HttpCrlFetcher;
import dev.tresor.smime.SmimeVerdict;
import dev.tresor.smime.SmimeVerifier;

/**
 * Stores the certificate of a validly signed incoming mail's signer in the vault of each local recipient's tenant
 * (origin {@code HARVESTED}), so that replies can be encrypted to the sender. Only the recipients' tenants get it:
 * never the sender's, never a tenant without a recipient of this mail. A certificate a tenant holds already is not
 * stored again. Each certificate newly stored is audited as {@code HARVEST}.
 *
 * <p>The verdict is the one {@link VerifySmime} left in {@code tresor.smime.signature}, per tenant, when it ran
 * earlier in the chain; otherwise this mailet verifies the mail itself with the same rules. Certificates are taken only
 * from {@code valid} signatures: never from invalid, revoked or unsigned mail.
 *
 * <p>Init parameters (all optional; an unknown parameter or a value not listed fails start-up):
 * <ul>
 *   <li>{@code untrusted} — {@code ignore} (default): an untrusted signer's certificate is not harvested;
 *       {@code quarantine}: a copy of the mail, with attribute {@code tresor.smime.harvest = pending-approval} and only
 *       the recipients of the tenants that do not trust the signer, is sent to {@code quarantineProcessor}, where an
 *       admin can decide to import the certificate (or trust its CA). Nothing is stored automatically.</li>
 *   <li>{@code quarantineProcessor} — the processor for those copies, default {@value #DEFAULT_QUARANTINE_PROCESSOR}.</li>
 *   <li>{@code revocation}, {@code tenantRevocation}, {@code trustJdkCacerts} — as for {@link VerifySmime}, used only when this mailet has to
 *       verify the mail itself.</li>
 * </ul>
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.HasValidSmimeSignature" class="dev.tresor.mailets.HarvestCertificates">
 *     <untrusted>ignore</untrusted>
 * </mailet>
 * }</pre>
 * Match {@code IsSmimeSigned} instead when {@code untrusted} is {@code quarantine}, so untrusted mail reaches it.
 */
public class HarvestCertificates extends GenericMailet {
    static final String UNTRUSTED = "untrusted";
    static final String QUARANTINE_PROCESSOR = "quarantineProcessor";
    static final String DEFAULT_QUARANTINE_PROCESSOR = "tresor-harvest-quarantine";
    private static final Logger LOGGER = LoggerFactory.getLogger(HarvestCertificates.class);

    private final KeyRepository repository;
    private final TenantResolver tenantResolver;
    private final Clock clock;
    private final CrlFetcher crls;
    private TenantSignatureCheck check;
    private KeyUseAudit audit;
    private boolean quarantineUntrusted;
    private String quarantineProcessor;

    @Inject
    public HarvestCertificates(KeyRepository repository, TenantResolver tenantResolver) {
        this(repository, tenantResolver, Clock.systemUTC(),
            new CachingCrlFetcher(new HttpCrlFetcher(Duration.ofSeconds(10)), Clock.systemUTC(), 1000));
    }

    @VisibleForTesting
    HarvestCertificates(KeyRepository repository, TenantResolver tenantResolver, Clock clock, CrlFetcher crls) {
        this.repository = repository;
        this.tenantResolver = tenantResolver;
        this.clock = clock;
        this.crls = crls;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(UNTRUSTED, QUARANTINE_PROCESSOR, VerificationParameters.REVOCATION, VerificationParameters.TENANT_REVOCATION,
            VerificationParameters.TRUST_JDK_CACERTS));
        quarantineUntrusted = new InitParameters(this).choice(UNTRUSTED, "ignore", List.of("ignore", "quarantine")).equals("quarantine");
        quarantineProcessor = Optional.ofNullable(getInitParameter(QUARANTINE_PROCESSOR)).orElse(DEFAULT_QUARANTINE_PROCESSOR).trim();
        if (quarantineProcessor.isEmpty()) {
            throw new MessagingException(getMailetName() + ": '" + QUARANTINE_PROCESSOR + "' must name a processor (default "
                + DEFAULT_QUARANTINE_PROCESSOR + ")");
        }
        check = new TenantSignatureCheck(repository, new SmimeVerifier(crls, clock),
            VerificationParameters.revocation(this), VerificationParameters.tenantRevocation(this),
            VerificationParameters.trustJdkCacerts(this));
        audit = new KeyUseAudit(repository.audit(), clock);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Map<TenantId, List<MailAddress>> tenants = RecipientTenants.of(mail, getMailetContext(), tenantResolver);
        if (tenants.isEmpty()) {
            return;
        }
        Verdicts verdicts = verdicts(mail, tenants);
        List<MailAddress> untrustedRecipients = new ArrayList<>();
        for (Map.Entry<TenantId, List<MailAddress>> tenant : tenants.entrySet()) {
            SmimeVerdict.Status status = verdicts.statusFor(tenant.getKey());
            if (status == SmimeVerdict.Status.VALID && !verdicts.chain.isEmpty()) {
                harvest(tenant.getKey(), verdicts.chain, mail);
            } else if (status == SmimeVerdict.Status.UNTRUSTED) {
                untrustedRecipients.addAll(tenant.getValue());
            }
        }
        if (quarantineUntrusted && !untrustedRecipients.isEmpty()) {
            quarantine(mail, untrustedRecipients);
        }
    }

    /** The chain of the signer and each tenant's verdict: from VerifySmime's attribute, or verified here. */
    private Verdicts verdicts(Mail mail, Map<TenantId, List<MailAddress>> tenants) throws MessagingException {
        Optional<SmimeSignature> recorded = SmimeSignature.of(mail);
        if (recorded.isPresent()) {
            return new Verdicts(recorded.get().chain(), recorded.get()::statusFor);
        }
        Map<TenantId, SmimeVerdict> verified = check.verify(mail.getMessage(), tenants.keySet());
        List<X509Certificate> chain = verified.values().stream()
            .map(SmimeVerdict::signerChain)
            .filter(candidate -> !candidate.isEmpty())
            .findFirst()
            .orElse(List.of());
        Map<TenantId, SmimeVerdict.Status> statuses = verified.entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().status()));
        return new Verdicts(chain, tenant -> statuses.getOrDefault(tenant, SmimeVerdict.Status.NONE));
    }

    private static final class Verdicts {
        private final List<X509Certificate> chain;
        private final Function<TenantId, SmimeVerdict.Status> status;

        Verdicts(List<X509Certificate> chain, Function<TenantId, SmimeVerdict.Status> status) {
            this.chain = chain;
            this.status = status;
        }

        SmimeVerdict.Status statusFor(TenantId tenant) {
            return status.apply(tenant);
        }
    }

    private void harvest(TenantId tenant, List<X509Certificate> chain, Mail mail) throws MessagingException {
        X509Certificate signer = chain.get(0);
        Fingerprint fingerprint = Fingerprint.of(signer);
        if (repository.certificates().get(tenant, fingerprint).isPresent()) {
            return;
        }
        try {
            repository.certificates().add(tenant, chain, Origin.HARVESTED);
        } catch (IllegalArgumentException e) {
            LOGGER.info("Mail {}: certificate {} not harvested for tenant {}: {}", mail.getName(), fingerprint, tenant, e.getMessage());
            return;
        }
        Optional<EmailAddress> address = CertificateFacts.of(signer).emailAddresses().stream().findFirst();
        audit.record(tenant, AuditEvent.Operation.HARVEST, fingerprint, address, KeyUseAudit.messageId(mail.getMessage()));
        LOGGER.info("Mail {}: harvested certificate {} of {} for tenant {}", mail.getName(), fingerprint,
            address.map(EmailAddress::asString).orElse("?"), tenant);
    }

    private void quarantine(Mail mail, List<MailAddress> recipients) throws MessagingException {
        Mail copy = mail.duplicate();
        copy.setRecipients(recipients);
        CertificateHarvest.markPendingApproval(copy);
        getMailetContext().sendMail(copy, quarantineProcessor);
        LOGGER.info("Mail {}: untrusted signer's certificate sent to '{}' for approval", mail.getName(), quarantineProcessor);
    }

    @Override
    public String getMailetInfo() {
        return "Stores the certificates of valid S/MIME signers in the recipients' tenants";
    }
}
