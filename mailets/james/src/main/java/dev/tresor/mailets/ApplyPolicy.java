package dev.tresor.mailets;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.OutboundDecision;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.keys.policy.Encryption;
import dev.tresor.keys.policy.HeaderTrigger;
import dev.tresor.keys.policy.Mechanism;
import dev.tresor.keys.policy.OutboundPolicy;
import dev.tresor.keys.policy.TenantPolicies;
import dev.tresor.mailets.support.FailureRouting;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.mailets.support.PolicyLog;
import dev.tresor.mailets.support.Protections;
import dev.tresor.mailets.support.Senders;

/**
 * Applies the <b>sender tenant's</b> outbound policy to a mail, once, at the top of the relay processor: decides for
 * each recipient the one protection it gets, and refuses the recipients whom a mandatory policy cannot serve. The
 * matchers after it ({@code ProtectionIs}, {@code PolicySigns}, {@code PolicyRefuses}) and the protecting mailets only
 * read that decision ({@code tresor.policy.*}), so the policy is resolved once per mail.
 *
 * <pre>{@code
 * <mailet match="All" class="dev.tresor.mailets.ApplyPolicy">
 *     <onFailure>tresor-policy-refused</onFailure>
 * </mailet>
 * }</pre>
 *
 * <p>For each recipient, with the policy the sender's tenant resolves for sender and recipient
 * ({@code PUT /tresor/tenants/{tenant}/policies/...}; a tenant without policies is {@code opportunistic}, mechanisms
 * {@code smime,pgp,pdf}, signing {@code if-possible}: the chain protects when it can, as before policies):
 * <ol>
 *     <li>Triggers: when the Subject contains the tenant's subject tag (default {@code [secure]}, any case) or the mail
 *         carries the tenant's trigger header (default {@code Sensitivity: Company-Confidential}), every recipient's
 *         policy is made mandatory ({@code never} and {@code opportunistic} become {@code mandatory}). The tag is
 *         removed from the Subject of what is sent (not from a refused mail, so that it stays mandatory if an admin
 *         releases it).</li>
 *     <li>Encryption {@code never}: no protection ({@value OutboundDecision#NONE}), even with keys.</li>
 *     <li>Otherwise the first mechanism of the policy's preference order that is available in the sender's tenant:
 *         {@code smime} — a usable certificate of the recipient, else the policy's {@code gatewayCertificate} (a
 *         partner gateway's, imported into the tenant); {@code pgp} — a usable OpenPGP key of the recipient, else the
 *         policy's {@code gatewayPgpKey}; {@code pdf} — a pre-shared PDF password for the recipient.</li>
 *     <li>No mechanism: {@code opportunistic} sends as it is ({@value OutboundDecision#NONE}) and logs
 *         {@code policy-decision outcome=sent-unprotected}; {@code mandatory} refuses the recipient;
 *         {@code mandatory-all} refuses <i>every</i> recipient of the mail as soon as any one of them (whatever its own
 *         policy) would go unprotected.</li>
 * </ol>
 * A message its sender's client encrypted already (S/MIME or OpenPGP) counts as protected for every recipient: it
 * passes as it is. A mail without a single From address has no sender to resolve a policy for: the envelope sender is
 * used, and without one every recipient is refused.
 *
 * <p>Refused recipients get a copy of their own, sent whole to {@code onFailure} (default {@code tresor-quarantine};
 * the sample chain's {@code tresor-policy-refused} tells the sender, then quarantines) with the reason in
 * {@code tresor.failure.reason} and the mail's error message, the deciding policy in {@code tresor.policy.decision},
 * and one {@code policy-decision outcome=refused} log line with tenant, policy, reason and Message-ID. Never clear
 * text. The mail continues with the other recipients.
 *
 * <ul>
 *   <li>{@code onFailure}: processor for refused recipients, default {@code tresor-quarantine}; a blank value is
 *       refused at start-up.</li>
 * </ul>
 *
 * <p>Writes: {@code tresor.policy.protection} (recipient → smime|pgp|pdf|none|refused), {@code tresor.policy.gateway}
 * (recipient → fingerprint, for domain encryption), {@code tresor.policy.signing} (force|if-possible|never),
 * {@code tresor.tenant}, {@code tresor.policy.decision} (when a trigger escalated or a policy refused the mail).
 */
