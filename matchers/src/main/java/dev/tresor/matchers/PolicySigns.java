package dev.tresor.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tresor.attributes.OutboundDecision;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.keys.policy.Signing;
import dev.tresor.mailets.support.Senders;

/**
 * Matches every recipient when the sender's signing policy (recorded by ApplyPolicy in {@code tresor.policy.signing})
 * says the mail is to be signed with the mechanism of the condition, none otherwise:
 * <ul>
 *     <li>{@code force}: always, so that the signing mailet after it signs or holds the mail (it never passes it
 *         unsigned);</li>
 *     <li>{@code if-possible}, or no recorded policy: when the From address has a signing key of that mechanism in
 *         its tenant (as SenderHasSmimeKey / SenderHasPgpKey);</li>
 *     <li>{@code never}: never.</li>
 * </ul>
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.PolicySigns=smime" class="dev.tresor.mailets.SignSmime"/>
 * }</pre>
 *
 * <p>Condition (required): {@code smime} or {@code pgp}.
 */
public class PolicySigns extends GenericMatcher {
    private final KeyRepository repository;
    private final TenantResolver tenants;
    private boolean smime;

    @Inject
    public PolicySigns(KeyRepository repository, TenantResolver tenants) {
        this.repository = repository;
        this.tenants = tenants;
    }

    @Override
    public void init() throws MessagingException {
        String condition = Optional.ofNullable(getCondition()).orElse("").trim();
        if (!condition.equalsIgnoreCase("smime") && !condition.equalsIgnoreCase("pgp")) {
            throw new MessagingException(getMatcherName() + ": the condition must be smime or pgp; got '" + condition + "'");
        }
        smime = condition.equalsIgnoreCase("smime");
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        String signing = OutboundDecision.signing(mail).orElse(Signing.IF_POSSIBLE.asString());
        if (signing.equals(Signing.FORCE.asString())) {
            return mail.getRecipients();
        }
        if (!signing.equals(Signing.IF_POSSIBLE.asString())) {
            return List.of();
        }
        Optional<EmailAddress> sender = Senders.from(mail.getMessage());
        if (sender.isEmpty()) {
            return List.of();
        }
        TenantId tenant = tenants.tenantOf(sender.get());
        boolean hasKey = smime ? repository.privateKeys().hasSigningKey(tenant, sender.get())
            : repository.pgpKeys().hasSigningKey(tenant, sender.get());
        hasKey = hasKey || repository.lifecycle().issuesAutomatically(tenant, sender.get(), smime ? KeyKind.SMIME : KeyKind.OPENPGP);
        return hasKey ? mail.getRecipients() : List.of();
    }
}
