package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.james.webadmin.utils.Responses;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TlsPolicy;
import dev.tresor.keys.TlsPolicyVault;
import dev.tresor.keys.UnknownTenantException;
import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * TLS policies per recipient domain (RequireTls). A policy is sent and returned as JSON:
 * {@code {"level": "verify", "minimumVersion": "TLSv1.3", "names": ["*.bank.example"], "pins": ["spki-sha256:…"]}};
 * only {@code level} is required. Responses add {@code domain} and {@code policy}, the one-line form that
 * {@code mailetcontainer.xml} takes.
 */
final class TlsPolicyRoutes {
    private static final String TLS_POLICIES = TENANT_PATH + "/tls-policies";
    private static final String TLS_POLICY = TLS_POLICIES + "/" + RequestParameters.DOMAIN;
    private static final String LEVEL = "level";
    private static final String MINIMUM_VERSION = "minimumVersion";
    private static final String NAMES = "names";
    private static final String PINS = "pins";

    private final KeyRepository repository;
    private final TlsPolicyVault policies;
    private final JsonTransformer json;

    TlsPolicyRoutes(KeyRepository repository, JsonTransformer json) {
        this.repository = repository;
        this.policies = repository.tlsPolicies();
        this.json = json;
    }

    void define(Service service) {
        service.get(TLS_POLICIES, this::list, json);
        service.put(TLS_POLICY, this::set);
        service.get(TLS_POLICY, this::get, json);
        service.delete(TLS_POLICY, this::remove);
    }

    private List<TlsPolicyResponse> list(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        return policies.all(tenant).entrySet().stream()
            .map(entry -> new TlsPolicyResponse(entry.getKey(), entry.getValue()))
            .collect(Collectors.toList());
    }

    private String set(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        String domain = RequestParameters.domain(request);
        TlsPolicy policy = parse(JsonBody.parse(request, Set.of(LEVEL, MINIMUM_VERSION, NAMES, PINS)));
        try {
            policies.set(tenant, domain, policy);
        } catch (UnknownTenantException e) {
            throw RequestParameters.unknownTenant(tenant);
        }
        return Responses.returnNoContent(response);
    }

    private static TlsPolicy parse(JsonBody body) {
        try {
            return TlsPolicy.of(TlsPolicy.Level.parse(body.requiredString(LEVEL)), body.optionalString(MINIMUM_VERSION),
                body.stringList(NAMES), body.stringList(PINS));
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    private TlsPolicyResponse get(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        String domain = RequestParameters.domain(request);
        return policies.get(tenant, domain)
            .map(policy -> new TlsPolicyResponse(domain, policy))
            .orElseThrow(() -> noPolicy(tenant, domain));
    }

    private String remove(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        String domain = RequestParameters.domain(request);
        if (!policies.remove(tenant, domain)) {
            throw noPolicy(tenant, domain);
        }
        return Responses.returnNoContent(response);
    }

    private static HaltException noPolicy(TenantId tenant, String domain) {
        return notFound("Tenant '" + tenant.asString() + "' has no TLS policy for " + domain);
    }
}
