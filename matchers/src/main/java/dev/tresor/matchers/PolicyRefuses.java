package dev.tresor.matchers;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tresor.attributes.OutboundDecision;

/**
 * Matches the recipients that must not be sent to: those ApplyPolicy refused ({@code refused} in
 * {@code tresor.policy.protection}), and, failing closed, every recipient for whom no decision exists (ApplyPolicy
 * did not run, or the recipient was added after it). ApplyPolicy already sends refused recipients to its
 * {@code onFailure} processor, so in the sample chain this is the backstop right after it: whatever the chain is
 * changed into, a recipient without a decision never reaches the clear-text path. Takes no condition.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.PolicyRefuses" class="ToProcessor">
 *     <processor>tresor-policy-refused</processor>
 * </mailet>
 * }</pre>
 */
public class PolicyRefuses extends GenericMatcher {
    private static final Set<String> SENDABLE = Set.of(OutboundDecision.SMIME, OutboundDecision.PGP, OutboundDecision.PDF,
        OutboundDecision.NONE);

    @Override
    public void init() throws MessagingException {
        Conditions.refuse(this);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Map<String, String> decided = OutboundDecision.protections(mail);
        return mail.getRecipients().stream()
            .filter(recipient -> !SENDABLE.contains(decided.getOrDefault(OutboundDecision.key(recipient), OutboundDecision.REFUSED)))
            .collect(Collectors.toList());
    }
}
