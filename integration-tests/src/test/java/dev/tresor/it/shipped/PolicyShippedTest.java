package dev.tresor.it.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.restassured.path.json.JsonPath;

/**
 * Policies administered over the shipped server's WebAdmin as the README's "Policies" section does: set, read back
 * with their history and what applies, and found in the tenant's audit log. Requests are sent as curl sends them
 * (no percent-encoding of {@code *} or {@code @} in the path, curl's default content type), so that what the README
 * shows is what Jetty and Spark receive.
 */
class PolicyShippedTest {
    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void createTenant() {
        server.webAdmin().put("/tresor/tenants/acme").then().statusCode(201);
    }

    @Test
    void aPolicySetOverWebAdminShouldBeReadBackWithItsHistoryAndAudited() throws Exception {
        // given a partner policy set, then replaced, by an admin
        assertThat(curl("PUT", "/tresor/tenants/acme/policies/partners/lawfirm.example",
            "{\"encryption\":\"mandatory\",\"mechanisms\":[\"smime\",\"pgp\",\"pdf\"]}").statusCode()).isEqualTo(204);
        assertThat(curl("PUT", "/tresor/tenants/acme/policies/partners/lawfirm.example",
            "{\"encryption\":\"mandatory-all\"}").statusCode()).isEqualTo(204);

        // when it is read back
        HttpResponse<String> current = curl("GET", "/tresor/tenants/acme/policies/partners/lawfirm.example", null);
        HttpResponse<String> history = curl("GET", "/tresor/tenants/acme/policies/partners/lawfirm.example/history",
            null);
        HttpResponse<String> audit = curl("GET", "/tresor/tenants/acme/audit", null);

        // then it is the latest version, both versions are kept newest first by "admin", and both changes are audited
        assertThat(current.statusCode()).isEqualTo(200);
        assertThat(JsonPath.from(current.body()).getString("settings.encryption")).isEqualTo("mandatory-all");
        assertThat(JsonPath.from(current.body()).getString("settings.mechanisms")).isNull();
        JsonPath versions = JsonPath.from(history.body());
        assertThat(versions.getList("version", Integer.class)).containsExactly(2, 1);
        assertThat(versions.getString("[1].settings.mechanisms")).isEqualTo("smime,pgp,pdf");
        assertThat(versions.getList("changedBy", String.class)).containsExactly("admin", "admin");
        List<Map<String, Object>> events = JsonPath.from(audit.body()).getList(".");
        assertThat(events).filteredOn(event -> "SET_POLICY".equals(event.get("operation"))
            && String.valueOf(event.get("detail")).startsWith("partner:lawfirm.example")).hasSize(2);
    }

    @Test
    void wildcardAndAddressScopesShouldReachTheServerAsCurlWritesThem() throws Exception {
        // given scopes whose path holds '*' and '@' as the README's curl sends them
        assertThat(curl("PUT", "/tresor/tenants/acme/policies/partners/*.bank.example",
            "{\"encryption\":\"mandatory\",\"mechanisms\":\"pgp\",\"requireSignature\":true,\"inboundAction\":\"reject\"}")
            .statusCode()).isEqualTo(204);
        assertThat(curl("PUT", "/tresor/tenants/acme/policies/senders/carol@acme.example", "{\"signing\":\"force\"}")
            .statusCode()).isEqualTo(204);

        // when the admin asks what applies to carol's mail to someone at a subdomain of bank.example
        HttpResponse<String> effective = curl("GET", "/tresor/tenants/acme/policies/effective"
            + "?sender=carol@acme.example&recipient=dan@branch.bank.example", null);

        // then the wildcard decides the encryption, carol's scope the signing
        assertThat(effective.statusCode()).isEqualTo(200);
        JsonPath policy = JsonPath.from(effective.body());
        assertThat(policy.getString("outbound.encryption")).isEqualTo("mandatory");
        assertThat(policy.getList("outbound.mechanisms", String.class)).containsExactly("pgp");
        assertThat(policy.getString("outbound.decidedBy")).isEqualTo("partner:*.bank.example");
        assertThat(policy.getString("outbound.signing")).isEqualTo("force");
        assertThat(policy.getBoolean("inbound.requireSignature")).isTrue();
        assertThat(policy.getString("inbound.action")).isEqualTo("reject");
        assertThat(curl("GET", "/tresor/tenants/acme/policies/partners/*.bank.example", null).body())
            .contains("\"scope\":\"partner:*.bank.example\"");
    }

    @Test
    void anInvalidPolicyShouldBeRefusedWithItsReasonAndNoStackTrace() throws Exception {
        HttpResponse<String> refused = curl("PUT", "/tresor/tenants/acme/policies/senders/acme.example",
            "{\"encryption\":\"mandatory\"}");

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JsonPath.from(refused.body()).getString("message"))
            .startsWith("a sender domain policy cannot set [encryption]");
        assertThat(refused.body()).doesNotContain("Exception");
        assertThat(curl("GET", "/tresor/tenants/acme/policies/senders/acme.example", null).statusCode())
            .isEqualTo(404);
    }

    /** As curl sends it: the path as written, a body as application/x-www-form-urlencoded. */
    private static HttpResponse<String> curl(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port(ShippedServer.WEBADMIN) + path))
            .header("Authorization", "Bearer " + server.adminToken());
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
