package dev.tresor.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tresor.attributes.OutboundDecision;

/**
 * Matches the recipients for whom ApplyPolicy decided the protection named in the condition: {@code smime},
 * {@code pgp}, {@code pdf} or {@code none} (sent as it is, as the policy allows). It reads only the decision
 * ({@code tresor.policy.protection}), never the key repository: the policy is resolved once per mail. A recipient
 * without a decision matches no condition (PolicyRefuses takes it).
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.ProtectionIs=smime" class="ToProcessor">
 *     <processor>tresor-smime</processor>
 * </mailet>
 * }</pre>
 *
 * <p>Condition (required): one of {@code smime}, {@code pgp}, {@code pdf}, {@code none}.
 */
public class ProtectionIs extends GenericMatcher {
    private static final Set<String> CHOICES = Set.of(OutboundDecision.SMIME, OutboundDecision.PGP, OutboundDecision.PDF,
        OutboundDecision.NONE);

    private String protection;

    @Override
    public void init() throws MessagingException {
        String condition = Optional.ofNullable(getCondition()).orElse("").trim().toLowerCase(java.util.Locale.ROOT);
        if (!CHOICES.contains(condition)) {
            throw new MessagingException(getMatcherName() + ": the condition must be one of smime, pgp, pdf, none; got '"
                + Optional.ofNullable(getCondition()).orElse("") + "'");
        }
        protection = condition;
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        Map<String, String> decided = OutboundDecision.protections(mail);
        if (decided.isEmpty()) {
            return List.of();
        }
        return mail.getRecipients().stream()
            .filter(recipient -> protection.equals(decided.get(OutboundDecision.key(recipient))))
            .collect(Collectors.toList());
    }
}
