package dev.tresor.mailets;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.annotations.VisibleForTesting;

import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.attributes.QuarantineRelease;
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.InitParameters;
import dev.tresor.mailets.support.KeyUseAudit;
import dev.tresor.quarantine.TenantQuarantine;

/**
 * Holds a mail in its tenant's quarantine ({@link TenantQuarantine}: one James mail repository per tenant), for an
 * admin to list, inspect, release or delete over WebAdmin ({@code /tresor/tenants/{tenant}/quarantine}), and tells
 * the sender why, in plain words.
 *
 * <pre>{@code
 * <processor state="tresor-quarantine">
 *     <mailet match="All" class="dev.tresor.mailets.Quarantine">
 *         <tenantOf>auto</tenantOf>
 *         <releaseTo>relay</releaseTo>
 *         <notifySender>true</notifySender>
 *         <notifyAdmins>acme=secops@acme.example</notifyAdmins>
 *     </mailet>
 * </processor>
 * }</pre>
 *
 * Parameters:
 * <ul>
 *   <li>{@code tenantOf} ({@code auto}): whose quarantine holds the mail. {@code sender}: the sender's tenant (outgoing
 *       mail); {@code recipients}: each local recipient's tenant, a copy per tenant with its own recipients (incoming
 *       mail); {@code auto}: the sender's tenant when the sender's domain is local, else the recipients'.</li>
 *   <li>{@code releaseTo} ({@code relay}): the processor a released mail re-enters. For outgoing mail keep
 *       {@code relay}, so that it is protected by the keys of the moment of release, and held again if it still
 *       cannot be; for incoming mail name the processor that delivers locally ({@code local-delivery}).</li>
 *   <li>{@code notifySender} ({@code true}): send the sender a notice (reason, policy, subject, recipients; never the
 *       held content). Only a sender of one of our own domains is ever told: the envelope sender of incoming mail
 *       proves nothing, and a notice to it would be backscatter to whoever a spammer named.</li>
 *   <li>{@code notifyAdmins} (none): {@code tenant=address} pairs, comma-separated; the address is told of every mail
 *       held for that tenant, with the same notice.</li>
 *   <li>{@code protocol} (James's default repository protocol, {@code jpa} in Tresor's distribution): the repository
 *       protocol of the tenant quarantines.</li>
 * </ul>
 * Reads {@link FailureReason} and {@link PolicyDecision} (kept with the mail and shown in the notice; a mail without a
 * reason is held "for a reason the gateway did not record"). Writes {@link TenantAttribute} and
 * {@link QuarantineRelease#RELEASE_TO} on the held mail, one {@link AuditEvent.Operation#QUARANTINE} event per held
 * copy in its tenant's audit log (the detail: reason and policy), and ghosts the mail: nothing continues.
 * Notices go out with an empty envelope sender (as bounces do), so that they never cause notices in turn.
 */
