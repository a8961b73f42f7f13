package dev.tresor.mailets.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;

/**
 * Splits an incoming mail by its recipients' tenants, so that each tenant's keys only ever open its own copy: the
 * recipients of every tenant but the first get a copy of their own, sent back into the mail's current processor; the
 * mail keeps the first tenant's recipients.
 */
public final class TenantSplit {
    private static final Logger LOGGER = LoggerFactory.getLogger(TenantSplit.class);

    private TenantSplit() {
    }

    /**
     * @return the tenant whose recipients the mail now holds
     * @throws RuntimeException when a recipient's tenant cannot be resolved (nothing has been sent then)
     */
    public static TenantId keepFirstTenant(Mail mail, MailetContext context, TenantResolver tenants) throws MessagingException {
        Map<TenantId, List<MailAddress>> byTenant = new LinkedHashMap<>();
        for (MailAddress recipient : mail.getRecipients()) {
            byTenant.computeIfAbsent(tenants.tenantOf(recipient), tenant -> new ArrayList<>()).add(recipient);
        }
        List<TenantId> order = new ArrayList<>(byTenant.keySet());
        for (TenantId other : order.subList(1, order.size())) {
            Mail copy = mail.duplicate();
            copy.setRecipients(byTenant.get(other));
            context.sendMail(copy, mail.getState());
            LOGGER.debug("Mail {}: recipients {} belong to another tenant, sent as {}", mail.getName(), byTenant.get(other),
                copy.getName());
        }
        TenantId first = order.get(0);
        mail.setRecipients(byTenant.get(first));
        return first;
    }
}
