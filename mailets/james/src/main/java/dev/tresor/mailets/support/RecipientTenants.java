package dev.tresor.mailets.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;

/** The local recipients of a mail grouped by tenant, in tenant order: whose vaults an incoming mail is checked with. */
public final class RecipientTenants {
    private RecipientTenants() {
    }

    /**
     * @throws IllegalStateException when a recipient's tenant is ambiguous (see {@link TenantResolver}): a configuration
     *     error that James's {@code onMailetException} handles
     */
    public static Map<TenantId, List<MailAddress>> of(Mail mail, MailetContext context, TenantResolver resolver) {
        Map<TenantId, List<MailAddress>> tenants = new TreeMap<>();
        Collection<MailAddress> recipients = mail.getRecipients();
        for (MailAddress recipient : recipients) {
            if (context.isLocalServer(recipient.getDomain())) {
                tenants.computeIfAbsent(resolver.tenantOf(recipient), tenant -> new ArrayList<>()).add(recipient);
            }
        }
        return tenants;
    }
}
