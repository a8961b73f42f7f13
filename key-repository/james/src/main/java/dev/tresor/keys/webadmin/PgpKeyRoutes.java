package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.PgpKeyVault;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.io.KeyMaterialException;
import dev.tresor.keys.io.PgpKeys;
import dev.tresor.keys.io.PgpPublicKeyInfo;
import spark.HaltException;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * The OpenPGP keys of a tenant's vault: import (public keys, or the tenant's own with their secret keys), list, fetch
 * (JSON, or the armored public key for {@code gpg --import}), change status, and the lookup mail would do. Secret keys
 * go in only: no route hands them out.
 */
final class PgpKeyRoutes {
    /** Present: the body is a secret key ({@code gpg --armor --export-secret-keys}) and this its passphrase. */
    static final String PASSPHRASE_HEADER = "X-Tresor-Pgp-Passphrase";
    static final String PGP_KEYS_CONTENT_TYPE = "application/pgp-keys";
    private static final String KEYS = TENANT_PATH + "/pgp-keys";
    private static final String KEY = KEYS + "/" + RequestParameters.FINGERPRINT;
    private static final String LOOKUP = TENANT_PATH + "/pgp-lookup";

    private final KeyRepository repository;
    private final PgpKeyVault keys;
    private final AdminAudit audit;
    private final JsonTransformer json;

    PgpKeyRoutes(KeyRepository repository, AdminAudit audit, JsonTransformer json) {
        this.repository = repository;
        this.keys = repository.pgpKeys();
        this.audit = audit;
        this.json = json;
    }

    void define(Service service) {
        service.post(KEYS, this::importKey, json);
        service.get(KEYS, this::listKeys, json);
        service.get(KEY, this::getKey);
        service.patch(KEY, this::changeStatus, json);
        service.get(LOOKUP, this::lookup, json);
    }

    /**
     * A public key: 201 if new to the tenant, and audited; 200 if it held the key already (the two copies merged). A
     * secret key: 201, and audited each time, as a PKCS#12 import of private keys is.
     */
    private PgpKeyResponse importKey(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        byte[] body = RequestBody.bytes(request, RequestBody.PGP_KEY_LIMIT, "OpenPGP key upload");
        String passphrase = request.headers(PASSPHRASE_HEADER);
        if (passphrase != null) {
            PgpKeyEntry entry = addSecretKey(tenant, body, passphrase);
            audit.pgpSecretKeyImported(tenant, entry.fingerprint());
            response.status(HttpStatus.CREATED_201);
            return PgpKeyResponse.of(entry);
        }
        Origin origin = RequestParameters.origin(request);
        boolean known = singleKeyOf(body).flatMap(fingerprint -> keys.get(tenant, fingerprint)).isPresent();
        PgpKeyEntry entry = addPublicKey(tenant, body, origin);
        if (known) {
            response.status(HttpStatus.OK_200);
        } else {
            audit.pgpKeyImported(tenant, entry.fingerprint());
            response.status(HttpStatus.CREATED_201);
        }
        return PgpKeyResponse.of(entry);
    }

    /** The fingerprint of the one public key in the body; empty for anything else, which the vault then refuses. */
    private static Optional<PgpFingerprint> singleKeyOf(byte[] body) {
        try {
            List<PgpPublicKeyInfo> rings = PgpKeys.readPublicKeys(body);
            return rings.size() == 1 ? Optional.of(PgpFingerprint.of(rings.get(0).fingerprint())) : Optional.empty();
        } catch (KeyMaterialException e) {
            return Optional.empty();
        }
    }

    private PgpKeyEntry addPublicKey(TenantId tenant, byte[] body, Origin origin) {
        try {
            return keys.addPublicKey(tenant, body, origin);
        } catch (UnknownTenantException e) {
            throw RequestParameters.unknownTenant(tenant);
        } catch (IllegalArgumentException e) {
            throw cannotImport(e);
        }
    }

    private PgpKeyEntry addSecretKey(TenantId tenant, byte[] body, String passphrase) {
        char[] passphraseChars = passphrase.toCharArray();
        try {
            return keys.addSecretKey(tenant, body, passphraseChars);
        } catch (UnknownTenantException e) {
            throw RequestParameters.unknownTenant(tenant);
        } catch (IllegalArgumentException e) {
            throw cannotImport(e);
        } finally {
            Arrays.fill(passphraseChars, '\0');
        }
    }

    private static HaltException cannotImport(IllegalArgumentException e) {
        return badRequest("Cannot import the OpenPGP key: " + e.getMessage());
    }

    private List<PgpKeyResponse> listKeys(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        Optional<PgpFingerprint> after = RequestParameters.after(request, PgpFingerprint::of);
        int limit = RequestParameters.pageSize(request);
        return PgpKeyResponse.of(keys.list(tenant, after, limit));
    }

    private Object getKey(Request request, Response response) throws Exception {
        TenantId tenant = existingTenant(request, repository.tenants());
        PgpFingerprint fingerprint = fingerprint(request);
        if (wantsArmor(request)) {
            byte[] armored = keys.exportPublic(tenant, fingerprint).orElseThrow(() -> keyNotFound(tenant, fingerprint));
            response.type(PGP_KEYS_CONTENT_TYPE);
            return new String(armored, StandardCharsets.US_ASCII);
        }
        return json.render(PgpKeyResponse.of(existingKey(tenant, fingerprint)));
    }

    private static boolean wantsArmor(Request request) {
        return Optional.ofNullable(request.headers("Accept"))
            .map(accept -> accept.toLowerCase(Locale.ROOT).contains(PGP_KEYS_CONTENT_TYPE))
            .orElse(false);
    }

    private PgpKeyResponse changeStatus(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        PgpFingerprint fingerprint = fingerprint(request);
        PgpKeyEntry current = existingKey(tenant, fingerprint);
        KeyStatus status = RequestParameters.status(request);
        if (current.status() != status) {
            if (!keys.setStatus(tenant, fingerprint, status)) {
                throw keyNotFound(tenant, fingerprint);
            }
            audit.pgpKeyStatusChanged(tenant, fingerprint, status);
        }
        return PgpKeyResponse.of(existingKey(tenant, fingerprint));
    }

    private List<PgpKeyResponse> lookup(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        EmailAddress address = RequestParameters.address(RequestParameters.query(request, "address").orElse(null), "address");
        SelectionPolicy policy = RequestParameters.policy(request);
        return PgpKeyResponse.of(keys.encryptionKeys(tenant, address, policy));
    }

    private static PgpFingerprint fingerprint(Request request) {
        try {
            return PgpFingerprint.of(request.params(RequestParameters.FINGERPRINT));
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    private PgpKeyEntry existingKey(TenantId tenant, PgpFingerprint fingerprint) {
        return keys.get(tenant, fingerprint).orElseThrow(() -> keyNotFound(tenant, fingerprint));
    }

    private static HaltException keyNotFound(TenantId tenant, PgpFingerprint fingerprint) {
        return notFound("Tenant '" + tenant.asString() + "' holds no OpenPGP key " + fingerprint.asString());
    }
}
