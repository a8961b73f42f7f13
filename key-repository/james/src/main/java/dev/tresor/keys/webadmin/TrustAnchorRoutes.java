package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.james.webadmin.utils.Responses;
import org.eclipse.jetty.http.HttpStatus;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TrustAnchorVault;
import dev.tresor.keys.UnknownTenantException;
import spark.Request;
import spark.Response;
import spark.Service;

/** The root certificates a tenant trusts to verify signatures. */
final class TrustAnchorRoutes {
    private static final String TRUST_ANCHORS = TENANT_PATH + "/trust-anchors";
    private static final String TRUST_ANCHOR = TRUST_ANCHORS + "/" + RequestParameters.FINGERPRINT;

    private final KeyRepository repository;
    private final TrustAnchorVault anchors;
    private final AdminAudit audit;
    private final JsonTransformer json;

    TrustAnchorRoutes(KeyRepository repository, AdminAudit audit, JsonTransformer json) {
        this.repository = repository;
        this.anchors = repository.trustAnchors();
        this.audit = audit;
        this.json = json;
    }

    void define(Service service) {
        service.post(TRUST_ANCHORS, this::addAnchors, json);
        service.get(TRUST_ANCHORS, (request, response) -> responses(anchors.list(existingTenant(request, repository.tenants()))), json);
        service.delete(TRUST_ANCHOR, this::removeAnchor);
    }

    /** Trusts every certificate of the body; 201 if any was new, 200 if all were trusted already. */
    private List<TrustAnchorResponse> addAnchors(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        List<X509Certificate> certificates = CertificateRoutes.read(
            RequestBody.bytes(request, RequestBody.CERTIFICATE_LIMIT, "trust anchor upload"), "trust anchor");
        boolean added = false;
        List<TrustAnchorResponse> result = new ArrayList<>();
        for (X509Certificate certificate : certificates) {
            TrustAnchorResponse anchor = new TrustAnchorResponse(certificate);
            if (add(tenant, certificate)) {
                audit.trustAnchorAdded(tenant, anchor.fingerprint());
                added = true;
            }
            result.add(anchor);
        }
        response.status(added ? HttpStatus.CREATED_201 : HttpStatus.OK_200);
        return result;
    }

    private boolean add(TenantId tenant, X509Certificate certificate) {
        try {
            return anchors.add(tenant, certificate);
        } catch (UnknownTenantException e) {
            throw RequestParameters.unknownTenant(tenant);
        }
    }

    private String removeAnchor(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        Fingerprint fingerprint = RequestParameters.fingerprint(request);
        if (!anchors.remove(tenant, fingerprint)) {
            throw notFound("Tenant '" + tenant.asString() + "' has no trust anchor " + fingerprint.asString());
        }
        audit.trustAnchorRemoved(tenant, fingerprint);
        return Responses.returnNoContent(response);
    }

    private static List<TrustAnchorResponse> responses(List<X509Certificate> certificates) {
        return certificates.stream()
            .map(TrustAnchorResponse::new)
            .collect(Collectors.toUnmodifiableList());
    }
}
