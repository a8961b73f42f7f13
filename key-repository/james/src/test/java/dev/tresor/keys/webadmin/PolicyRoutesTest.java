package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.apache.james.webadmin.authentication.AuthenticationFilter.LOGIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.policy.PolicyScope;
import dev.tresor.keys.policy.PolicySettings;
import io.restassured.http.ContentType;
import spark.Service;

/** The WebAdmin routes of policies ({@link PolicyRoutes}). */
class PolicyRoutesTest extends RoutesFixture {
    private static final String POLICIES = ACME + "/policies";
    private static final String CERTIFICATE = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @BeforeEach
    void createTenant() {
        when().put(ACME);
    }

    @Test
    void putShouldStoreTheSettingsInCanonicalFormWhichGetShows() {
        given().body("{\"encryption\":\"Mandatory\",\"mechanisms\":[\"smime\",\"PGP\"],\"requireTls\":true,"
                + "\"gatewayCertificate\":\"" + CERTIFICATE.toUpperCase() + "\"}")
        .when()
            .put(POLICIES + "/partners/Bank.Example")
        .then()
            .statusCode(HttpStatus.NO_CONTENT_204);

        when().get(POLICIES + "/partners/bank.example")
        .then()
            .statusCode(HttpStatus.OK_200)
            .contentType(ContentType.JSON)
            .body("scope", is("partner:bank.example"))
            .body("settings.encryption", is("mandatory"))
            .body("settings.mechanisms", is("smime,pgp"))
            .body("settings.requireTls", is("true"))
            .body("settings.gatewayCertificate", is(repository.policies()
                .get(ACME_ID, PolicyScope.partner("bank.example")).orElseThrow().gatewayCertificate().orElseThrow()
                .asString()));
    }

    @Test
    void mechanismsAndBooleansShouldAlsoBeAcceptedAsText() {
        given().body("{\"mechanisms\":\"pgp, pdf\",\"requireSignature\":\"TRUE\"}").put(POLICIES + "/default")
            .then().statusCode(HttpStatus.NO_CONTENT_204);

        assertThat(repository.policies().get(ACME_ID, PolicyScope.tenantDefault()).orElseThrow().toMap())
            .containsExactly(Map.entry("mechanisms", "pgp,pdf"), Map.entry("requireSignature", "true"));
    }

    @Test
    void putShouldReplaceTheScopesSettingsNotMergeThem() {
        given().body("{\"encryption\":\"mandatory\",\"requireTls\":true}").put(POLICIES + "/partners/bank.example");

        given().body("{\"encryption\":\"opportunistic\"}").put(POLICIES + "/partners/bank.example")
            .then().statusCode(HttpStatus.NO_CONTENT_204);

        when().get(POLICIES + "/partners/bank.example")
        .then()
            .body("settings.encryption", is("opportunistic"))
            .body("settings.requireTls", nullValue());
    }

    @Test
    void everyKindOfScopeShouldBeReachableAndListed() {
        given().body("{\"signing\":\"force\"}").put(POLICIES + "/senders/acme.example")
            .then().statusCode(HttpStatus.NO_CONTENT_204);
        given().body("{\"signing\":\"never\"}").put(POLICIES + "/senders/" + ALICE)
            .then().statusCode(HttpStatus.NO_CONTENT_204);
        given().body("{\"encryption\":\"mandatory\"}").put(POLICIES + "/partners/*.example.com")
            .then().statusCode(HttpStatus.NO_CONTENT_204);
        given().body("{\"encryption\":\"never\"}").put(POLICIES + "/partners/bob@bank.example")
            .then().statusCode(HttpStatus.NO_CONTENT_204);
        given().body("{\"subjectTag\":\"\"}").put(POLICIES + "/default")
            .then().statusCode(HttpStatus.NO_CONTENT_204);

        when().get(POLICIES + "/partners/*.example.com").then().statusCode(HttpStatus.OK_200)
            .body("scope", is("partner:*.example.com"));
        when().get(POLICIES + "/senders/" + ALICE).then().statusCode(HttpStatus.OK_200)
            .body("settings.signing", is("never"));
        when().get(POLICIES)
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("scope", contains("default", "partner:*.example.com", "partner:bob@bank.example",
                "sender:acme.example", "sender:" + ALICE))
            .body("[0].settings.subjectTag", is(""));
    }

    @Test
    void aTenantWithoutPoliciesShouldListNone() {
        when().get(POLICIES).then().statusCode(HttpStatus.OK_200).body(".", empty());
    }

    @Test
    void getOfAnUnsetScopeShouldBeNotFound() {
        when().get(POLICIES + "/partners/bank.example")
        .then()
            .statusCode(HttpStatus.NOT_FOUND_404)
            .body("message", is("Tenant 'acme' has no policy for partner:bank.example"));
        when().get(POLICIES + "/default").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().get(POLICIES + "/senders/acme.example").then().statusCode(HttpStatus.NOT_FOUND_404);
    }