public class Quarantine extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(Quarantine.class);
    static final String NO_REASON = "for a reason the gateway did not record";

    enum TenantOf { AUTO, SENDER, RECIPIENTS }

    private final KeyRepository repository;
    private final TenantResolver tenantResolver;
    private final TenantQuarantine quarantine;
    private final Clock clock;
    private TenantOf tenantOf;
    private String releaseTo;
    private boolean notifySender;
    private Map<TenantId, MailAddress> admins;
    private String protocol;

    @Inject
    public Quarantine(KeyRepository repository, TenantResolver tenantResolver, TenantQuarantine quarantine) {
        this(repository, tenantResolver, quarantine, Clock.systemUTC());
    }

    @VisibleForTesting
    Quarantine(KeyRepository repository, TenantResolver tenantResolver, TenantQuarantine quarantine, Clock clock) {
        this.repository = repository;
        this.tenantResolver = tenantResolver;
        this.quarantine = quarantine;
        this.clock = clock;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("tenantOf", "releaseTo", "notifySender", "notifyAdmins", "protocol"));
        InitParameters parameters = new InitParameters(this);
        tenantOf = parameters.choice("tenantOf", "auto", InitParameters.names(TenantOf.class));
        releaseTo = parameters.optional("releaseTo").orElse("relay");
        notifySender = parameters.bool("notifySender", true);
        admins = admins(parameters);
        protocol = parameters.optional("protocol").orElseGet(quarantine::defaultProtocol);
    }

    private Map<TenantId, MailAddress> admins(InitParameters parameters) throws MessagingException {
        Map<TenantId, MailAddress> byTenant = new LinkedHashMap<>();
        for (String pair : parameters.list("notifyAdmins")) {
            int equals = pair.indexOf('=');
            try {
                if (equals <= 0) {
                    throw new IllegalArgumentException("no '='");
                }
                byTenant.put(TenantId.of(pair.substring(0, equals).trim()), new MailAddress(pair.substring(equals + 1).trim()));
            } catch (IllegalArgumentException | javax.mail.internet.AddressException e) {
                throw parameters.invalid("notifyAdmins", pair, "tenant=address pairs, comma-separated, e.g. "
                    + "acme=secops@acme.example");
            }
        }
        return byTenant;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            throw new MessagingException("Mail " + mail.getName() + " has no recipients: there is nobody to hold it for");
        }
        String reason = FailureReason.of(mail).orElse(NO_REASON);
        Optional<String> policy = PolicyDecision.of(mail);
        for (Map.Entry<TenantId, List<MailAddress>> held : tenants(mail).entrySet()) {
            hold(mail, held.getKey(), held.getValue(), reason, policy);
        }
        mail.setState(Mail.GHOST);
    }

    private Map<TenantId, List<MailAddress>> tenants(Mail mail) {
        Optional<MailAddress> localSender = mail.getMaybeSender().asOptional()
            .filter(sender -> getMailetContext().isLocalServer(sender.getDomain()));
        boolean bySender = tenantOf == TenantOf.SENDER || (tenantOf == TenantOf.AUTO && localSender.isPresent());
        Map<TenantId, List<MailAddress>> tenants = new TreeMap<>();
        if (bySender && mail.getMaybeSender().asOptional().isPresent()) {
            tenants.put(tenantResolver.tenantOf(mail.getMaybeSender().get()), new ArrayList<>(mail.getRecipients()));
            return tenants;
        }
        for (MailAddress recipient : mail.getRecipients()) {
            if (getMailetContext().isLocalServer(recipient.getDomain())) {
                tenants.computeIfAbsent(tenantResolver.tenantOf(recipient), tenant -> new ArrayList<>()).add(recipient);
            }
        }
        if (tenants.isEmpty()) {
            // Neither a local sender nor a local recipient (or no sender at all): kept by the first recipient's
            // domain, so that it is never lost nor silently dropped.
            MailAddress first = mail.getRecipients().iterator().next();
            tenants.put(tenantResolver.tenantOf(first), new ArrayList<>(mail.getRecipients()));
        }
        return tenants;
    }

    private void hold(Mail mail, TenantId tenant, List<MailAddress> recipients, String reason, Optional<String> policy)
        throws MessagingException {
        Mail copy = mail.duplicate();
        try {
            // A name of its own: the key WebAdmin names it by, URL-safe, and never the key of a copy of the same mail
            // that a release sent round the chain again while the released one is being removed
            copy.setName(tenant.asString() + "-" + UUID.randomUUID());
            copy.setRecipients(recipients);
            TenantAttribute.set(copy, tenant);
            QuarantineRelease.setReleaseTo(copy, releaseTo);
            MailKey key = quarantine.hold(tenant, copy, protocol);
            audit(tenant, copy, reason, policy);
            LOGGER.warn("Mail {} held in the quarantine of tenant {} as {} (recipients {}): {}{}", mail.getName(),
                tenant.asString(), key.asString(), recipients, reason, policy.map(text -> "; policy " + text).orElse(""));
            notifyAbout(copy, tenant, recipients, reason, policy);
        } finally {
            org.apache.james.lifecycle.api.LifecycleUtil.dispose(copy);
        }
    }

    private void audit(TenantId tenant, Mail mail, String reason, Optional<String> policy) throws MessagingException {
        AuditEvent event = AuditEvent.of(clock.instant(), tenant, AuditEvent.Operation.QUARANTINE)
            .withDetail(reason + policy.map(text -> "; policy " + text).orElse(""));
        Optional<EmailAddress> sender = mail.getMaybeSender().asOptional().flatMap(Quarantine::address);
        event = sender.map(event::withCounterpart).orElse(event);
        event = KeyUseAudit.messageId(mail.getMessage()).map(event::withMessageId).orElse(event);
        repository.audit().append(event);
    }

    private static Optional<EmailAddress> address(MailAddress address) {
        try {
            return Optional.of(EmailAddress.of(address.asString()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void notifyAbout(Mail mail, TenantId tenant, List<MailAddress> recipients, String reason,
                             Optional<String> policy) {
        List<MailAddress> told = new ArrayList<>();
        if (notifySender) {
            mail.getMaybeSender().asOptional()
                .filter(sender -> getMailetContext().isLocalServer(sender.getDomain()))
                .ifPresent(told::add);
        }
        Optional.ofNullable(admins.get(tenant)).filter(admin -> !told.contains(admin)).ifPresent(told::add);
        if (told.isEmpty()) {
            return;
        }
        try {
            getMailetContext().sendMail(MailAddress.nullSender(), told, notice(mail, recipients, reason, policy));
        } catch (MessagingException | RuntimeException e) {
            // The mail is safely held and audited; a notice that cannot be sent must not undo that.
            LOGGER.warn("Mail {} is held, but the notice to {} could not be sent", mail.getName(), told, e);
        }
    }

    private MimeMessage notice(Mail mail, Collection<MailAddress> recipients, String reason, Optional<String> policy)
        throws MessagingException {
        MimeMessage held = mail.getMessage();
        String subject = Optional.ofNullable(held.getSubject()).orElse("(no subject)");
        StringBuilder text = new StringBuilder()
            .append("Your message was not delivered. The mail gateway holds it in quarantine.\n\n")
            .append("Subject:    ").append(subject).append('\n')
            .append("Recipients: ").append(recipients.stream().map(MailAddress::asString)
                .collect(Collectors.joining(", "))).append('\n')
            .append("Reason:     ").append(reason).append('\n');
        policy.ifPresent(text1 -> text.append("Policy:     ").append(text1).append('\n'));
        text.append("\nNothing was sent unprotected. An administrator can release the message once the cause is fixed")
            .append(" (for example, once a certificate or key of the recipient is known), or delete it.\n");
        MimeMessage notice = new MimeMessage(Session.getInstance(new java.util.Properties()));
        notice.setFrom(new InternetAddress(getMailetContext().getPostmaster().asString()));
        notice.setSubject("Message held: " + subject, "UTF-8");
        notice.setText(text.toString(), "UTF-8");
        notice.setHeader("Auto-Submitted", "auto-replied");
        KeyUseAudit.messageId(held).ifPresent(id -> {
            try {
                notice.setHeader("In-Reply-To", id);
            } catch (MessagingException e) {
                // a notice without the reference is still a notice
            }
        });
        notice.saveChanges();
        return notice;
    }
}
