package dev.tresor.matchers;

import javax.inject.Inject;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.james.TenantResolver;

/**
 * Matches every recipient when the sender (the single From address) has a personal S/MIME signing key in its tenant:
 * a usable certificate with its private key, or one the tenant's CA will issue on the spot (auto-issue). Use it to sign only for senders who can be signed for, and send the rest
 * elsewhere, instead of letting SignSmime fail them. Takes no condition.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.SenderHasSmimeKey" class="dev.tresor.mailets.SignSmime"/>
 * }</pre>
 */
public class SenderHasSmimeKey extends SenderTenantMatcher.ForSender {
    @Inject
    public SenderHasSmimeKey(KeyRepository repository, TenantResolver tenants) {
        super(repository, tenants);
    }

    @Override
    boolean serves(KeyRepository repository, TenantId tenant, EmailAddress sender) {
        return repository.privateKeys().hasSigningKey(tenant, sender)
            || repository.lifecycle().issuesAutomatically(tenant, sender, KeyKind.SMIME);
    }
}
