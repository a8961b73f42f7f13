package dev.tresor.matchers;

import javax.inject.Inject;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;

/**
 * Matches the recipients for whom the <b>sender's tenant</b> holds a usable OpenPGP key (its own vault, or a partner's
 * that federates with it): active, neither revoked nor expired, with a valid encryption key and a valid user id naming
 * the recipient's address. The others continue down the chain, so EncryptPgp only ever sees recipients it can serve.
 * A mail without a single From address matches no one. Takes no condition.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.RecipientHasPgpKey" class="dev.tresor.mailets.EncryptPgp"/>
 * }</pre>
 */
public class RecipientHasPgpKey extends SenderTenantMatcher.ForRecipients {
    @Inject
    public RecipientHasPgpKey(KeyRepository repository, TenantResolver tenants) {
        super(repository, tenants);
    }

    @Override
    boolean serves(KeyRepository repository, TenantId tenant, EmailAddress recipient) {
        return !repository.pgpKeys().encryptionKeys(tenant, recipient, SelectionPolicy.NEWEST).isEmpty();
    }
}
