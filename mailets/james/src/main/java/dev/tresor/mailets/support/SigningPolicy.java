package dev.tresor.mailets.support;

import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.tresor.attributes.OutboundDecision;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.attributes.TenantAttribute;
import dev.tresor.keys.policy.Signing;

/**
 * What the signing mailets take from the sender's signing policy, as ApplyPolicy recorded it
 * ({@link OutboundDecision#SIGNING}): {@code never} makes them pass the mail unsigned; under {@code force} a mail they
 * cannot sign is held (they route it to {@code onFailure} as always) and the decision is logged as a policy decision.
 * Without a recorded policy they work as before policies existed.
 */
public final class SigningPolicy {
    private SigningPolicy() {
    }

    /** Whether the sender's policy says {@code never}. */
    public static boolean forbids(Mail mail) {
        return OutboundDecision.signing(mail).filter(Signing.NEVER.asString()::equals).isPresent();
    }

    /** Records a mail held because it could not be signed, when the policy said {@code force}. */
    public static void held(Mail mail, Optional<String> messageId, String reason) {
        if (OutboundDecision.signing(mail).filter(Signing.FORCE.asString()::equals).isEmpty()) {
            return;
        }
        PolicyDecision.set(mail, "signing force");
        PolicyLog.log(PolicyLog.HELD, TenantAttribute.of(mail).orElse("?"), "signing force",
            mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.toList()), reason, messageId);
    }

    /**
     * Sends a mail that could not be signed to {@code onFailure} (never out unsigned), recorded as held when the policy
     * said {@code force}.
     */
    public static void refuse(FailureRouting failures, Mail mail, String reason) throws MessagingException {
        held(mail, KeyUseAudit.messageId(mail.getMessage()), reason);
        failures.route(mail, reason);
    }
}
