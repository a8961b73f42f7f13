package dev.tresor.distribution.webadmin;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.jwt.JwtConfiguration;
import org.apache.james.jwt.JwtTokenVerifier;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.webadmin.PublicRoutes;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.mdc.LoggingRequestFilter;
import org.apache.james.webadmin.routes.HealthCheckRoutes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tresor.keys.TenantId;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.SignatureAlgorithm;
import spark.Service;

/**
 * The filter on James's own WebAdminServer (Jetty and Spark as in production), with small routes that stand for
 * James's global ones and Tresor's tenant ones. Requests are written on a socket, byte for byte, so that the path
 * tricks reach the server exactly as an attacker would send them.
 */
class TenantScopedJwtFilterTest {
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path directory;

    private final Set<String> tenantsServed = ConcurrentHashMap.newKeySet();
    private WebAdminServer server;
    private WebAdminToken tokens;

    @BeforeEach
    void startWebAdmin() throws Exception {
        WebAdminSigningKey key = new WebAdminSigningKey(directory.resolve("jwt-public.pem"));
        key.provisionIfMissing();
        tokens = new WebAdminToken(key.privateKey(), Clock.systemUTC());
        JwtTokenVerifier verifier = JwtTokenVerifier.create(
            new JwtConfiguration(List.of(Files.readString(key.publicKeyFile(), US_ASCII))));
        server = new WebAdminServer(WebAdminConfiguration.TEST_CONFIGURATION,
            WebAdminAuthenticationModule.onlyHealthCheckPublic(List.of(globalRoutes(), tenantRoutes(), publicMetrics(),
                new HealthCheckRoutes(Set.of(), new org.apache.james.webadmin.utils.JsonTransformer()))),
            new TenantScopedJwtFilter(verifier), new RecordingMetricFactory(), LoggingRequestFilter.create()) {
        };
        server.start();
    }

    @AfterEach
    void stopWebAdmin() {
        server.destroy();
    }

    @Test
    void noTokenShouldBeUnauthorized() throws Exception {
        assertThat(status("GET", "/domains", Optional.empty())).isEqualTo(401);
        assertThat(status("GET", "/tresor/tenants/acme/things", Optional.empty())).isEqualTo(401);
    }

    @Test
    void aTokenThatIsNotABearerTokenSignedWithTheKeyShouldBeUnauthorized() throws Exception {
        WebAdminSigningKey otherKey = new WebAdminSigningKey(directory.resolve("other/jwt-public.pem"));
        otherKey.provisionIfMissing();
        String forged = new WebAdminToken(otherKey.privateKey(), Clock.systemUTC()).admin("mallory", HOUR);

        assertThat(status("GET", "/domains", Optional.of(forged))).isEqualTo(401);
        assertThat(status("GET", "/domains", Optional.of("not-a-token"))).isEqualTo(401);
        assertThat(rawStatus("GET /domains HTTP/1.1", "Authorization: Basic YWRtaW46YWRtaW4=")).isEqualTo(401);
    }

    @Test
    void anExpiredTokenShouldBeUnauthorized() throws Exception {
        WebAdminSigningKey key = new WebAdminSigningKey(directory.resolve("jwt-public.pem"));
        Clock yesterday = Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC);
        String expired = new WebAdminToken(key.privateKey(), yesterday).admin("admin", HOUR);

