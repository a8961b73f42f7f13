package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.ErrorResponses.conflict;
import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.io.Certificates;
import dev.tresor.keys.io.KeyAndChain;
import dev.tresor.keys.io.KeyMaterialException;
import dev.tresor.keys.io.Pkcs12;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.lifecycle.KeyLifecycle;
import dev.tresor.keys.lifecycle.RevocationReason;
import dev.tresor.keys.lifecycle.TenantCa;
import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * A tenant's CA and the keys it issues ({@link KeyLifecycle}). Every change is audited by the lifecycle with who made
 * it: the WebAdmin token's subject, else {@value PolicyRoutes#ANONYMOUS}.
 *
 * <table>
 * <caption>Routes (under /tresor/tenants/{tenant})</caption>
 * <tr><td>PUT /ca</td><td>generates the CA: body {@code {"settings": {...}}} of {@link CaSettings} fields (all
 *     optional, the body too; {@code publicationUrl} defaults to {@code publication.url} of keyrepository.properties); 201 with the
 *     CA, 409 if the tenant has one (a CA is never replaced)</td></tr>
 * <tr><td>PUT /ca?action=import</td><td>takes an intermediate CA of the organisation's PKI from a PKCS#12 body
 *     (password in header {@value PrivateKeyRoutes#PASSWORD_HEADER}), settings as query parameters
 *     ({@code &validityDays=397}); 400 saying why when it is not a usable CA</td></tr>
 * <tr><td>GET /ca, GET /ca/certificate, PATCH /ca/settings</td><td>the CA (404 if none), its certificate and issuers
 *     in PEM, a change of some of its settings (body: the fields to change)</td></tr>
 * <tr><td>POST /issued</td><td>issues ahead of time: {@code {"kind": "smime"|"openpgp", "addresses": [...],
 *     "validityDays": 90}} (validityDays optional); 201 with one key per address, the existing one when the address
 *     has a current key. Every address is checked first: one that is malformed or outside the tenant's domains gets
 *     400 naming it and nothing is issued for any</td></tr>
 * <tr><td>GET /issued[?address=], GET /issued/{kind}/{id}</td><td>the register of issued keys, oldest first</td></tr>
 * <tr><td>POST /issued/{kind}/{id}?action=revoke[&amp;reason=key-compromise]</td><td>revokes (reason
 *     {@code unspecified} by default; also affiliation-changed, superseded, cessation-of-operation); 404 if the CA
 *     issued no such key</td></tr>
 * <tr><td>GET /expiring[?withinDays=N]</td><td>active keys of every origin expiring within N days (default: the CA's
 *     {@code expiryWarningDays}, or 30 without CA)</td></tr>
 * </table>
 */
final class LifecycleRoutes {
    private static final String CA = TENANT_PATH + "/ca";
    private static final String CA_CERTIFICATE = CA + "/certificate";
    private static final String CA_SETTINGS = CA + "/settings";
    private static final String ISSUED = TENANT_PATH + "/issued";
    private static final String KIND = ":kind";
    private static final String ID = ":id";
    private static final String ISSUED_KEY = ISSUED + "/" + KIND + "/" + ID;
    private static final String EXPIRING = TENANT_PATH + "/expiring";
    private static final String ACTION = "action";
    private static final String SETTINGS = "settings";
    private static final String ADDRESSES = "addresses";
    private static final String VALIDITY_DAYS = "validityDays";
    private static final int MAX_ADDRESSES = 1000;
    private static final int DEFAULT_WARNING_DAYS = 30;
    private static final int MAX_WARNING_DAYS = 3650;
    private static final String PEM = "application/x-pem-file";

    private final KeyRepository repository;
    private final String defaultPublicationUrl;
    private final JsonTransformer json;

    /** @param defaultPublicationUrl the publication URL of a CA whose settings name none */
    LifecycleRoutes(KeyRepository repository, String defaultPublicationUrl, JsonTransformer json) {
        this.repository = repository;
        this.defaultPublicationUrl = defaultPublicationUrl;
        this.json = json;
    }

    void define(Service service) {
        service.put(CA, this::putCa, json);
        service.get(CA, this::getCa, json);
        service.get(CA_CERTIFICATE, this::caCertificate);
        service.patch(CA_SETTINGS, this::changeSettings, json);
        service.post(ISSUED, this::issue, json);
        service.get(ISSUED, this::issued, json);
        service.get(ISSUED_KEY, this::issuedKey, json);
        service.post(ISSUED_KEY, this::revoke, json);
        service.get(EXPIRING, this::expiring, json);
    }

    private KeyLifecycle lifecycle() {
        return repository.lifecycle();
    }

    private CaResponse putCa(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        Optional<String> action = RequestParameters.query(request, ACTION);
        if (action.isPresent() && !action.get().equals("import")) {
            throw badRequest("Invalid action '" + action.get() + "': leave it out to generate the CA, or use import "
                + "with a PKCS#12 body");
        }
        if (lifecycle().ca(tenant).isPresent()) {
            throw hasCa(tenant);
        }
        TenantCa ca;
        try {
            ca = action.isPresent() ? importCa(request, tenant) : createCa(request, tenant);
        } catch (UnknownTenantException e) {
            throw RequestParameters.unknownTenant(tenant);
        } catch (IllegalStateException e) {
            throw hasCa(tenant);
        }
        response.status(HttpStatus.CREATED_201);
        return new CaResponse(ca);
    }

    private TenantCa createCa(Request request, TenantId tenant) {
        Map<String, JsonNode> body = request.raw().getContentLengthLong() == 0 ? Map.of()
            : JsonBody.object(request, "the field settings");
        for (String field : body.keySet()) {
            if (!field.equals(SETTINGS)) {
                throw badRequest("Unknown field '" + field + "' in the JSON body: expected the field settings");
            }
        }
        JsonNode settings = body.get(SETTINGS);
        Map<String, String> fields = settings == null || settings.isNull() ? new LinkedHashMap<>() : fields(settings);
        CaSettings parsed = settings(fields);
        try {
            return lifecycle().createCa(tenant, parsed, RequestParameters.actor(request));
        } catch (UnknownTenantException e) {
            throw RequestParameters.unknownTenant(tenant);
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    /** The settings of an import are its query parameters other than {@code action}. */
    private TenantCa importCa(Request request, TenantId tenant) {
        Map<String, String> fields = new LinkedHashMap<>();
        RequestParameters.queryParameters(request).forEach((name, values) -> {
            if (!name.equals(ACTION)) {
                fields.put(name, values.get(values.size() - 1));
            }
        });
        CaSettings settings = settings(fields);
        KeyAndChain key = readCaKey(request);
        try {
            return lifecycle().importCa(tenant, key.chain(), key.privateKey(), settings, RequestParameters.actor(request));
        } catch (UnknownTenantException e) {
            throw RequestParameters.unknownTenant(tenant);
        } catch (IllegalArgumentException e) {
            throw badRequest("Cannot take this key as the tenant's CA: " + e.getMessage());
        }
    }

    private static KeyAndChain readCaKey(Request request) {
        String password = request.headers(PrivateKeyRoutes.PASSWORD_HEADER);
        if (password == null) {
            throw badRequest("Missing header " + PrivateKeyRoutes.PASSWORD_HEADER + ": the password of the PKCS#12 file "
                + "(empty if it has none)");
        }
        char[] passwordChars = password.toCharArray();
        try {
            List<KeyAndChain> keys = Pkcs12.read(RequestBody.bytes(request, RequestBody.PKCS12_LIMIT, "PKCS#12 file"),
                passwordChars);
            if (keys.size() != 1) {
                throw badRequest("The PKCS#12 file holds " + keys.size() + " private keys: a CA import takes exactly "
                    + "one, the CA's, with its certificate and issuers");
            }
            return keys.get(0);
        } catch (KeyMaterialException e) {
            throw badRequest("Cannot read the PKCS#12 file: " + e.getMessage());
        } finally {
            Arrays.fill(passwordChars, '\0');
        }
    }

    private CaSettings settings(Map<String, String> fields) {
        fields.putIfAbsent("publicationUrl", defaultPublicationUrl);
        try {
            return CaSettings.parse(fields, Optional.empty());
        } catch (IllegalArgumentException e) {
            throw badRequest("Invalid CA settings: " + e.getMessage());
        }
    }

    private CaResponse getCa(Request request, Response response) {
        return new CaResponse(existingCa(request));
    }

    private String caCertificate(Request request, Response response) {
        TenantCa ca = existingCa(request);
        response.type(PEM);
        return pem(ca);
    }

    private CaResponse changeSettings(Request request, Response response) {
        TenantCa ca = existingCa(request);
        Map<String, String> fields = fields(JsonBody.object(request, "the CA settings to change"));
        CaSettings settings;
        try {
            settings = CaSettings.parse(fields, Optional.of(ca.settings()));
        } catch (IllegalArgumentException e) {
            throw badRequest("Invalid CA settings: " + e.getMessage());
        }
        try {
            return new CaResponse(lifecycle().changeSettings(ca.tenant(), settings, RequestParameters.actor(request)));
        } catch (IllegalStateException e) {
            throw noCa(ca.tenant());
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    private List<IssuedKeyResponse> issue(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        JsonBody body = JsonBody.parse(request, Set.of("kind", ADDRESSES, VALIDITY_DAYS));
        KeyKind kind = kind(body.requiredString("kind"));
        List<EmailAddress> addresses = addressesOf(tenant, body.stringList(ADDRESSES));
        Optional<Integer> validityDays = body.optionalInt(VALIDITY_DAYS, 1, CaSettings.MAX_VALIDITY_DAYS);
        if (lifecycle().ca(tenant).isEmpty()) {
            throw noCa(tenant);
        }
        List<IssuedKey> issued = new ArrayList<>();
        String actor = RequestParameters.actor(request);
        for (EmailAddress address : addresses) {
            try {
                issued.add(lifecycle().issue(tenant, kind, address, validityDays, actor));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw badRequest("Cannot issue a key to " + address.asString() + ": " + e.getMessage()
                    + (issued.isEmpty() ? "" : "; the " + issued.size() + " address(es) before it have their key"));
            }
        }
        response.status(HttpStatus.CREATED_201);
        return IssuedKeyResponse.of(issued);
    }

    /** Every address checked before anything is issued: malformed, duplicated, or outside the tenant's domains. */
    private List<EmailAddress> addressesOf(TenantId tenant, List<String> raw) {
        if (raw.isEmpty()) {
            throw badRequest("Missing field 'addresses': a JSON array of the addresses to issue keys to");
        }
        if (raw.size() > MAX_ADDRESSES) {
            throw badRequest("Too many addresses: at most " + MAX_ADDRESSES + " per request");
        }
        List<EmailAddress> addresses = new ArrayList<>();
        for (String each : raw) {
            EmailAddress address = RequestParameters.address(each, "address");
            if (!repository.tenants().tenantOf(address.domain()).equals(tenant)) {
                throw badRequest("Address " + address.asString() + " is not in one of tenant '" + tenant.asString()
                    + "''s domains: nothing was issued");
            }
            if (!addresses.contains(address)) {
                addresses.add(address);
            }
        }
        return addresses;
    }

    private List<IssuedKeyResponse> issued(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        Optional<EmailAddress> address = RequestParameters.query(request, "address")
            .map(raw -> RequestParameters.address(raw, "address"));
        return IssuedKeyResponse.of(lifecycle().issued(tenant, address));
    }

    private IssuedKeyResponse issuedKey(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        KeyKind kind = kind(request.params(KIND));
        String id = request.params(ID);
        return lifecycle().issuedKey(tenant, kind, id)
            .map(IssuedKeyResponse::new)
            .orElseThrow(() -> noIssuedKey(tenant, kind, id));
    }

    private IssuedKeyResponse revoke(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        KeyKind kind = kind(request.params(KIND));
        String id = request.params(ID);
        String action = RequestParameters.query(request, ACTION).orElse("");
        if (!action.equals("revoke")) {
            throw badRequest("Invalid action '" + action + "': use action=revoke[&reason=key-compromise]");
        }
        RevocationReason reason;
        try {
            reason = RequestParameters.query(request, "reason").map(RevocationReason::parse)
                .orElse(RevocationReason.UNSPECIFIED);
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
        return lifecycle().revoke(tenant, kind, id, reason, RequestParameters.actor(request))
            .map(IssuedKeyResponse::new)
            .orElseThrow(() -> noIssuedKey(tenant, kind, id));
    }

    private List<ExpiringKeyResponse> expiring(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        int days = RequestParameters.query(request, "withinDays")
            .map(LifecycleRoutes::days)
            .orElseGet(() -> lifecycle().ca(tenant).map(ca -> ca.settings().expiryWarningDays())
                .orElse(DEFAULT_WARNING_DAYS));
        return lifecycle().expiring(tenant, days).stream()
            .map(ExpiringKeyResponse::new)
            .collect(Collectors.toUnmodifiableList());
    }

    private static int days(String value) {
        try {
            int days = Integer.parseInt(value);
            if (days >= 0 && days <= MAX_WARNING_DAYS) {
                return days;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw badRequest("Invalid withinDays '" + value + "': use a whole number from 0 to " + MAX_WARNING_DAYS);
    }

    private TenantCa existingCa(Request request) {
        TenantId tenant = existingTenant(request, repository.tenants());
        return lifecycle().ca(tenant).orElseThrow(() -> noCa(tenant));
    }

    /** JSON values as the text {@link CaSettings#parse} reads: strings, numbers and booleans; null clears. */
    private static Map<String, String> fields(JsonNode object) {
        if (!object.isObject()) {
            throw badRequest("Field 'settings' must be a JSON object of CA settings");
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        object.fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue()));
        return fields(fields);
    }

    private static Map<String, String> fields(Map<String, JsonNode> json) {
        Map<String, String> fields = new LinkedHashMap<>();
        json.forEach((name, value) -> {
            if (value.isContainerNode()) {
                throw badRequest("CA setting '" + name + "' must be a JSON string, number or boolean");
            }
            fields.put(name, value.isNull() ? "" : value.asText());
        });
        return fields;
    }

    private static KeyKind kind(String value) {
        try {
            return KeyKind.parse(value);
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    /** The CA certificate, then its issuers, in PEM. */
    static String pem(TenantCa ca) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(ca.certificate());
        chain.addAll(ca.chain());
        return new String(Certificates.toPem(chain), StandardCharsets.US_ASCII);
    }

    private static HaltException hasCa(TenantId tenant) {
        return conflict("Tenant '" + tenant.asString() + "' has a CA already: a CA is never replaced");
    }

    private static HaltException noCa(TenantId tenant) {
        return notFound("Tenant '" + tenant.asString() + "' has no CA");
    }

    private static HaltException noIssuedKey(TenantId tenant, KeyKind kind, String id) {
        return notFound("Tenant '" + tenant.asString() + "''s CA issued no " + kind.asString() + " key " + id);
    }
}
