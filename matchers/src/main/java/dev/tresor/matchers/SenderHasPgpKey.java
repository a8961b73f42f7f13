package dev.tresor.matchers;

import javax.inject.Inject;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.james.TenantResolver;

/**
 * Matches every recipient when the sender (the single From address) has an OpenPGP signing key of her own in her
 * tenant: a usable key whose secret part the tenant holds. Use it to sign only for senders who can be signed for,
 * instead of letting SignPgp fail them. Takes no condition.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.SenderHasPgpKey" class="dev.tresor.mailets.SignPgp"/>
 * }</pre>
 */
public class SenderHasPgpKey extends SenderTenantMatcher.ForSender {
    @Inject
    public SenderHasPgpKey(KeyRepository repository, TenantResolver tenants) {
        super(repository, tenants);
    }

    @Override
    boolean serves(KeyRepository repository, TenantId tenant, EmailAddress sender) {
        return repository.pgpKeys().hasSigningKey(tenant, sender)
            || repository.lifecycle().issuesAutomatically(tenant, sender, KeyKind.OPENPGP);
    }
}