    @Test
    void deleteShouldRemoveTheScopeOnceAndThenBeNotFound() {
        given().body("{\"encryption\":\"mandatory\"}").put(POLICIES + "/partners/bank.example");

        when().delete(POLICIES + "/partners/bank.example").then().statusCode(HttpStatus.NO_CONTENT_204);

        when().get(POLICIES + "/partners/bank.example").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().delete(POLICIES + "/partners/bank.example").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().delete(POLICIES + "/default").then().statusCode(HttpStatus.NOT_FOUND_404);
        assertThat(repository.policies().of(ACME_ID).scopes()).isEmpty();
    }

    @Test
    void invalidSettingsShouldBeRefusedNamingTheFieldAndNothingStored() {
        given().body("{\"encryption\":\"maybe\"}").put(POLICIES + "/partners/bank.example")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("'maybe' is not a valid encryption"));
        given().body("{\"mode\":\"strict\"}").put(POLICIES + "/default")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("unknown policy field(s) [mode]"));
        given().body("{\"requireTls\":\"yes\"}").put(POLICIES + "/default")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", containsString("requireTls"));
        given().body("{\"mechanisms\":[\"smime\",\"smime\"]}").put(POLICIES + "/default")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("mechanisms names smime twice"));
        given().body("{\"requireTls\":1}").put(POLICIES + "/default")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Field 'requireTls' must be a JSON string, boolean or array of strings"));
        given().body("[\"encryption\"]").put(POLICIES + "/default")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("The JSON body must be an object"));
        given().body("{\"encryption\":").put(POLICIES + "/default")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Malformed JSON body"));

        assertThat(repository.policies().of(ACME_ID).scopes()).isEmpty();
    }

    @Test
    void aFieldTheScopeCannotHoldShouldBeRefused() {
        given().body("{\"signing\":\"force\"}").put(POLICIES + "/partners/bank.example")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("a partner domain policy cannot set [signing]"));
        given().body("{\"encryption\":\"mandatory\"}").put(POLICIES + "/senders/acme.example")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("a sender domain policy cannot set [encryption]"));
        given().body("{\"gatewayCertificate\":\"" + CERTIFICATE + "\"}").put(POLICIES + "/partners/bob@bank.example")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("a partner address policy cannot set [gatewayCertificate]"));

        assertThat(repository.policies().of(ACME_ID).scopes()).isEmpty();
    }

    @Test
    void anInvalidScopeShouldBeRefused() {
        given().body("{\"signing\":\"force\"}").put(POLICIES + "/senders/*.acme.example")
            .then().statusCode(HttpStatus.BAD_REQUEST_400);
        given().body("{\"encryption\":\"mandatory\"}").put(POLICIES + "/partners/bank..example")
            .then().statusCode(HttpStatus.BAD_REQUEST_400);
        when().get(POLICIES + "/partners/@bank.example").then().statusCode(HttpStatus.BAD_REQUEST_400);
    }

    @Test
    void anUnknownTenantShouldBeNotFound() {
        given().body("{\"encryption\":\"mandatory\"}").put("nobody/policies/default")
            .then().statusCode(HttpStatus.NOT_FOUND_404).body("message", is("Unknown tenant 'nobody'"));
        when().get("nobody/policies").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().get("nobody/policies/default").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().delete("nobody/policies/partners/bank.example").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().get("nobody/policies/senders/acme.example/history").then().statusCode(HttpStatus.NOT_FOUND_404);
        given().queryParam("sender", ALICE).queryParam("recipient", BOB).get("nobody/policies/effective")
            .then().statusCode(HttpStatus.NOT_FOUND_404);
    }

    @Test
    void historyShouldListEveryVersionNewestFirstWithRemovals() {
        Instant first = clock.instant();
        given().body("{\"encryption\":\"opportunistic\"}").put(POLICIES + "/partners/bank.example");
        clock.advance(Duration.ofMinutes(1));
        given().body("{\"encryption\":\"mandatory\"}").put(POLICIES + "/partners/bank.example");
        clock.advance(Duration.ofMinutes(1));
        when().delete(POLICIES + "/partners/bank.example");

        when().get(POLICIES + "/partners/bank.example/history")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("version", contains(3, 2, 1))
            .body("[0].settings", nullValue())
            .body("[1].settings.encryption", is("mandatory"))
            .body("[2].settings.encryption", is("opportunistic"))
            .body("[2].changedAt", is(first.toString()))
            .body("changedBy", contains("admin", "admin", "admin"));
    }

    @Test
    void historyOfAScopeThatNeverHadAPolicyShouldBeNotFound() {
        when().get(POLICIES + "/default/history").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().get(POLICIES + "/senders/" + ALICE + "/history").then().statusCode(HttpStatus.NOT_FOUND_404);
    }

    @Test
    void changesShouldBeAuditedOnceEachByTheVault() {
        given().body("{\"encryption\":\"mandatory\"}").put(POLICIES + "/partners/bank.example");
        when().delete(POLICIES + "/partners/bank.example");

        assertThat(auditOf(ACME_ID).stream().map(AuditEvent::operation).collect(Collectors.toList()))
            .containsExactlyInAnyOrder(AuditEvent.Operation.SET_POLICY, AuditEvent.Operation.REMOVE_POLICY);
    }

    @Test
    void theAuthenticatedAdministratorShouldBeRecordedAsWhoChangedThePolicy() {
        WebAdminServer authenticated = WebAdminUtils.createWebAdminServer(new LoggedIn("carol"),
            new KeyRepositoryRoutes(repository, clock, new JsonTransformer(), RoutesFixture.PUBLICATION_URL)).start();
        try {
            given(WebAdminUtils.buildRequestSpecification(authenticated).setBasePath(KeyRepositoryRoutes.TENANTS)
                    .build())
                .body("{\"encryption\":\"mandatory\"}")
                .put(POLICIES + "/default")
            .then()
                .statusCode(HttpStatus.NO_CONTENT_204);
        } finally {
            authenticated.destroy();
        }

        assertThat(repository.policies().history(ACME_ID, PolicyScope.tenantDefault()))
            .extracting(version -> version.changedBy())
            .containsExactly("carol");
        assertThat(auditOf(ACME_ID)).extracting(event -> event.detail().orElse(""))
            .anySatisfy(detail -> assertThat(detail).contains("by carol"));
    }

    @Test
    void effectiveShouldResolveEveryFieldThroughTheScopes() {
        repository.policies().set(ACME_ID, PolicyScope.tenantDefault(),
            PolicySettings.fromMap(Map.of("signing", "force", "triggerHeader", "")), "test");
        repository.policies().set(ACME_ID, PolicyScope.partner("partner.example"),
            PolicySettings.fromMap(Map.of("encryption", "mandatory", "mechanisms", "pgp,pdf",
                "gatewayCertificate", CERTIFICATE, "requireSignature", "true", "inboundAction", "reject")), "test");
        repository.policies().set(ACME_ID, PolicyScope.partner(BOB),
            PolicySettings.fromMap(Map.of("requireTls", "true")), "test");

        given().queryParam("sender", ALICE).queryParam("recipient", BOB)
        .when()
            .get(POLICIES + "/effective")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("outbound.encryption", is("mandatory"))
            .body("outbound.mechanisms", contains("pgp", "pdf"))
            .body("outbound.gatewayCertificate", is(repository.policies()
                .get(ACME_ID, PolicyScope.partner("partner.example")).orElseThrow().gatewayCertificate().orElseThrow()
                .asString()))
            .body("outbound.gatewayPgpKey", nullValue())
            .body("outbound.signing", is("force"))
            .body("outbound.decidedBy", is("partner:partner.example"))
            .body("inbound.requireSignature", is(true))
            .body("inbound.requireEncryption", is(false))
            .body("inbound.requireTls", is(true))
            .body("inbound.action", is("reject"))
            .body("inbound.decidedBy", is("partner:" + BOB))
            .body("triggers.subjectTag", is("[secure]"))
            .body("triggers.triggerHeader", nullValue());
    }

    @Test
    void effectiveWithoutPoliciesShouldShowTheBuiltInDefaults() {
        given().queryParam("sender", ALICE).queryParam("recipient", BOB)
        .when()
            .get(POLICIES + "/effective")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("outbound.encryption", is("opportunistic"))
            .body("outbound.mechanisms", contains("smime", "pgp", "pdf"))
            .body("outbound.signing", is("if-possible"))
            .body("outbound.decidedBy", is("default"))
            .body("inbound.action", is("quarantine"))
            .body("triggers.subjectTag", is("[secure]"))
            .body("triggers.triggerHeader", is("Sensitivity: Company-Confidential"));
    }

    @Test
    void effectiveShouldRequireBothAddresses() {
        given().queryParam("sender", ALICE).get(POLICIES + "/effective")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Missing recipient"));
        given().queryParam("sender", "alice").queryParam("recipient", BOB).get(POLICIES + "/effective")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Invalid sender 'alice'"));
    }

    /** Stands in for James's JWT filter, which sets the login of a verified token on the request. */
    /** Stands in for James's authentication filter: every request comes from {@code login}. */
    static final class LoggedIn implements Routes {
        private final String login;

        LoggedIn(String login) {
            this.login = login;
        }

        @Override
        public String getBasePath() {
            return KeyRepositoryRoutes.TENANTS;
        }

        @Override
        public void define(Service service) {
            service.before(KeyRepositoryRoutes.TENANTS + "/*", (request, response) -> request.attribute(LOGIN, login));
        }
    }

}
