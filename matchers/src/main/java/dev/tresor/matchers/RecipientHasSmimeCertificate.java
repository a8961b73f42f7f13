package dev.tresor.matchers;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;
import dev.tresor.mailets.Senders;

/**
 * Matches the recipients for whom the <b>sender's tenant</b> holds a usable S/MIME encryption certificate (its own
 * directory, or a partner's that federates with it): valid now, active, with an encryption key usage and the
 * recipient's address. The others continue down the chain, so EncryptSmime only ever sees recipients it can serve.
 * A mail without a single From address matches no one. Takes no condition.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.RecipientHasSmimeCertificate" class="dev.tresor.mailets.EncryptSmime"/>
 * }</pre>
 */
public class RecipientHasSmimeCertificate extends GenericMatcher {
    private final KeyRepository repository;
    private final TenantResolver tenants;

    @Inject
    public RecipientHasSmimeCertificate(KeyRepository repository, TenantResolver tenants) {
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
        TenantId tenant = tenants.tenantOf(sender.get());
        return mail.getRecipients().stream()
            .filter(recipient -> hasCertificate(tenant, recipient))
            .collect(Collectors.toList());
    }

    private boolean hasCertificate(TenantId tenant, MailAddress recipient) {
        return !repository.certificates()
            .encryptionCertificates(tenant, EmailAddress.of(recipient.asString()), SelectionPolicy.NEWEST)
            .isEmpty();
    }
}
