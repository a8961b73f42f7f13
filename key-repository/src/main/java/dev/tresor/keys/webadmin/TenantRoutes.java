package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANTS;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.james.webadmin.utils.Responses;
import org.eclipse.jetty.http.HttpStatus;

import dev.tresor.keys.TenantDirectory;
import dev.tresor.keys.TenantId;
import spark.Request;
import spark.Response;
import spark.Service;

/** Tenants, their domains and federation grants. */
final class TenantRoutes {
    private static final String GRANTEE = ":grantee";
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

    private String mapDomain(Request request, Response response) {
        TenantId tenant = existingTenant(request, tenants);
        tenants.mapDomain(RequestParameters.domain(request), tenant);
        return Responses.returnNoContent(response);
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
