package dev.tresor.keys.webadmin;

import java.time.Clock;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.james.KeyRepositoryConfiguration;
import spark.Service;

/**
 * WebAdmin routes administering the key repository, under {@value #TENANTS}. Bound by
 * {@code dev.tresor.keys.james.KeyRepositoryModule}; one {@link Routes}, so that James's authentication filter runs
 * once per request.
 *
 * <table>
 *     <caption>Routes (all under /tresor/tenants)</caption>
 *     <tr><td>GET /, PUT|GET /{tenant}</td><td>tenants</td></tr>
 *     <tr><td>GET /{tenant}/domains, PUT|DELETE /{tenant}/domains/{domain}[?from=owner]</td><td>domain mapping; a
 *         domain another tenant owns moves only with ?from= naming that owner (409 otherwise)</td></tr>
 *     <tr><td>PUT|DELETE /{grantor}/federation/{grantee}</td><td>grantee may use grantor's public certificates</td></tr>
 *     <tr><td>POST|GET /{tenant}/certificates, GET|PATCH /{tenant}/certificates/{fingerprint}</td>
 *         <td>certificates (PEM, DER or PKCS#7 in; JSON or PEM out)</td></tr>
 *     <tr><td>GET /{tenant}/lookup?address=&amp;policy=newest|all</td><td>the certificates mail would be encrypted to</td></tr>
 *     <tr><td>POST /{tenant}/keys, POST /{tenant}/keys/export</td><td>PKCS#12 import (password in header
 *         {@value PrivateKeyRoutes#PASSWORD_HEADER}) and audited PKCS#12 backup</td></tr>
 *     <tr><td>POST|GET /{tenant}/pgp-keys, GET|PATCH /{tenant}/pgp-keys/{fingerprint}</td>
 *         <td>OpenPGP keys (armored or binary in, secret keys with passphrase header
 *         {@value PgpKeyRoutes#PASSPHRASE_HEADER}; JSON or armored public key out)</td></tr>
 *     <tr><td>GET /{tenant}/pgp-lookup?address=&amp;policy=newest|all</td><td>the OpenPGP keys mail would be
 *         encrypted to</td></tr>
 *     <tr><td>POST|GET /{tenant}/trust-anchors, DELETE /{tenant}/trust-anchors/{fingerprint}</td><td>trust anchors</td></tr>
 *     <tr><td>PUT|GET|DELETE /{tenant}/pdf-passwords/{address}</td><td>PDF passwords (never read back)</td></tr>
 *     <tr><td>GET /{tenant}/tls-policies, PUT|GET|DELETE /{tenant}/tls-policies/{domain}</td><td>TLS policies per
 *         recipient domain (RequireTls)</td></tr>
 *     <tr><td>GET /{tenant}/policies, PUT|GET|DELETE /{tenant}/policies/{default|partners/X|senders/X},
 *         GET .../history, GET /{tenant}/policies/effective?sender=&amp;recipient=</td><td>policies: what must
 *         happen to which mail, versioned ({@link PolicyRoutes})</td></tr>
 *     <tr><td>GET /{tenant}/audit?from=&amp;to=&amp;limit=</td><td>audit log</td></tr>
 *     <tr><td>PUT|GET /{tenant}/ca[?action=import], GET /{tenant}/ca/certificate, PATCH /{tenant}/ca/settings,
 *         POST|GET /{tenant}/issued, GET /{tenant}/issued/{kind}/{id}, POST .../{id}?action=revoke,
 *         GET /{tenant}/expiring</td><td>the tenant's CA and the keys it issues ({@link LifecycleRoutes})</td></tr>
 * </table>
 * The renewal job is started by {@link RenewalRoutes}, outside {@code /tresor/tenants}.
 */
public final class KeyRepositoryRoutes implements Routes {
    public static final String TENANTS = "/tresor/tenants";
    static final String TENANT_PATH = TENANTS + "/" + RequestParameters.TENANT;

    private final TenantRoutes tenants;
    private final CertificateRoutes certificates;
    private final PrivateKeyRoutes privateKeys;
    private final PgpKeyRoutes pgpKeys;
    private final TrustAnchorRoutes trustAnchors;
    private final PdfPasswordRoutes pdfPasswords;
    private final TlsPolicyRoutes tlsPolicies;
    private final PolicyRoutes policies;
    private final AuditRoutes audit;
    private final LifecycleRoutes lifecycle;

    @Inject
    public KeyRepositoryRoutes(KeyRepository repository, Clock clock, JsonTransformer json,
                               KeyRepositoryConfiguration configuration) {
        this(repository, clock, json, configuration.publication().url());
    }

    /** @param publicationUrl the publication URL of a tenant CA created without one */
    public KeyRepositoryRoutes(KeyRepository repository, Clock clock, JsonTransformer json, String publicationUrl) {
        AdminAudit adminAudit = new AdminAudit(repository.audit(), clock);
        this.tenants = new TenantRoutes(repository.tenants(), json);
        this.certificates = new CertificateRoutes(repository, adminAudit, json);
        this.privateKeys = new PrivateKeyRoutes(repository, adminAudit, json);
        this.pgpKeys = new PgpKeyRoutes(repository, adminAudit, json);
        this.trustAnchors = new TrustAnchorRoutes(repository, adminAudit, json);
        this.pdfPasswords = new PdfPasswordRoutes(repository);
        this.tlsPolicies = new TlsPolicyRoutes(repository, json);
        this.policies = new PolicyRoutes(repository, json);
        this.audit = new AuditRoutes(repository, clock, json);
        this.lifecycle = new LifecycleRoutes(repository, publicationUrl, json);
    }

    @Override
    public String getBasePath() {
        return TENANTS;
    }

    @Override
    public void define(Service service) {
        service.before(TENANTS, (request, response) -> RequestBody.claim(request));
        service.before(TENANTS + "/*", (request, response) -> RequestBody.claim(request));
        // after every route and every refusal, before the answer is written (Spark's after-after filters)
        service.afterAfter(TENANTS, (request, response) -> RequestBody.discardUnread(request));
        service.afterAfter(TENANTS + "/*", (request, response) -> RequestBody.discardUnread(request));
        tenants.define(service);
        certificates.define(service);
        privateKeys.define(service);
        pgpKeys.define(service);
        trustAnchors.define(service);
        pdfPasswords.define(service);
        tlsPolicies.define(service);
        policies.define(service);
        audit.define(service);
        lifecycle.define(service);
    }
}
