package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.ErrorResponses.notFound;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PrivateKeyVault;
import dev.tresor.keys.RecipientId;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.UnknownTenantException;
import dev.tresor.keys.io.KeyAndChain;
import dev.tresor.keys.io.KeyMaterialException;
import dev.tresor.keys.io.Pkcs12;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * A tenant's own private keys: imported from PKCS#12, and exported as a PKCS#12 backup, the only way a private key
 * ever leaves the repository. Both are audited, key by key.
 */
final class PrivateKeyRoutes {
    static final String PASSWORD_HEADER = "X-Tresor-Pkcs12-Password";
    static final String PKCS12_CONTENT_TYPE = "application/x-pkcs12";
    static final int MIN_EXPORT_PASSWORD_LENGTH = 8;
    private static final String KEYS = TENANT_PATH + "/keys";
    private static final String EXPORT = KEYS + "/export";
    private static final String PASSWORD = "password";
    private static final String ADDRESS = "address";
    private static final int PAGE_SIZE = 500;

    private final KeyRepository repository;
    private final PrivateKeyVault privateKeys;
    private final AdminAudit audit;
    private final JsonTransformer json;

    PrivateKeyRoutes(KeyRepository repository, AdminAudit audit, JsonTransformer json) {
        this.repository = repository;
        this.privateKeys = repository.privateKeys();
        this.audit = audit;
        this.json = json;
    }

    void define(Service service) {
        service.post(KEYS, this::importKeys, json);
        service.post(EXPORT, this::exportKeys);
    }

    private List<CertificateResponse> importKeys(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        List<KeyAndChain> keys = readPkcs12(request);
        List<CertificateEntry> imported = new ArrayList<>();
        for (KeyAndChain key : keys) {
            try {
                imported.add(importKey(tenant, key));
            } catch (UnknownTenantException e) {
                throw RequestParameters.unknownTenant(tenant);
            } catch (IllegalArgumentException e) {
                throw badRequest("Cannot import key '" + key.alias() + "' ("
                    + key.certificate().getSubjectX500Principal().getName() + "): " + e.getMessage()
                    + (imported.isEmpty() ? "" : "; the " + imported.size() + " key(s) before it were imported"));
            }
        }
        response.status(HttpStatus.CREATED_201);
        return CertificateResponse.of(imported, privateKeys);
    }

    private static EmailAddress address(String text) {
        try {
            return EmailAddress.of(text);
        } catch (IllegalArgumentException e) {
            throw badRequest("'address' is not an e-mail address: " + e.getMessage());
        }
    }

    private static List<KeyAndChain> readPkcs12(Request request) {
        String password = request.headers(PASSWORD_HEADER);
        if (password == null) {
            throw badRequest("Missing header " + PASSWORD_HEADER + ": the password of the PKCS#12 file (empty if it "
                + "has none)");
        }
        char[] passwordChars = password.toCharArray();
        try {
            List<KeyAndChain> keys = Pkcs12.read(RequestBody.bytes(request, RequestBody.PKCS12_LIMIT, "PKCS#12 file"),
                passwordChars);
            if (keys.isEmpty()) {
                throw badRequest("The PKCS#12 file holds no private key; to import certificates alone, POST them to "
                    + "/certificates");
            }
            return keys;
        } catch (KeyMaterialException e) {
            throw badRequest("Cannot read the PKCS#12 file: " + e.getMessage());
        } finally {
            Arrays.fill(passwordChars, '\0');
        }
    }

    private CertificateEntry importKey(TenantId tenant, KeyAndChain key) {
        CertificateEntry entry = repository.certificates().add(tenant, key.chain(), Origin.IMPORTED);
        privateKeys.add(tenant, entry.fingerprint(), key.privateKey());
        audit.imported(tenant, entry.fingerprint());
        return entry;
    }

    private byte[] exportKeys(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        JsonBody body = JsonBody.parse(request, Set.of(PASSWORD, ADDRESS));
        Optional<EmailAddress> address = body.optionalString(ADDRESS).map(PrivateKeyRoutes::address);
        char[] password = body.requiredString(PASSWORD).toCharArray();
        try {
            if (password.length < MIN_EXPORT_PASSWORD_LENGTH) {
                throw badRequest("The export password must have at least " + MIN_EXPORT_PASSWORD_LENGTH + " characters");
            }
            List<KeyAndChain> keys = keysOf(tenant, address);
            if (keys.isEmpty()) {
                throw notFound("Tenant '" + tenant.asString() + "' has no private keys"
                    + address.map(one -> " for " + one.asString()).orElse(""));
            }
            byte[] pkcs12 = Pkcs12.write(keys, password);
            keys.forEach(key -> audit.exported(tenant, Fingerprint.of(key.certificate())));
            response.type(PKCS12_CONTENT_TYPE);
            response.header("Content-Disposition", "attachment; filename=\""
                + address.map(one -> one.asString().replaceAll("[^A-Za-z0-9._@-]", "_")).orElse(tenant.asString()) + "-keys.p12\"");
            return pkcs12;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * Every private key of the tenant (a backup), or of one address (for the user's mail client), whatever the status
     * of its certificate: the key history, so that old mail stays readable.
     */
    private List<KeyAndChain> keysOf(TenantId tenant, Optional<EmailAddress> address) {
        List<KeyAndChain> keys = new ArrayList<>();
        Optional<Fingerprint> after = Optional.empty();
        List<CertificateEntry> page;
        do {
            page = repository.certificates().list(tenant, after, PAGE_SIZE);
            for (CertificateEntry entry : page) {
                if ((address.isEmpty() || entry.addresses().contains(address.get())) && privateKeys.has(tenant, entry.fingerprint())) {
                    keyOf(tenant, entry).ifPresent(keys::add);
                }
                after = Optional.of(entry.fingerprint());
            }
        } while (page.size() == PAGE_SIZE);
        return keys;
    }

    /** The vault hands private keys out by recipient id only, as a decrypting mailet asks for them. */
    private Optional<KeyAndChain> keyOf(TenantId tenant, CertificateEntry entry) {
        X509Certificate certificate = entry.certificate();
        RecipientId id = RecipientId.issuerAndSerial(certificate.getIssuerX500Principal(), certificate.getSerialNumber());
        return privateKeys.decryptionKeys(tenant, id).stream()
            .filter(pair -> pair.certificate().fingerprint().equals(entry.fingerprint()))
            .findFirst()
            .map(pair -> new KeyAndChain(alias(entry), pair.privateKey(), chainOf(pair)));
    }

    private static List<X509Certificate> chainOf(KeyPairEntry pair) {
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(pair.certificate().certificate());
        chain.addAll(pair.certificate().chain());
        return chain;
    }

    /** The first address and the start of the fingerprint: what mail clients list the key by. */
    private static String alias(CertificateEntry entry) {
        String address = entry.addresses().stream()
            .map(EmailAddress::asString)
            .sorted()
            .findFirst()
            .orElse("key");
        return address + " (" + entry.fingerprint().asString().substring(0, 16) + ")";
    }
}
