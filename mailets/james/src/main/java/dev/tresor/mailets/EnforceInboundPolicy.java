package dev.tresor.mailets;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.attributes.DecryptionOutcome;
import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.InboundTls;
import dev.tresor.attributes.PgpSignature;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.attributes.QuarantineRelease;
import dev.tresor.attributes.SmimeSignature;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.keys.policy.InboundAction;
import dev.tresor.keys.policy.InboundPolicy;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.RecipientTenants;
import dev.tresor.mailets.support.Senders;
import dev.tresor.smime.SmimeVerdict;

/**
 * Enforces what each recipient tenant's policy demands of incoming mail from its partner (the single From address,
 * else the envelope sender): {@code require-signature}, {@code require-encryption}, {@code require-tls}. Place it in
 * the local-delivery processor after decryption and verification, whose verdicts it reads:
 *
 * <pre>{@code
 * <mailet match="All" class="dev.tresor.mailets.EnforceInboundPolicy">
 *     <quarantineProcessor>tresor-inbound-quarantine</quarantineProcessor>
 *     <rejectProcessor>tresor-inbound-rejected</rejectProcessor>
 * </mailet>
 * }</pre>
 *
 * The checks, for each tenant of the local recipients ({@code KeyRepository.policies().of(tenant).inbound(partner)}):
 * <ul>
 *   <li>require-signature: VerifySmime's verdict for that tenant ({@link SmimeSignature}) or VerifyPgp's
 *       ({@link PgpSignature}) is {@code valid}; unsigned, invalid, untrusted, revoked or unknown-key is not;</li>
 *   <li>require-encryption: DecryptSmime or DecryptPgp decrypted the mail ({@link DecryptionOutcome}); mail that
 *       came in clear, or that could not be decrypted, did not arrive (usably) encrypted;</li>
 *   <li>require-tls: the mail reached our SMTP server over TLS ({@link InboundTls}).</li>
 * </ul>
 * A tenant's recipients whose mail breaks its policy are taken off the mail and sent, as a copy with only them, to
 * the policy's action: {@code quarantine} to {@code quarantineProcessor} (default {@value #DEFAULT_QUARANTINE}),
 * {@code reject} to {@code rejectProcessor} (default {@value #DEFAULT_REJECT}: a Bounce to the sender with the
 * reason). The other recipients continue. Writes {@link FailureReason} (which requirements failed, in plain words),
 * {@link PolicyDecision} (e.g. {@code require-signature (partner:supplier.example)}) and, on rejected copies, the
 * error message Bounce sends. Mail an admin released from the quarantine ({@link QuarantineRelease}) passes: the
 * admin decided to deliver it as it is.
 */
public class EnforceInboundPolicy extends GenericMailet {
    static final String DEFAULT_QUARANTINE = "tresor-inbound-quarantine";
    static final String DEFAULT_REJECT = "tresor-inbound-rejected";
    /**
     * A mail with neither a single From address nor an envelope sender (a bounce without From) belongs to no partner:
     * it is judged by the tenant default alone. This address matches no partner scope (.invalid is reserved, RFC 2606).
     */
    private static final EmailAddress NO_PARTNER = EmailAddress.of("unknown-sender@sender.invalid");
    private static final Logger LOGGER = LoggerFactory.getLogger(EnforceInboundPolicy.class);

    private final KeyRepository repository;
    private final TenantResolver tenantResolver;
    private String quarantineProcessor;
    private String rejectProcessor;

