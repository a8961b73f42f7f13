package dev.tresor.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.support.Senders;

/**
 * A matcher that asks the <b>sender's tenant</b> (of the mail's single From address) about the mail: what it holds
 * for each recipient ({@link ForRecipients}), or for the sender ({@link ForSender}). A mail without a single From
 * address matches no one. Takes no condition.
 */
abstract class SenderTenantMatcher extends GenericMatcher {
    private final KeyRepository repository;
    private final TenantResolver tenants;

    SenderTenantMatcher(KeyRepository repository, TenantResolver tenants) {
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
        if (sender.isEmpty()) {
            return List.of();
        }
        return matching(mail, repository, tenants.tenantOf(sender.get()), sender.get());
    }

    abstract Collection<MailAddress> matching(Mail mail, KeyRepository repository, TenantId tenant, EmailAddress sender);

    /** Matches the recipients for whom {@link #serves} says yes; the others continue down the chain. */
    abstract static class ForRecipients extends SenderTenantMatcher {
        ForRecipients(KeyRepository repository, TenantResolver tenants) {
            super(repository, tenants);
        }

        @Override
        final Collection<MailAddress> matching(Mail mail, KeyRepository repository, TenantId tenant, EmailAddress sender) {
            return mail.getRecipients().stream()
                .filter(recipient -> serves(repository, tenant, EmailAddress.of(recipient.asString())))
                .collect(Collectors.toList());
        }

        abstract boolean serves(KeyRepository repository, TenantId tenant, EmailAddress recipient);
    }

    /** Matches every recipient when {@link #serves} says yes for the sender, none otherwise. */
    abstract static class ForSender extends SenderTenantMatcher {
        ForSender(KeyRepository repository, TenantResolver tenants) {
            super(repository, tenants);
        }

        @Override
        final Collection<MailAddress> matching(Mail mail, KeyRepository repository, TenantId tenant, EmailAddress sender) {
            return serves(repository, tenant, sender) ? mail.getRecipients() : List.of();
        }

        abstract boolean serves(KeyRepository repository, TenantId tenant, EmailAddress sender);
    }
}
