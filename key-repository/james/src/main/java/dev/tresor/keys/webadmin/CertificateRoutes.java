package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.CertificateVault;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.io.Certificates;
import dev.tresor.keys.io.KeyMaterialException;
import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Service;

/** The certificates of a tenant's vault: import, list, fetch, change status, and the lookup mail would do. */
final class CertificateRoutes {
    static final String PEM_CONTENT_TYPE = "application/x-pem-file";
    private static final String CERTIFICATES = TENANT_PATH + "/certificates";
    private static final String CERTIFICATE = CERTIFICATES + "/" + RequestParameters.FINGERPRINT;
    private static final String LOOKUP = TENANT_PATH + "/lookup";

    private final KeyRepository repository;
    private final CertificateVault certificates;
    private final AdminAudit audit;
    private final JsonTransformer json;

    CertificateRoutes(KeyRepository repository, AdminAudit audit, JsonTransformer json) {
        this.repository = repository;
        this.certificates = repository.certificates();
        this.audit = audit;
        this.json = json;
    }

    void define(Service service) {
        service.post(CERTIFICATES, this::importCertificate, json);
        service.get(CERTIFICATES, this::listCertificates, json);
        service.get(CERTIFICATE, this::getCertificate);
        service.patch(CERTIFICATE, this::changeStatus, json);
        service.get(LOOKUP, this::lookup, json);
    }

    private CertificateResponse importCertificate(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        Origin origin = RequestParameters.origin(request);
        List<X509Certificate> chain = endEntityFirst(read(
            RequestBody.bytes(request, RequestBody.CERTIFICATE_LIMIT, "certificate upload"), "certificate"));
        Fingerprint fingerprint = Fingerprint.of(chain.get(0));
        boolean known = certificates.get(tenant, fingerprint).isPresent();
        CertificateEntry entry = add(tenant, chain, origin);
        if (known) {
            response.status(HttpStatus.OK_200);
        } else {
            audit.imported(tenant, fingerprint);
            response.status(HttpStatus.CREATED_201);
        }
        return CertificateResponse.of(entry, repository.privateKeys());
    }

    /** Adds a chain to the vault, turning the vault's refusals into 404 and 400. */
    private CertificateEntry add(TenantId tenant, List<X509Certificate> chain, Origin origin) {
        try {
            return certificates.add(tenant, chain, origin);
        } catch (UnknownTenantException e) {
            throw RequestParameters.unknownTenant(tenant);
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    /** Every certificate of a PEM, DER or PKCS#7 body, in order; 400 naming what is wrong with it. */
    static List<X509Certificate> read(byte[] body, String what) {
        try {
            return Certificates.read(body);
        } catch (KeyMaterialException e) {
            throw badRequest("Cannot read the " + what + ": " + e.getMessage());
        }
    }

    /**
     * The end entity, then its issuers nearest first, then anything else in input order. The end entity is the one
     * certificate that issued none of the others: PKCS#7 bundles are often written in sorted rather than chain order.
     * Without exactly one such certificate, the input order stands (first = end entity).
     */
    private static List<X509Certificate> endEntityFirst(List<X509Certificate> certificates) {
        List<X509Certificate> leaves = certificates.stream()
            .filter(candidate -> certificates.stream().noneMatch(other -> other != candidate && issued(candidate, other)))
            .collect(Collectors.toList());
        if (certificates.size() < 2 || leaves.size() != 1) {
            return certificates;
        }
        List<X509Certificate> ordered = new ArrayList<>();
        List<X509Certificate> remaining = new ArrayList<>(certificates);
        X509Certificate current = leaves.get(0);
        while (current != null) {
            ordered.add(current);
            remaining.remove(current);
            X509Certificate child = current;
            current = remaining.stream().filter(issuer -> issued(issuer, child)).findFirst().orElse(null);
        }
        ordered.addAll(remaining);
        return ordered;
    }

    private static boolean issued(X509Certificate issuer, X509Certificate certificate) {
        return certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal());
    }

    private List<CertificateResponse> listCertificates(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        Optional<Fingerprint> after = RequestParameters.after(request, Fingerprint::of);
        int limit = RequestParameters.pageSize(request);
        return CertificateResponse.of(certificates.list(tenant, after, limit), repository.privateKeys());
    }

    private Object getCertificate(Request request, Response response) throws Exception {
        TenantId tenant = existingTenant(request, repository.tenants());
        CertificateEntry entry = existingCertificate(tenant, RequestParameters.fingerprint(request));
        if (wantsPem(request)) {
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(entry.certificate());
            chain.addAll(entry.chain());
            response.type(PEM_CONTENT_TYPE);
            return new String(Certificates.toPem(chain), StandardCharsets.US_ASCII);
        }
        return json.render(CertificateResponse.of(entry, repository.privateKeys()));
    }

    private static boolean wantsPem(Request request) {
        return Optional.ofNullable(request.headers("Accept"))
            .map(accept -> accept.toLowerCase(Locale.ROOT).contains(PEM_CONTENT_TYPE))
            .orElse(false);
    }

    private CertificateResponse changeStatus(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        Fingerprint fingerprint = RequestParameters.fingerprint(request);
        CertificateEntry current = existingCertificate(tenant, fingerprint);
        KeyStatus status = RequestParameters.status(request);
        if (current.status() != status) {
            if (!certificates.setStatus(tenant, fingerprint, status)) {
                throw certificateNotFound(tenant, fingerprint);
            }
            audit.statusChanged(tenant, fingerprint, status);
        }
        return CertificateResponse.of(existingCertificate(tenant, fingerprint), repository.privateKeys());
    }

    private List<CertificateResponse> lookup(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        EmailAddress address = RequestParameters.address(RequestParameters.query(request, "address").orElse(null), "address");
        SelectionPolicy policy = RequestParameters.policy(request);
        return CertificateResponse.of(certificates.encryptionCertificates(tenant, address, policy), repository.privateKeys());
    }

    private CertificateEntry existingCertificate(TenantId tenant, Fingerprint fingerprint) {
        return certificates.get(tenant, fingerprint).orElseThrow(() -> certificateNotFound(tenant, fingerprint));
    }

    private static HaltException certificateNotFound(TenantId tenant, Fingerprint fingerprint) {
        return notFound("Tenant '" + tenant.asString() + "' holds no certificate " + fingerprint.asString());
    }
}
