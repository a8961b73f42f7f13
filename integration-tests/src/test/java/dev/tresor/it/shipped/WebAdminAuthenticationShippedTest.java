package dev.tresor.it.shipped;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebAdmin authentication of the shipped server with its sample configuration (issue 15, item 6): tokens minted with
 * {@code bin/tresor-token} from the key the server generated on its first start. An admin token reaches everything;
 * a token bound to tenant acme reaches acme's routes and nothing else (403), whatever the path looks like; no token or
 * a token not signed with the server's key: 401.
 */
class WebAdminAuthenticationShippedTest {
    private static final String TLS_POLICY = "{\"level\":\"verify\",\"minimumVersion\":\"TLSv1.3\"}";

    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    private static String acmeToken;

    @BeforeAll
    static void twoTenantsAndATokenForAcme() {
        server.webAdmin().put("/tresor/tenants/acme").then().statusCode(201);
        server.webAdmin().put("/tresor/tenants/acme/domains/acme.example").then().statusCode(204);
        server.webAdmin().put("/tresor/tenants/globex").then().statusCode(201);
        server.webAdmin().put("/tresor/tenants/globex/domains/globex.example").then().statusCode(204);
        server.webAdmin().body(TLS_POLICY).put("/tresor/tenants/globex/tls-policies/partner.example")
            .then().statusCode(204);
        acmeToken = server.token("tenant", "acme");
    }

    @Test
    void anAdminTokenShouldReachJamesRoutesAndEveryTenant() {
        server.webAdmin().get("/domains").then().statusCode(200);
        server.webAdmin().get("/mailRepositories").then().statusCode(200);
        assertThat(server.webAdmin().get("/tresor/tenants").then().statusCode(200).extract().jsonPath()
            .getList("", String.class)).contains("acme", "globex");
        server.webAdmin().get("/tresor/tenants/globex/tls-policies").then().statusCode(200);
    }

    @Test
    void aTenantTokenShouldReachItsOwnTenant() {
        assertThat(server.webAdmin(acmeToken).get("/tresor/tenants/acme").then().statusCode(200).extract().jsonPath()
            .getList("domains", String.class)).containsExactly("acme.example");
        server.webAdmin(acmeToken).get("/tresor/tenants/acme/certificates").then().statusCode(200);
        server.webAdmin(acmeToken).body(TLS_POLICY).put("/tresor/tenants/acme/tls-policies/partner.example")
            .then().statusCode(204);
        server.webAdmin(acmeToken).get("/tresor/tenants/acme/tls-policies/partner.example").then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/tresor/tenants/globex", "/tresor/tenants/globex/tls-policies",
        "/tresor/tenants/globex/certificates", "/tresor/tenants/globex/audit"})
    void aTenantTokenShouldBeRefusedOnAnotherTenantsRoutes(String path) {
        server.webAdmin(acmeToken).get(path).then().statusCode(403);
    }

    @Test
    void aTenantTokenShouldNotWriteIntoAnotherTenant() {
        server.webAdmin(acmeToken).delete("/tresor/tenants/globex/tls-policies/partner.example").then().statusCode(403);

        server.webAdmin().get("/tresor/tenants/globex/tls-policies/partner.example").then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/domains", "/users", "/mailRepositories", "/mailQueues", "/tresor/tenants", "/tasks",
        "/address/aliases", "/mappings"})
    void aTenantTokenShouldBeRefusedOnGlobalRoutes(String path) {
        server.webAdmin(acmeToken).get(path).then().statusCode(403);
    }

    @Test
    void metricsShouldNeedAnAdminToken() {
        // 403 once WebAdmin serves James's metrics (a route James itself leaves public), 404 while it does not
        assertThat(server.webAdmin(acmeToken).get("/metrics").statusCode()).isIn(403, 404);
        assertThat(server.webAdminWithoutToken().get("/metrics").statusCode()).isIn(401, 404);
    }

    @Test
    void aTenantTokenShouldNeitherCreateTenantsNorTakeDomains() {
        server.webAdmin(acmeToken).put("/tresor/tenants/acme/domains/globex.example").then().statusCode(403);
        server.webAdmin(acmeToken).put("/tresor/tenants/acme/domains/globex.example?from=globex").then().statusCode(403);
        server.webAdmin(acmeToken).put("/tresor/tenants/initech").then().statusCode(403);
        server.webAdmin(acmeToken).put("/domains/evil.example").then().statusCode(403);

        assertThat(server.webAdmin().get("/tresor/tenants/globex").then().statusCode(200).extract().jsonPath()
            .getList("domains", String.class)).containsExactly("globex.example");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/tresor/tenants/acme/../globex/tls-policies",
        "/tresor/tenants/acme/%2e%2e/globex/tls-policies",
        "/tresor/tenants/acme%2F..%2Fglobex/tls-policies",
        "/tresor/tenants/ACME/../globex",
        "/tresor/tenants/acme/..;/globex/tls-policies",
        "/tresor/tenants/acme/tls-policies/..%2F..%2F..%2F..%2Fdomains",
        "/tresor/tenants/acme/../../../domains",
        "/tresor//tenants/globex/tls-policies",
    })
    void aTenantTokenShouldNotLeaveItsTenantThroughPathTricks(String path) throws IOException {
        String response = rawGet(path, "Bearer " + acmeToken);

        assertThat(statusOf(response)).as(path).isIn(400, 403, 404);
        assertThat(response).as(path).doesNotContain("TLSv1.3").doesNotContain("globex.example");
    }

    @Test
    void noTokenShouldBeUnauthorized() {
        server.webAdminWithoutToken().get("/domains").then().statusCode(401);
        server.webAdminWithoutToken().get("/tresor/tenants").then().statusCode(401);
        server.webAdminWithoutToken().get("/tresor/tenants/acme").then().statusCode(401);
    }

    @Test
    void aTokenNotSignedWithTheServersKeyShouldBeUnauthorized() {
        String[] parts = server.adminToken().split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        server.webAdmin(tampered).get("/domains").then().statusCode(401);
        server.webAdmin("not-a-token").get("/tresor/tenants/acme").then().statusCode(401);
    }

    @Test
    void theHealthCheckShouldNeedNoToken() {
        server.webAdminWithoutToken().get("/healthcheck").then().statusCode(200);
    }

    /** The request line exactly as written: no client library normalises the path on the way. */
    private static String rawGet(String path, String authorization) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port(ShippedServer.WEBADMIN))) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization
                + "\r\nConnection: close\r\n\r\n").getBytes(US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), US_ASCII));
            StringBuilder response = new StringBuilder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                response.append(line).append('\n');
            }
            return response.toString();
        }
    }

    private static int statusOf(String response) {
        return Integer.parseInt(response.split(" ", 3)[1]);
    }
}
