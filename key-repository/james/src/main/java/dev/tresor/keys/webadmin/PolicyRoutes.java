package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.james.webadmin.utils.Responses;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.PolicyVault;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;
import dev.tresor.keys.policy.TenantPolicies;
import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * A tenant's policies ({@link PolicyVault}): one set of settings per scope, {@code default},
 * {@code partners/{domain|*.domain|address}} or {@code senders/{domain|address}}. A PUT body is a JSON object of
 * {@link PolicySettings} fields, values as text ({@code "mandatory"}), booleans as JSON booleans or text, and
 * {@code mechanisms} as an array ({@code ["smime","pgp"]}) or one text ({@code "smime,pgp"}); it replaces the scope's
 * settings as a new version. Responses give each scope as {@code {"scope": "partner:bank.example", "settings": {...}}}
 * with the settings in canonical text.
 *
 * <p>{@code GET .../effective?sender=&recipient=} shows what applies: {@code outbound} to mail from {@code sender} to
 * {@code recipient}, {@code inbound} to mail from {@code recipient} (the partner) to our users, and the tenant's
 * {@code triggers}. Every change is versioned and audited by the vault ({@code SET_POLICY}, {@code REMOVE_POLICY}) with
 * who made it: the WebAdmin token's subject when authentication is on, else {@value #ANONYMOUS}.
 */
final class PolicyRoutes {
    static final String ANONYMOUS = "admin";
    private static final String POLICIES = TENANT_PATH + "/policies";
    private static final String PARTNER = ":partner";
    private static final String SENDER = ":sender";
    private static final String DEFAULT = POLICIES + "/default";
    private static final String PARTNERS = POLICIES + "/partners/" + PARTNER;
    private static final String SENDERS = POLICIES + "/senders/" + SENDER;
    private static final String HISTORY = "/history";
    private static final String EFFECTIVE = POLICIES + "/effective";

    private final KeyRepository repository;
    private final PolicyVault policies;
    private final JsonTransformer json;

    PolicyRoutes(KeyRepository repository, JsonTransformer json) {
        this.repository = repository;
        this.policies = repository.policies();
        this.json = json;
    }

    void define(Service service) {
        service.get(POLICIES, this::list, json);
        service.get(EFFECTIVE, this::effective, json);
        defineScope(service, DEFAULT, request -> PolicyScope.tenantDefault());
        defineScope(service, PARTNERS, request -> scope(request, PARTNER, PolicyScope::partner));
        defineScope(service, SENDERS, request -> scope(request, SENDER, PolicyScope::sender));
    }

    private void defineScope(Service service, String path, Function<Request, PolicyScope> scope) {
        service.put(path, (request, response) -> set(request, response, scope));
        service.get(path, (request, response) -> get(request, scope), json);
        service.delete(path, (request, response) -> remove(request, response, scope));
        service.get(path + HISTORY, (request, response) -> history(request, scope), json);
    }

    private List<PolicyResponse> list(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        return policies.of(tenant).scopes().entrySet().stream()
            .map(entry -> new PolicyResponse(entry.getKey(), entry.getValue()))
            .collect(Collectors.toList());
    }

    private String set(Request request, Response response, Function<Request, PolicyScope> scopeOf) {
        TenantId tenant = existingTenant(request, repository.tenants());
        PolicyScope scope = scopeOf.apply(request);
        PolicySettings settings = PolicyBody.settings(request);
        try {
            policies.set(tenant, scope, settings, changedBy(request));
        } catch (UnknownTenantException e) {
            throw RequestParameters.unknownTenant(tenant);
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
        return Responses.returnNoContent(response);
    }

    private PolicyResponse get(Request request, Function<Request, PolicyScope> scopeOf) {
        TenantId tenant = existingTenant(request, repository.tenants());
        PolicyScope scope = scopeOf.apply(request);
        return policies.get(tenant, scope)
            .map(settings -> new PolicyResponse(scope, settings))
            .orElseThrow(() -> noPolicy(tenant, scope));
    }

    private String remove(Request request, Response response, Function<Request, PolicyScope> scopeOf) {
        TenantId tenant = existingTenant(request, repository.tenants());
        PolicyScope scope = scopeOf.apply(request);
        if (!policies.remove(tenant, scope, changedBy(request))) {
            throw noPolicy(tenant, scope);
        }
        return Responses.returnNoContent(response);
    }

    /** Newest first; a scope that never had a version is 404, one that was removed shows its removal. */
    private List<PolicyVersionResponse> history(Request request, Function<Request, PolicyScope> scopeOf) {
        TenantId tenant = existingTenant(request, repository.tenants());
        PolicyScope scope = scopeOf.apply(request);
        List<PolicyVersionResponse> versions = policies.history(tenant, scope).stream()
            .map(PolicyVersionResponse::new)
            .collect(Collectors.toList());
        if (versions.isEmpty()) {
            throw notFound("Tenant '" + tenant.asString() + "' never had a policy for " + scope.asString());
        }
        return versions;
    }

    private EffectivePolicyResponse effective(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        EmailAddress sender = RequestParameters.address(RequestParameters.query(request, "sender").orElse(null),
            "sender");
        EmailAddress recipient = RequestParameters.address(
            RequestParameters.query(request, "recipient").orElse(null), "recipient");
        TenantPolicies resolved = policies.of(tenant);
        return new EffectivePolicyResponse(resolved.outbound(sender, recipient), resolved.inbound(recipient),
            resolved.subjectTag(), resolved.triggerHeader());
    }

    private static PolicyScope scope(Request request, String parameter, Function<String, PolicyScope> parse) {
        try {
            return parse.apply(request.params(parameter));
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    /** Who changes a policy, for its history and the audit log. */
    private static String changedBy(Request request) {
        return RequestParameters.actor(request);
    }

    private static HaltException noPolicy(TenantId tenant, PolicyScope scope) {
        return notFound("Tenant '" + tenant.asString() + "' has no policy for " + scope.asString());
    }
}
