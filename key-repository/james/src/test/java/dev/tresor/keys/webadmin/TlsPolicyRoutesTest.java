package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;

/** The WebAdmin routes of TLS policies ({@link TlsPolicyRoutes}). */
class TlsPolicyRoutesTest extends RoutesFixture {
    private static final String PIN = "spki-sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @BeforeEach
    void createTenant() {
        when().put(ACME);
    }

    @Test
    void putShouldStoreThePolicyWhichGetAndListShow() {
        given().body("{\"level\":\"verify\",\"minimumVersion\":\"TLSv1.3\",\"names\":[\"*.Bank.Example\"],"
                + "\"pins\":[\"" + PIN + "\"]}")
        .when()
            .put(ACME + "/tls-policies/Bank.Example")
        .then()
            .statusCode(HttpStatus.NO_CONTENT_204);
        given().body("{\"level\":\"encrypt\"}").put(ACME + "/tls-policies/partner.example");

        when().get(ACME + "/tls-policies/bank.example")
        .then()
            .statusCode(HttpStatus.OK_200)
            .contentType(ContentType.JSON)
            .body("domain", is("bank.example"))
            .body("level", is("verify"))
            .body("minimumVersion", is("TLSv1.3"))
            .body("names", contains("*.bank.example"))
            .body("pins", contains(PIN))
            .body("policy", is("verify min=TLSv1.3 names=*.bank.example pins=" + PIN));
        when().get(ACME + "/tls-policies")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("domain", contains("bank.example", "partner.example"))
            .body("policy", contains("verify min=TLSv1.3 names=*.bank.example pins=" + PIN, "encrypt"));
        assertThat(repository.tlsPolicies().get(ACME_ID, "bank.example")).contains(
            dev.tresor.keys.TlsPolicy.parse("verify min=TLSv1.3 names=*.bank.example pins=" + PIN));
    }

    @Test
    void deleteShouldRemoveThePolicy() {
        given().body("{\"level\":\"verify\"}").put(ACME + "/tls-policies/bank.example");

        when().delete(ACME + "/tls-policies/bank.example").then().statusCode(HttpStatus.NO_CONTENT_204);

        when().get(ACME + "/tls-policies/bank.example")
        .then()
            .statusCode(HttpStatus.NOT_FOUND_404)
            .body("message", is("Tenant 'acme' has no TLS policy for bank.example"));
        when().delete(ACME + "/tls-policies/bank.example").then().statusCode(HttpStatus.NOT_FOUND_404);
    }

    @Test
    void anInvalidPolicyShouldBeRefusedWithTheReasonAndNothingStored() {
        given().body("{\"level\":\"verify\",\"minimumVersion\":\"TLSv1.0\"}")
            .put(ACME + "/tls-policies/bank.example")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Unsupported minimum TLS version 'TLSv1.0': expected TLSv1.2 or TLSv1.3"));
        given().body("{\"level\":\"strict\"}").put(ACME + "/tls-policies/bank.example")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Unknown TLS policy level 'strict'"));
        given().body("{\"level\":\"encrypt\",\"pins\":[\"sha1:abcd\"]}").put(ACME + "/tls-policies/bank.example")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Invalid certificate pin 'sha1:abcd'"));
        given().body("{\"level\":\"verify\",\"names\":\"mx.bank.example\"}").put(ACME + "/tls-policies/bank.example")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Field 'names' must be a JSON array of strings"));
        given().body("{\"level\":\"verify\",\"mode\":\"enforce\"}").put(ACME + "/tls-policies/bank.example")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Unknown field 'mode'"));
        given().body("{\"minimumVersion\":\"TLSv1.2\"}").put(ACME + "/tls-policies/bank.example")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Missing field 'level' in the JSON body"));
        given().body("{\"level\":\"verify\"}").put(ACME + "/tls-policies/bank_example!")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400);

        assertThat(repository.tlsPolicies().all(ACME_ID)).isEmpty();
    }

    @Test
    void anUnknownTenantShouldBeNotFound() {
        given().body("{\"level\":\"verify\"}").put("nobody/tls-policies/bank.example")
        .then()
            .statusCode(HttpStatus.NOT_FOUND_404);
        when().get("nobody/tls-policies").then().statusCode(HttpStatus.NOT_FOUND_404);
    }
}
