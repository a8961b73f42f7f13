package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import org.apache.james.webadmin.utils.Responses;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.PdfPasswordVault;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Service;

/** Passwords agreed with recipients who have no key (PdfWrap). They can be set and removed, never read back. */
final class PdfPasswordRoutes {
    private static final String PDF_PASSWORD = TENANT_PATH + "/pdf-passwords/" + RequestParameters.ADDRESS;
    private static final String PASSWORD = "password";

    private final KeyRepository repository;
    private final PdfPasswordVault passwords;

    PdfPasswordRoutes(KeyRepository repository) {
        this.repository = repository;
        this.passwords = repository.pdfPasswords();
    }

    void define(Service service) {
        service.put(PDF_PASSWORD, this::setPassword);
        service.get(PDF_PASSWORD, this::hasPassword);
        service.delete(PDF_PASSWORD, this::removePassword);
    }

    private String setPassword(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        EmailAddress recipient = RequestParameters.address(request);
        char[] password = JsonBody.parse(request, Set.of(PASSWORD)).requiredString(PASSWORD).toCharArray();
        try {
            if (password.length == 0) {
                throw badRequest("The password must not be empty");
            }
            passwords.set(tenant, recipient, password);
        } catch (UnknownTenantException e) {
            throw RequestParameters.unknownTenant(tenant);
        } finally {
            Arrays.fill(password, '\0');
        }
        return Responses.returnNoContent(response);
    }

    /** 204 if a password is set, 404 if not: the password itself is never sent back. */
    private String hasPassword(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        EmailAddress recipient = RequestParameters.address(request);
        Optional<char[]> password = passwords.get(tenant, recipient);
        password.ifPresent(chars -> Arrays.fill(chars, '\0'));
        if (password.isEmpty()) {
            throw noPassword(tenant, recipient);
        }
        return Responses.returnNoContent(response);
    }

    private String removePassword(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        EmailAddress recipient = RequestParameters.address(request);
        if (!passwords.remove(tenant, recipient)) {
            throw noPassword(tenant, recipient);
        }
        return Responses.returnNoContent(response);
    }

    private static HaltException noPassword(TenantId tenant, EmailAddress recipient) {
        return notFound("Tenant '" + tenant.asString() + "' has no PDF password for " + recipient.asString());
    }
}
