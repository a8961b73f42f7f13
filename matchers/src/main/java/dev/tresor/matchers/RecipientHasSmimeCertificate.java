package dev.tresor.matchers;

import javax.inject.Inject;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;

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
public class RecipientHasSmimeCertificate extends SenderTenantMatcher.ForRecipients {
    @Inject
    public RecipientHasSmimeCertificate(KeyRepository repository, TenantResolver tenants) {
        super(repository, tenants);
    }

    @Override
    boolean serves(KeyRepository repository, TenantId tenant, EmailAddress recipient) {
        return !repository.certificates().encryptionCertificates(tenant, recipient, SelectionPolicy.NEWEST).isEmpty();
    }
}
