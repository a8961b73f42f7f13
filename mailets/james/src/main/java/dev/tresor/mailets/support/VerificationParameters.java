package dev.tresor.mailets.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.mailet.base.GenericMailet;

import dev.tresor.keys.TenantId;
import dev.tresor.smime.RevocationPolicy;

/**
 * The init parameters of mailets that verify signatures: {@code revocation}, {@code tenantRevocation} and
 * {@code trustJdkCacerts}.
 */
public final class VerificationParameters {
    public static final String REVOCATION = "revocation";
    public static final String TENANT_REVOCATION = "tenantRevocation";
    public static final String TRUST_JDK_CACERTS = "trustJdkCacerts";

    private VerificationParameters() {
    }

    public static RevocationPolicy revocation(GenericMailet mailet) throws MessagingException {
        return new InitParameters(mailet).choice(REVOCATION, "soft-fail", InitParameters.names(RevocationPolicy.class));
    }

    /**
     * Per-tenant exceptions to {@code revocation}: {@code tenant=policy} pairs separated by commas, e.g.
     * {@code acme=hard-fail, globex=off}. A malformed pair, an unknown policy or a tenant named twice fails init.
     */
    public static Map<TenantId, RevocationPolicy> tenantRevocation(GenericMailet mailet) throws MessagingException {
        String value = Optional.ofNullable(mailet.getInitParameter(TENANT_REVOCATION)).orElse("").trim();
        Map<TenantId, RevocationPolicy> policies = new LinkedHashMap<>();
        if (value.isEmpty()) {
            return policies;
        }
        for (String pair : value.split(",")) {
            String[] parts = pair.split("=", -1);
            String policy = parts.length == 2 ? parts[1].trim().toLowerCase(Locale.ROOT) : "";
            if (parts.length != 2 || parts[0].isBlank() || !List.of("soft-fail", "hard-fail", "off").contains(policy)) {
                throw new MessagingException(mailet.getMailetName() + ": invalid entry '" + pair.trim() + "' in parameter '"
                    + TENANT_REVOCATION + "', expected tenant=soft-fail|hard-fail|off");
            }
            TenantId tenant;
            try {
                tenant = TenantId.of(parts[0].trim());
            } catch (IllegalArgumentException e) {
                throw new MessagingException(mailet.getMailetName() + ": invalid tenant '" + parts[0].trim() + "' in parameter '"
                    + TENANT_REVOCATION + "': " + e.getMessage(), e);
            }
            if (policies.put(tenant, RevocationPolicy.valueOf(policy.toUpperCase(Locale.ROOT).replace('-', '_'))) != null) {
                throw new MessagingException(mailet.getMailetName() + ": tenant '" + tenant.asString() + "' is named twice in '"
                    + TENANT_REVOCATION + "'");
            }
        }
        return policies;
    }

    public static boolean trustJdkCacerts(GenericMailet mailet) throws MessagingException {
        return new InitParameters(mailet).bool(TRUST_JDK_CACERTS, false);
    }
}
