package dev.tresor.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.Senders;

/**
 * Matches every recipient when the sender (the single From address) has a personal S/MIME signing key in its tenant:
 * a usable certificate with its private key. Use it to sign only for senders who can be signed for, and send the rest
 * elsewhere, instead of letting SignSmime fail them. Takes no condition.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.SenderHasSmimeKey" class="dev.tresor.mailets.SignSmime"/>
 * }</pre>
 */
public class SenderHasSmimeKey extends GenericMatcher {
    private final KeyRepository repository;
    private final TenantResolver tenants;

    @Inject
    public SenderHasSmimeKey(KeyRepository repository, TenantResolver tenants) {
        this.repository = repository;
        this.tenants = tenants;
    }

    @Override
    public void init() throws MessagingException {
        Conditions.refuse(this);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        Optional<EmailAddress> sender = Senders.from(mail.getMessage());
        boolean hasKey = sender.isPresent() && repository.privateKeys()
            .signingKey(tenants.tenantOf(sender.get()), sender.get())
            .isPresent();
        return hasKey ? mail.getRecipients() : List.of();
    }
}
