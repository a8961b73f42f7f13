package dev.tresor.matchers;

import javax.inject.Inject;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;

/**
 * Matches the recipients for whom the <b>sender's tenant</b> holds a pre-shared PDF password (PdfPasswordVault; set
 * with {@code PUT /tresor/tenants/{tenant}/pdf-passwords/{address}}). Pre-shared passwords are never federated: only
 * the sender's own tenant counts. The others continue down the chain. A mail without a single From address matches
 * no one. Takes no condition.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.RecipientHasPdfPassword" class="dev.tresor.mailets.PdfWrap">
 *     <passwords>pre-shared</passwords>
 * </mailet>
 * }</pre>
 */
public class RecipientHasPdfPassword extends SenderTenantMatcher.ForRecipients {
    @Inject
    public RecipientHasPdfPassword(KeyRepository repository, TenantResolver tenants) {
        super(repository, tenants);
    }

    @Override
    boolean serves(KeyRepository repository, TenantId tenant, EmailAddress recipient) {
        return repository.pdfPasswords().exists(tenant, recipient);
    }
}