    @Inject
    public EnforceInboundPolicy(KeyRepository repository, TenantResolver tenantResolver) {
        this.repository = repository;
        this.tenantResolver = tenantResolver;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("quarantineProcessor", "rejectProcessor"));
        InitParameters parameters = new InitParameters(this);
        quarantineProcessor = parameters.optional("quarantineProcessor").orElse(DEFAULT_QUARANTINE);
        rejectProcessor = parameters.optional("rejectProcessor").orElse(DEFAULT_REJECT);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (QuarantineRelease.wasReleased(mail)) {
            return;
        }
        EmailAddress partner = partner(mail);
        List<MailAddress> refused = new ArrayList<>();
        for (Map.Entry<TenantId, List<MailAddress>> tenant : RecipientTenants.of(mail, getMailetContext(), tenantResolver).entrySet()) {
            InboundPolicy policy = repository.policies().of(tenant.getKey()).inbound(partner);
            List<String> broken = broken(mail, tenant.getKey(), policy);
            if (!broken.isEmpty()) {
                refuse(mail, tenant.getKey(), tenant.getValue(), partner, policy, broken);
                refused.addAll(tenant.getValue());
            }
        }
        if (refused.isEmpty()) {
            return;
        }
        Collection<MailAddress> remaining = new ArrayList<>(mail.getRecipients());
        remaining.removeAll(refused);
        if (remaining.isEmpty()) {
            mail.setState(Mail.GHOST);
        } else {
            mail.setRecipients(remaining);
        }
    }

    private static EmailAddress partner(Mail mail) throws MessagingException {
        return Senders.from(mail.getMessage())
            .or(() -> mail.getMaybeSender().asOptional().flatMap(EnforceInboundPolicy::address))
            .orElse(NO_PARTNER);
    }

    private static Optional<EmailAddress> address(MailAddress address) {
        try {
            return Optional.of(EmailAddress.of(address.asString()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The requirements the mail breaks, as the policy names them. */
    private static List<String> broken(Mail mail, TenantId tenant, InboundPolicy policy) {
        List<String> broken = new ArrayList<>();
        if (policy.requireSignature() && !validlySigned(mail, tenant)) {
            broken.add("require-signature");
        }
        if (policy.requireEncryption() && !decrypted(mail)) {
            broken.add("require-encryption");
        }
        if (policy.requireTls() && InboundTls.of(mail).isEmpty()) {
            broken.add("require-tls");
        }
        return broken;
    }

    private static boolean validlySigned(Mail mail, TenantId tenant) {
        boolean smime = SmimeSignature.of(mail).map(signature -> signature.statusFor(tenant) == SmimeVerdict.Status.VALID)
            .orElse(false);
        boolean pgp = PgpSignature.statusFor(mail, tenant).filter("valid"::equals).isPresent();
        return smime || pgp;
    }

    private static boolean decrypted(Mail mail) {
        return isDecrypted(mail, DecryptionOutcome.SMIME) || isDecrypted(mail, DecryptionOutcome.PGP);
    }

    private static boolean isDecrypted(Mail mail, org.apache.mailet.AttributeName outcome) {
        return mail.getAttribute(outcome).flatMap(attribute -> attribute.getValue().valueAs(String.class))
            .filter(DecryptionOutcome.DECRYPTED::equals).isPresent();
    }

    private void refuse(Mail mail, TenantId tenant, List<MailAddress> recipients, EmailAddress partner,
                        InboundPolicy policy, List<String> broken) throws MessagingException {
        String reason = reason(partner, broken);
        String decision = String.join(", ", broken) + " (" + policy.decidedBy() + ")";
        String processor = policy.action() == InboundAction.REJECT ? rejectProcessor : quarantineProcessor;
        Mail copy = mail.duplicate();
        try {
            copy.setRecipients(recipients);
            FailureReason.set(copy, reason);
            PolicyDecision.set(copy, decision);
            if (policy.action() == InboundAction.REJECT) {
                copy.setErrorMessage("Rejected by the recipient's policy: " + reason);
            }
            getMailetContext().sendMail(copy, processor);
        } finally {
            org.apache.james.lifecycle.api.LifecycleUtil.dispose(copy);
        }
        LOGGER.warn("Mail {} from {} to {} (tenant {}) sent to '{}' ({}): {}", mail.getName(), partner.asString(),
            recipients, tenant.asString(), processor, decision, reason);
    }

    private static String reason(EmailAddress partner, List<String> broken) {
        List<String> words = new ArrayList<>();
        if (broken.contains("require-signature")) {
            words.add("it carries no valid signature");
        }
        if (broken.contains("require-encryption")) {
            words.add("it did not arrive encrypted");
        }
        if (broken.contains("require-tls")) {
            words.add("it did not reach us over TLS");
        }
        return "mail from " + partner.asString() + " must be " + requirements(broken) + ", but " + String.join(" and ", words);
    }

    private static String requirements(List<String> broken) {
        List<String> words = new ArrayList<>();
        if (broken.contains("require-signature")) {
            words.add("signed");
        }
        if (broken.contains("require-encryption")) {
            words.add("encrypted");
        }
        if (broken.contains("require-tls")) {
            words.add("sent over TLS");
        }
        return String.join(" and ", words);
    }
}
