package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.ErrorResponses.conflict;
import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANTS;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.james.webadmin.utils.Responses;
import org.eclipse.jetty.http.HttpStatus;

import dev.tresor.keys.DomainOwnershipException;
import dev.tresor.keys.TenantDirectory;
import dev.tresor.keys.TenantId;
import spark.Request;
import spark.Response;
import spark.Service;

/** Tenants, their domains and federation grants. */
final class TenantRoutes {
    private static final String GRANTEE = ":grantee";
    private static final String FROM = "from";
    private static final String DOMAINS = TENANT_PATH + "/domains";
    private static final String DOMAIN_PATH = DOMAINS + "/" + RequestParameters.DOMAIN;
    private static final String FEDERATION_PATH = TENANT_PATH + "/federation/" + GRANTEE;

    private final TenantDirectory tenants;
    private final JsonTransformer json;

    TenantRoutes(TenantDirectory tenants, JsonTransformer json) {
        this.tenants = tenants;
        this.json = json;
    }

    void define(Service service) {
        service.get(TENANTS, (request, response) -> names(tenants.list()), json);
        service.put(TENANT_PATH, this::createTenant);
        service.get(TENANT_PATH, this::describeTenant, json);

        service.get(DOMAINS, (request, response) -> tenants.domains(existingTenant(request, tenants)), json);
        service.put(DOMAIN_PATH, this::mapDomain);
        service.delete(DOMAIN_PATH, this::unmapDomain);

        service.put(FEDERATION_PATH, this::grantFederation);
        service.delete(FEDERATION_PATH, this::revokeFederation);
    }

    private String createTenant(Request request, Response response) {
        TenantId tenant = RequestParameters.tenant(request, RequestParameters.TENANT);
        if (tenants.create(tenant)) {
            response.status(HttpStatus.CREATED_201);
            return "";
        }
        return Responses.returnNoContent(response);
    }

    private TenantResponse describeTenant(Request request, Response response) {
        TenantId tenant = existingTenant(request, tenants);
        return new TenantResponse(tenant.asString(), tenants.domains(tenant), names(tenants.federatedWith(tenant)));
    }

    /**
     * Maps a free domain; a domain another tenant owns is moved only when the request names that owner in
     * {@value #FROM} (a compare and set: it fails if the owner has changed), never silently.
     */
    private String mapDomain(Request request, Response response) {
        TenantId tenant = existingTenant(request, tenants);
        String domain = RequestParameters.domain(request);
        Optional<TenantId> from = RequestParameters.query(request, FROM)
            .map(name -> RequestParameters.tenant(FROM, name));
        try {
            if (from.isPresent()) {
                tenants.moveDomain(domain, from.get(), tenant);
            } else {
                tenants.mapDomain(domain, tenant);
            }
        } catch (DomainOwnershipException e) {
            throw conflict(conflictMessage(e, tenant, from));
        }
        return Responses.returnNoContent(response);
    }

    private static String conflictMessage(DomainOwnershipException e, TenantId tenant, Optional<TenantId> from) {
        String domain = e.domain();
        String target = TENANTS + "/" + tenant.asString() + "/domains/" + domain;
        if (e.owner().isEmpty()) {
            return "Domain '" + domain + "' is not owned by tenant '" + from.map(TenantId::asString).orElse("")
                + "': no tenant owns it; map it with PUT " + target + " (without ?" + FROM + "=)";
        }
        String owner = e.owner().get().asString();
        return "Domain '" + domain + "' belongs to tenant '" + owner + "'"
            + from.map(named -> ", not to '" + named.asString() + "'").orElse("")
            + ". Moving it changes which tenant's keys protect its mail. To move it deliberately, "
            + "PUT " + target + "?" + FROM + "=" + owner + " (recorded in both tenants' audit logs), or DELETE "
            + TENANTS + "/" + owner + "/domains/" + domain + " first";
    }

    private String unmapDomain(Request request, Response response) {
        TenantId tenant = existingTenant(request, tenants);
        String domain = RequestParameters.domain(request);
        if (!tenants.domains(tenant).contains(domain)) {
            throw notFound("Domain '" + domain + "' is not mapped to tenant '" + tenant.asString() + "'");
        }
        tenants.unmapDomain(domain);
        return Responses.returnNoContent(response);
    }

    private String grantFederation(Request request, Response response) {
        TenantId grantor = existingTenant(request, tenants);
        TenantId grantee = existingTenant(request, GRANTEE, tenants);
        if (grantor.equals(grantee)) {
            throw badRequest("A tenant cannot grant federation to itself ('" + grantor.asString() + "')");
        }
        tenants.grantFederation(grantor, grantee);
        return Responses.returnNoContent(response);
    }

    private String revokeFederation(Request request, Response response) {
        TenantId grantor = existingTenant(request, tenants);
        TenantId grantee = existingTenant(request, GRANTEE, tenants);
        if (!tenants.revokeFederation(grantor, grantee)) {
            throw notFound("Tenant '" + grantor.asString() + "' has not granted federation to '" + grantee.asString() + "'");
        }
        return Responses.returnNoContent(response);
    }

    private static List<String> names(Collection<TenantId> tenantIds) {
        return tenantIds.stream()
            .map(TenantId::asString)
            .sorted()
            .collect(Collectors.toUnmodifiableList());
    }
}