public class ApplyPolicy extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(ApplyPolicy.class);

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final Clock clock;
    private FailureRouting failures;

    @Inject
    public ApplyPolicy(KeyRepository repository, TenantResolver tenants) {
        this(repository, tenants, Clock.systemUTC());
    }

    @VisibleForTesting
    ApplyPolicy(KeyRepository repository, TenantResolver tenants, Clock clock) {
        this.repository = repository;
        this.tenants = tenants;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(FailureRouting.PARAMETER));
        failures = FailureRouting.of(this, LOGGER);
    }

    /** One recipient's outcome. */
    private static final class Choice {
        final OutboundPolicy policy;
        final String protection;
        final Optional<String> gateway;
        final String reason;

        Choice(OutboundPolicy policy, String protection, Optional<String> gateway, String reason) {
            this.policy = policy;
            this.protection = protection;
            this.gateway = gateway;
            this.reason = reason;
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            return;
        }
        MimeMessage message = mail.getMessage();
        Optional<String> messageId = KeyUseAudit.messageId(message);
        Optional<EmailAddress> sender = sender(mail, message);
        if (sender.isEmpty()) {
            refuseAll(mail, "?", "none", "no single From address nor envelope sender to resolve a policy for",
                messageId);
            return;
        }
        TenantId tenant;
        TenantPolicies policies;
        try {
            tenant = tenants.tenantOf(sender.get());
            policies = repository.policies().of(tenant);
        } catch (RuntimeException e) {
            LOGGER.error("Resolving the policy of mail {} failed", mail.getName(), e);
            refuseAll(mail, "?", "unknown", FailureRouting.unexpected(e, mail), messageId);
            return;
        }
        Optional<String> trigger = trigger(policies, message);
        boolean clientEncrypted = Protections.alreadyEncrypted(mail, message);
        Instant now = clock.instant();

        Map<MailAddress, Choice> choices = new LinkedHashMap<>();
        try {
            for (MailAddress recipient : mail.getRecipients()) {
                choices.put(recipient, choose(tenant, policies, sender.get(), recipient, trigger.isPresent(), clientEncrypted, now));
            }
        } catch (RuntimeException e) {
            LOGGER.error("Deciding the protection of mail {} failed", mail.getName(), e);
            refuseAll(mail, tenant.asString(), "unknown", FailureRouting.unexpected(e, mail), messageId);
            return;
        }
        String signing = choices.values().iterator().next().policy.signing().asString();
        TenantAttribute.set(mail, tenant);
        OutboundDecision.setSigning(mail, signing);

        Optional<Map.Entry<MailAddress, Choice>> allOrNothing = choices.entrySet().stream()
            .filter(entry -> entry.getValue().policy.encryption() == Encryption.MANDATORY_ALL).findFirst();
        List<MailAddress> unprotected = choices.entrySet().stream()
            .filter(entry -> entry.getValue().protection.equals(OutboundDecision.NONE)
                || entry.getValue().protection.equals(OutboundDecision.REFUSED))
            .map(Map.Entry::getKey).collect(Collectors.toList());
        // a message its sender's client encrypted is protected for everyone: no mandatory-all refusal, no log line
        if (allOrNothing.isPresent() && !unprotected.isEmpty() && !clientEncrypted) {
            String policy = describe(allOrNothing.get().getValue().policy, trigger);
            String reason = "the policy " + policy + " for " + allOrNothing.get().getKey().asString()
                + " requires every recipient of the mail to be protected, and " + addresses(unprotected)
                + " cannot be (" + unprotected.stream().map(recipient -> choices.get(recipient).reason)
                .filter(text -> !text.isEmpty()).distinct().collect(Collectors.joining("; ")) + ")";
            refuseAll(mail, tenant.asString(), policy, reason, messageId);
            return;
        }

        List<MailAddress> refused = choices.entrySet().stream()
            .filter(entry -> entry.getValue().protection.equals(OutboundDecision.REFUSED))
            .map(Map.Entry::getKey).collect(Collectors.toList());
        Map<String, String> protections = new LinkedHashMap<>();
        Map<String, String> gateways = new LinkedHashMap<>();
        choices.forEach((recipient, choice) -> {
            protections.put(OutboundDecision.key(recipient), choice.protection);
            choice.gateway.ifPresent(fingerprint -> gateways.put(OutboundDecision.key(recipient), fingerprint));
        });
        OutboundDecision.setProtections(mail, protections);
        OutboundDecision.setGateways(mail, gateways);

        if (!refused.isEmpty()) {
            Choice first = choices.get(refused.get(0));
            String policy = describe(first.policy, trigger);
            String reason = refused.stream().map(recipient -> choices.get(recipient).reason).distinct()
                .collect(Collectors.joining("; "));
            if (refused.size() == mail.getRecipients().size()) {
                refuseAll(mail, tenant.asString(), policy, reason, messageId);
                return;
            }
            Mail copy = mail.duplicate();
            // its own message: the subject tag is removed below from what is sent, not from what is held
            copy.setMessage(new MimeMessage(message));
            copy.setRecipients(refused);
            refuse(copy, tenant.asString(), policy, reason, messageId);
            List<MailAddress> kept = new ArrayList<>(mail.getRecipients());
            kept.removeAll(refused);
            mail.setRecipients(kept);
        }
        choices.forEach((recipient, choice) -> {
            if (!clientEncrypted && choice.protection.equals(OutboundDecision.NONE)
                && choice.policy.encryption() == Encryption.OPPORTUNISTIC) {
                PolicyLog.log(PolicyLog.UNPROTECTED, tenant.asString(), describe(choice.policy, Optional.empty()),
                    List.of(recipient.asString()), "sent unprotected under opportunistic policy: " + choice.reason, messageId);
            }
        });
        if (trigger.isPresent()) {
            PolicyDecision.set(mail, "mandatory, escalated by " + trigger.get());
            removeSubjectTag(policies, message);
        }
    }

    private Choice choose(TenantId tenant, TenantPolicies policies, EmailAddress sender, MailAddress recipient,
                          boolean triggered, boolean clientEncrypted, Instant now) {
        EmailAddress address = EmailAddress.of(recipient.asString());
        OutboundPolicy policy = policies.outbound(sender, address);
        if (triggered) {
            policy = policy.escalated();
        }
        if (clientEncrypted) {
            return new Choice(policy, OutboundDecision.NONE, Optional.empty(), "");
        }
        if (policy.encryption() == Encryption.NEVER) {
            return new Choice(policy, OutboundDecision.NONE, Optional.empty(), "the policy for " + address.asString()
                + " is never (" + policy.decidedBy().asString() + ")");
        }
        for (Mechanism mechanism : policy.mechanisms()) {
            Optional<Choice> available = available(tenant, policy, mechanism, address, now);
            if (available.isPresent()) {
                return available.get();
            }
        }
        String missing = "no " + policy.mechanisms().stream().map(ApplyPolicy::keyName).collect(Collectors.joining(", nor "))
            + " for " + address.asString() + " in tenant " + tenant.asString();
        if (policy.encryption().isMandatory()) {
            return new Choice(policy, OutboundDecision.REFUSED, Optional.empty(), missing);
        }
        return new Choice(policy, OutboundDecision.NONE, Optional.empty(), missing);
    }

    private Optional<Choice> available(TenantId tenant, OutboundPolicy policy, Mechanism mechanism, EmailAddress address,
                                       Instant now) {
        switch (mechanism) {
            case SMIME:
                if (!repository.certificates().encryptionCertificates(tenant, address, SelectionPolicy.NEWEST).isEmpty()) {
                    return Optional.of(new Choice(policy, OutboundDecision.SMIME, Optional.empty(), ""));
                }
                return policy.gatewayCertificate()
                    .filter(fingerprint -> usableGatewayCertificate(tenant, fingerprint, now))
                    .map(fingerprint -> new Choice(policy, OutboundDecision.SMIME, Optional.of(fingerprint.asString()), ""));
            case PGP:
                if (!repository.pgpKeys().encryptionKeys(tenant, address, SelectionPolicy.NEWEST).isEmpty()) {
                    return Optional.of(new Choice(policy, OutboundDecision.PGP, Optional.empty(), ""));
                }
                return policy.gatewayPgpKey()
                    .filter(fingerprint -> usableGatewayKey(tenant, fingerprint, now))
                    .map(fingerprint -> new Choice(policy, OutboundDecision.PGP, Optional.of(fingerprint.asString()), ""));
            case PDF:
                return repository.pdfPasswords().exists(tenant, address)
                    ? Optional.of(new Choice(policy, OutboundDecision.PDF, Optional.empty(), ""))
                    : Optional.empty();
            default:
                return Optional.empty();
        }
    }

    private boolean usableGatewayCertificate(TenantId tenant, Fingerprint fingerprint, Instant now) {
        return repository.certificates().get(tenant, fingerprint)
            .filter(entry -> entry.canEncrypt() && entry.isUsableAt(now))
            .isPresent();
    }

    private boolean usableGatewayKey(TenantId tenant, PgpFingerprint fingerprint, Instant now) {
        return repository.pgpKeys().get(tenant, fingerprint)
            .filter(entry -> !entry.encryptionKeysAt(now).isEmpty())
            .isPresent();
    }

    private static String keyName(Mechanism mechanism) {
        switch (mechanism) {
            case SMIME:
                return "usable S/MIME certificate";
            case PGP:
                return "usable OpenPGP key";
            default:
                return "PDF password";
        }
    }

    /** The sender whose tenant decides: the single From address (what the protecting mailets use), else the envelope's. */
    private static Optional<EmailAddress> sender(Mail mail, MimeMessage message) {
        Optional<EmailAddress> from = Senders.from(message);
        if (from.isPresent()) {
            return from;
        }
        try {
            return mail.getMaybeSender().asOptional().map(address -> EmailAddress.of(address.asString()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The trigger that makes this mail mandatory, in words, if the subject or a header carries one. */
    private static Optional<String> trigger(TenantPolicies policies, MimeMessage message) throws MessagingException {
        Optional<String> tag = policies.subjectTag();
        if (tag.isPresent()) {
            String subject = message.getSubject();
            if (subject != null && subject.toLowerCase(Locale.ROOT).contains(tag.get().toLowerCase(Locale.ROOT))) {
                return Optional.of("the subject tag " + tag.get());
            }
        }
        Optional<HeaderTrigger> header = policies.triggerHeader();
        if (header.isPresent()) {
            String[] values = message.getHeader(header.get().name());
            if (values != null) {
                for (String value : values) {
                    if (header.get().matches(MimeUtility.unfold(value))) {
                        return Optional.of("the header " + header.get().asString());
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Removes every occurrence of the tag (any case), and the space it leaves, from the Subject. */
    private static void removeSubjectTag(TenantPolicies policies, MimeMessage message) throws MessagingException {
        Optional<String> tag = policies.subjectTag();
        String subject = message.getSubject();
        if (tag.isEmpty() || subject == null) {
            return;
        }
        String lower = subject.toLowerCase(Locale.ROOT);
        String lowerTag = tag.get().toLowerCase(Locale.ROOT);
        StringBuilder cleaned = new StringBuilder();
        int from = 0;
        int at;
        while ((at = lower.indexOf(lowerTag, from)) >= 0) {
            cleaned.append(subject, from, at);
            from = at + lowerTag.length();
        }
        cleaned.append(subject.substring(from));
        String result = cleaned.toString().replaceAll("\\s{2,}", " ").trim();
        message.setSubject(result, "UTF-8");
    }

    private static String describe(OutboundPolicy policy, Optional<String> trigger) {
        return policy.encryption().asString() + " (" + policy.decidedBy().asString() + ")"
            + trigger.map(text -> ", escalated by " + text).orElse("");
    }

    private static String addresses(List<MailAddress> recipients) {
        return recipients.stream().map(MailAddress::asString).collect(Collectors.joining(", "));
    }

    private void refuseAll(Mail mail, String tenant, String policy, String reason, Optional<String> messageId)
        throws MessagingException {
        Map<String, String> protections = new LinkedHashMap<>();
        mail.getRecipients().forEach(recipient -> protections.put(OutboundDecision.key(recipient), OutboundDecision.REFUSED));
        OutboundDecision.setProtections(mail, protections);
        PolicyDecision.set(mail, policy);
        mail.setErrorMessage("Not sent: " + reason);
        PolicyLog.log(PolicyLog.REFUSED, tenant, policy, recipientList(mail), reason, messageId);
        failures.route(mail, "Not sent: " + reason);
    }

    private void refuse(Mail copy, String tenant, String policy, String reason, Optional<String> messageId)
        throws MessagingException {
        Map<String, String> protections = new LinkedHashMap<>();
        copy.getRecipients().forEach(recipient -> protections.put(OutboundDecision.key(recipient), OutboundDecision.REFUSED));
        OutboundDecision.setProtections(copy, protections);
        OutboundDecision.setGateways(copy, Map.of());
        PolicyDecision.set(copy, policy);
        copy.setErrorMessage("Not sent: " + reason);
        PolicyLog.log(PolicyLog.REFUSED, tenant, policy, recipientList(copy), reason, messageId);
        failures.send(getMailetContext(), copy, "Not sent: " + reason);
    }

    private static List<String> recipientList(Mail mail) {
        return mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.toList());
    }

    @Override
    public String getMailetInfo() {
        return "Decides each recipient's protection by the sender tenant's outbound policy, refusing what cannot be met";
    }
}