        assertThat(status("GET", "/domains", Optional.of(expired))).isEqualTo(401);
    }

    @Test
    void aTokenWithNeitherAdminNorTenantShouldBeUnauthorized() throws Exception {
        String plain = Jwts.builder().setSubject("bob")
            .setExpiration(java.util.Date.from(Instant.now().plus(HOUR)))
            .signWith(new WebAdminSigningKey(directory.resolve("jwt-public.pem")).privateKey(), SignatureAlgorithm.ES256)
            .compact();

        assertThat(status("GET", "/domains", Optional.of(plain))).isEqualTo(401);
        assertThat(status("GET", "/tresor/tenants/acme/things", Optional.of(plain))).isEqualTo(401);
    }

    @Test
    void anAdminTokenShouldReachGlobalAndTenantRoutes() throws Exception {
        Optional<String> admin = Optional.of(tokens.admin("admin", HOUR));

        assertThat(status("GET", "/domains", admin)).isEqualTo(200);
        assertThat(status("GET", "/tresor/tenants", admin)).isEqualTo(200);
        assertThat(status("GET", "/tresor/tenants/acme/things", admin)).isEqualTo(200);
        assertThat(status("GET", "/tresor/tenants/globex/things", admin)).isEqualTo(200);
    }

    @Test
    void aTenantTokenShouldReachItsOwnTenantOnly() throws Exception {
        Optional<String> acme = Optional.of(tokens.tenant(TenantId.of("acme"), "acme-admin", HOUR));

        assertThat(status("GET", "/tresor/tenants/acme/things", acme)).isEqualTo(200);
        assertThat(status("GET", "/tresor/tenants/globex/things", acme)).isEqualTo(403);
        assertThat(status("GET", "/tresor/tenants", acme)).isEqualTo(403);
        assertThat(status("GET", "/domains", acme)).isEqualTo(403);
        assertThat(tenantsServed).containsExactly("acme");
    }

    @Test
    void aTenantClaimShouldNarrowATokenThatAlsoSaysAdmin() throws Exception {
        String both = Jwts.builder().setSubject("acme-admin")
            .claim("admin", true).claim(TenantScopedJwtFilter.TENANT_CLAIM, "acme")
            .setExpiration(java.util.Date.from(Instant.now().plus(HOUR)))
            .signWith(new WebAdminSigningKey(directory.resolve("jwt-public.pem")).privateKey(), SignatureAlgorithm.ES256)
            .compact();

        assertThat(status("GET", "/domains", Optional.of(both))).isEqualTo(403);
        assertThat(status("GET", "/tresor/tenants/globex/things", Optional.of(both))).isEqualTo(403);
        assertThat(status("GET", "/tresor/tenants/acme/things", Optional.of(both))).isEqualTo(200);
    }

    @Test
    void claimsOfTheWrongTypeShouldNotGrantAnything() throws Exception {
        java.security.PrivateKey key = new WebAdminSigningKey(directory.resolve("jwt-public.pem")).privateKey();
        java.util.Date inAnHour = java.util.Date.from(Instant.now().plus(HOUR));
        String adminAsText = Jwts.builder().setSubject("x").claim("admin", "true").setExpiration(inAnHour)
            .signWith(key, SignatureAlgorithm.ES256).compact();
        String tenantAsList = Jwts.builder().setSubject("x").claim(TenantScopedJwtFilter.TENANT_CLAIM, List.of("acme"))
            .setExpiration(inAnHour).signWith(key, SignatureAlgorithm.ES256).compact();

        assertThat(status("GET", "/domains", Optional.of(adminAsText))).isEqualTo(401);
        assertThat(status("GET", "/tresor/tenants/acme/things", Optional.of(tenantAsList))).isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACME", "acme/../globex", "", " acme", "../globex"})
    void aTenantClaimThatIsNotACanonicalTenantIdShouldBeUnauthorized(String claim) throws Exception {
        String odd = Jwts.builder().setSubject("someone").claim(TenantScopedJwtFilter.TENANT_CLAIM, claim)
            .setExpiration(java.util.Date.from(Instant.now().plus(HOUR)))
            .signWith(new WebAdminSigningKey(directory.resolve("jwt-public.pem")).privateKey(), SignatureAlgorithm.ES256)
            .compact();

        assertThat(status("GET", "/tresor/tenants/acme/things", Optional.of(odd))).isEqualTo(401);
        assertThat(tenantsServed).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/tresor/tenants/acme/../globex/things",
        "/tresor/tenants/acme/%2e%2e/globex/things",
        "/tresor/tenants/acme%2F..%2Fglobex/things",
        "/tresor/tenants/ACME/things",
        "/tresor/tenants/%61cme/things",
        "/tresor/tenants/acme/things/..%2F..%2F..%2Fdomains",
        "/tresor/tenants/acme/..;/..;/globex/things",
        "/tresor/tenants/acme/../../../domains",
        "/tresor//tenants/globex/things",
    })
    void aTenantTokenShouldNotLeaveItsTenantThroughPathTricks(String path) throws Exception {
        String acme = tokens.tenant(TenantId.of("acme"), "acme-admin", HOUR);

        int status = rawStatus("GET " + path + " HTTP/1.1", "Authorization: Bearer " + acme);

        assertThat(status).as(path).isIn(400, 403, 404);
        assertThat(tenantsServed).as(path).doesNotContain("globex");
    }

    @Test
    void theHealthCheckShouldStayPublic() throws Exception {
        assertThat(status("GET", "/healthcheck", Optional.empty())).isEqualTo(200);
    }

    @Test
    void routesJamesMakesPublicShouldNeedAnAdminTokenExceptTheHealthCheck() throws Exception {
        assertThat(status("GET", "/metrics", Optional.empty())).isEqualTo(401);
        assertThat(status("GET", "/metrics", Optional.of(tokens.tenant(TenantId.of("acme"), "acme-admin", HOUR))))
            .isEqualTo(403);
        assertThat(status("GET", "/metrics", Optional.of(tokens.admin("admin", HOUR)))).isEqualTo(200);
    }

    private Routes globalRoutes() {
        return new Routes() {
            @Override
            public String getBasePath() {
                return "/domains";
            }

            @Override
            public void define(Service service) {
                service.get("/domains", (request, response) -> "[]");
            }
        };
    }

    /** As James's metrics routes: a {@link PublicRoutes}, which James serves without its authentication filter. */
    private static Routes publicMetrics() {
        return new PublicRoutes() {
            @Override
            public String getBasePath() {
                return "/metrics";
            }

            @Override
            public void define(Service service) {
                service.get("/metrics", (request, response) -> "counters");
            }
        };
    }

    private Routes tenantRoutes() {
        return new Routes() {
            @Override
            public String getBasePath() {
                return "/tresor/tenants";
            }

            @Override
            public void define(Service service) {
                service.get("/tresor/tenants", (request, response) -> "[]");
                service.get("/tresor/tenants/:tenant/things", (request, response) -> {
                    tenantsServed.add(request.params("tenant"));
                    return "[]";
                });
            }
        };
    }

    private int status(String method, String path, Optional<String> token) throws IOException {
        return rawStatus(method + " " + path + " HTTP/1.1",
            token.map(value -> "Authorization: Bearer " + value).orElse("X-No-Token: true"));
    }

    private int rawStatus(String requestLine, String header) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getPort().getValue())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: localhost\r\n" + header + "\r\nConnection: close\r\n\r\n").getBytes(US_ASCII));
            out.flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }
}
