package dev.tresor.matchers;

import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tresor.attributes.RequireTlsOption;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.TenantResolver;

/**
 * Matches the remote recipients whose mail must travel over TLS: those whose domain has an {@code encrypt} or
 * {@code verify} policy in the <b>sender's tenant</b> (WebAdmin {@code /tresor/tenants/{tenant}/tls-policies}) or is
 * listed in the condition, and every remote recipient of a mail that arrived with RFC 8689 {@code REQUIRETLS}. Send
 * them to RequireTls instead of RemoteDelivery; the others continue down the chain.
 *
 * <p>The condition lists domains that require TLS for every tenant (the domains given an encrypt or verify policy in
 * RequireTls's {@code policies}); a tenant's own {@code none} or {@code may} policy for such a domain wins, as it does
 * in RequireTls.
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.RecipientRequiresTls=bank.example, partner.example" class="ToProcessor">
 *     <processor>tls-required</processor>
 * </mailet>
 * }</pre>
 */
public class RecipientRequiresTls extends GenericMatcher {
    private final KeyRepository repository;
    private final TenantResolver tenants;
    private Set<String> configuredDomains = Set.of();

    @Inject
    public RecipientRequiresTls(KeyRepository repository, TenantResolver tenants) {
        this.repository = repository;
        this.tenants = tenants;
    }

    @Override
    public void init() throws MessagingException {
        String condition = Optional.ofNullable(getCondition()).orElse("");
        try {
            configuredDomains = Arrays.stream(condition.split(","))
                .map(String::trim)
                .filter(domain -> !domain.isEmpty())
                .map(EmailAddress::normaliseDomain)
                .collect(Collectors.toUnmodifiableSet());
        } catch (IllegalArgumentException e) {
            throw new MessagingException(getMatcherName() + ": invalid domain in condition '" + condition
                + "', expected comma-separated domains: " + e.getMessage());
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        boolean requested = RequireTlsOption.isRequested(mail);
        Optional<TenantId> tenant = requested ? Optional.empty() : mail.getMaybeSender().asOptional().map(tenants::tenantOf);
        // the policy first (cached), James's domain list (a database query each) only for those that need TLS
        return mail.getRecipients().stream()
            .filter(recipient -> requested || requiresTls(tenant, recipient.getDomain().asString()))
            .filter(recipient -> !getMailetContext().isLocalServer(recipient.getDomain()))
            .collect(Collectors.toList());
    }

    private boolean requiresTls(Optional<TenantId> tenant, String domain) {
        return tenant.flatMap(id -> repository.tlsPolicies().get(id, domain))
            .map(policy -> policy.level().requiresTls())
            .orElseGet(() -> configuredDomains.contains(EmailAddress.normaliseDomain(domain)));
    }

    @Override
    public String getMatcherInfo() {
        return "Matches remote recipients whose domain requires TLS, or all of a mail sent with REQUIRETLS";
    }
}
