package dev.tresor.mailets.support;

import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.mail.internet.MimeMessage;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.smime.RevocationPolicy;
import dev.tresor.smime.SmimeVerdict;
import dev.tresor.smime.SmimeVerifier;
import dev.tresor.smime.VerificationOptions;

/**
 * Verifies a mail's signature once for each recipient tenant, against that tenant's trust anchors and with its
 * revocation policy: a certificate one organisation trusts may mean nothing to another. Tenants with the same anchors
 * and policy share one verification.
 */
public final class TenantSignatureCheck {
    private final KeyRepository repository;
    private final SmimeVerifier verifier;
    private final RevocationPolicy revocation;
    private final Map<TenantId, RevocationPolicy> tenantRevocation;
    private final boolean trustJdkCacerts;

    public TenantSignatureCheck(KeyRepository repository, SmimeVerifier verifier, RevocationPolicy revocation,
                         Map<TenantId, RevocationPolicy> tenantRevocation, boolean trustJdkCacerts) {
        this.repository = repository;
        this.verifier = verifier;
        this.revocation = revocation;
        this.tenantRevocation = Map.copyOf(tenantRevocation);
        this.trustJdkCacerts = trustJdkCacerts;
    }

    public Map<TenantId, SmimeVerdict> verify(MimeMessage message, Set<TenantId> tenants) {
        Map<List<Object>, SmimeVerdict> byAnchorsAndPolicy = new HashMap<>();
        Map<TenantId, SmimeVerdict> verdicts = new LinkedHashMap<>();
        for (TenantId tenant : tenants) {
            List<X509Certificate> anchors = anchorsOf(tenant);
            RevocationPolicy policy = tenantRevocation.getOrDefault(tenant, revocation);
            verdicts.put(tenant, byAnchorsAndPolicy.computeIfAbsent(List.of(anchors, policy),
                key -> verifier.verify(message, options("tenant " + tenant.asString(), anchors, policy))));
        }
        return verdicts;
    }

    /** For a mail without local recipients: no tenant's anchors apply, only the JDK's if configured. */
    public SmimeVerdict verifyWithoutTenant(MimeMessage message) {
        return verifier.verify(message, options("no local recipient", List.of(), revocation));
    }

    private List<X509Certificate> anchorsOf(TenantId tenant) {
        try {
            return repository.trustAnchors().list(tenant);
        } catch (UnknownTenantException e) {
            return List.of();
        }
    }

    private VerificationOptions options(String context, List<X509Certificate> anchors, RevocationPolicy policy) {
        return VerificationOptions.trusting(context, anchors).withJdkCacerts(trustJdkCacerts).withRevocation(policy);
    }
}
