package dev.tresor.distribution.webadmin;

import static spark.Spark.halt;

import java.io.IOException;
import java.util.Base64;
import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Named;

import org.apache.james.jwt.JwtTokenVerifier;
import org.apache.james.webadmin.authentication.AuthenticationFilter;
import org.eclipse.jetty.http.HttpStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.annotations.VisibleForTesting;

import dev.tresor.keys.TenantId;
import spark.Request;
import spark.Response;

/**
 * WebAdmin's authentication in Tresor's distribution: James's JWT rule (a token signed with the configured key, a
 * {@code sub}, and {@code "admin": true} for everything), plus tokens bound to one tenant.
 *
 * <p>A token with the claim {@value #TENANT_CLAIM} (e.g. {@code "tresor_tenant": "acme"}) reaches only what
 * {@link TenantScope} allows: {@code /tresor/tenants/acme} and below; anything else is answered 403. The tenant claim
 * narrows a token even if it also says {@code "admin": true}: a token that names a tenant is never a provider's token.
 * Answers: no bearer token, a token not signed with the key, expired, without {@code sub}, or neither admin nor
 * bound to a valid tenant: 401 (as James's {@code JwtFilter}); a tenant token outside its tenant: 403. {@code OPTIONS}
 * (CORS pre-flight) passes unauthenticated, as in James.
 *
 * <p>Enabled by {@code jwt.enabled=true} in {@code webadmin.properties}, bound by {@link WebAdminAuthenticationModule}.
 * James runs this filter before every route that is not public; in Tresor's distribution only the health check is
 * (see {@link WebAdminAuthenticationModule}).
 */
public final class TenantScopedJwtFilter implements AuthenticationFilter {
    public static final String TENANT_CLAIM = "tresor_tenant";
    static final String ADMIN_CLAIM = "admin";
    private static final String BEARER = "Bearer ";
    private static final String AUTHORIZATION = "Authorization";
    private static final String OPTIONS = "OPTIONS";
    private static final Logger LOGGER = LoggerFactory.getLogger(TenantScopedJwtFilter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JwtTokenVerifier verifier;

    @Inject
    public TenantScopedJwtFilter(@Named("webadmin") JwtTokenVerifier.Factory verifierFactory) {
        this(verifierFactory.create());
    }

    @VisibleForTesting
    TenantScopedJwtFilter(JwtTokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void handle(Request request, Response response) {
        if (request.requestMethod().equals(OPTIONS)) {
            return;
        }
        String token = Optional.ofNullable(request.headers(AUTHORIZATION))
            .filter(value -> value.startsWith(BEARER))
            .map(value -> value.substring(BEARER.length()))
            .orElseThrow(() -> halt(HttpStatus.UNAUTHORIZED_401, "No Bearer header."));
        String login = verifier.verifyAndExtractLogin(token)
            .orElseThrow(() -> halt(HttpStatus.UNAUTHORIZED_401, "Invalid Bearer header."));
        JsonNode claims = verifiedClaims(token);

        Optional<TenantScope> scope = tenantScope(claims, login);
        if (scope.isPresent()) {
            requireInside(scope.get(), request, login);
        } else if (!claims.path(ADMIN_CLAIM).isBoolean() || !claims.path(ADMIN_CLAIM).booleanValue()) {
            throw halt(HttpStatus.UNAUTHORIZED_401, "Non authorized user.");
        }
        request.attribute(LOGIN, login);
    }

    /**
     * The claims of a token the verifier has just accepted, read from its payload: asking the verifier for a claim the
     * token does not carry (an admin token has no tenant, a tenant token no admin) logs a stack trace per request.
     */
    private static JsonNode verifiedClaims(String token) {
        String[] parts = token.split("\\.", -1);
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            if (claims != null && claims.isObject()) {
                return claims;
            }
        } catch (IOException | IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
            LOGGER.info("WebAdmin token refused: its verified payload is not a JSON object ({})", e.getMessage());
        }
        throw halt(HttpStatus.UNAUTHORIZED_401, "Invalid Bearer header.");
    }

    private static Optional<TenantScope> tenantScope(JsonNode claims, String login) {
        if (!claims.has(TENANT_CLAIM)) {
            return Optional.empty();
        }
        JsonNode tenant = claims.get(TENANT_CLAIM);
        try {
            if (!tenant.isTextual()) {
                throw new IllegalArgumentException("not a string");
            }
            TenantId id = TenantId.of(tenant.textValue());
            if (!id.asString().equals(tenant.textValue())) {
                throw new IllegalArgumentException("not in its canonical form");
            }
            return Optional.of(new TenantScope(id));
        } catch (IllegalArgumentException e) {
            LOGGER.info("WebAdmin token of {} refused: {} {} is not a tenant id", login, TENANT_CLAIM, tenant);
            throw halt(HttpStatus.UNAUTHORIZED_401, "Invalid Bearer header: " + TENANT_CLAIM + " is not a tenant id.");
        }
    }

    private static void requireInside(TenantScope scope, Request request, String login) {
        String path = request.raw().getRequestURI();
        if (!scope.permits(request.requestMethod(), path)) {
            LOGGER.info("WebAdmin: {} (token of tenant {}) refused {} {}", login, scope.tenant().asString(),
                request.requestMethod(), path);
            throw halt(HttpStatus.FORBIDDEN_403, "This token is bound to tenant '" + scope.tenant().asString()
                + "': it reaches only /tresor/tenants/" + scope.tenant().asString() + "/...");
        }
    }
}
