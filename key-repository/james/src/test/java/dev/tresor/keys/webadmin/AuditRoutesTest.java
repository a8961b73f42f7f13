package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.time.Instant;

import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.TestPki;

/** The WebAdmin routes of the audit log ({@link AuditRoutes}). */
class AuditRoutesTest extends RoutesFixture {
    @BeforeEach
    void createTenant() {
        when().put(ACME);
    }

    @Test
    void auditShouldAnswerTheLastDaysEventsNewestFirst() {
        TestPki.Issued bob = CA.issue(BOB);
        importCertificate(bob);
        clock.advance(Duration.ofMinutes(1));
        given().body("{\"status\":\"revoked\"}").patch(ACME + "/certificates/" + bob.fingerprint().asString());

        when().get(ACME + "/audit")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("operation", contains("REVOKE", "IMPORT"))
            .body("key", contains(bob.fingerprint().asString(), bob.fingerprint().asString()))
            .body("detail", contains("webadmin", "webadmin"))
            .body("[0].time", equalTo(clock.instant().toString()));
    }

    @Test
    void auditShouldLeaveOutEventsOlderThanADayByDefault() {
        importCertificate(CA.issue(BOB));
        clock.advance(Duration.ofHours(25));

        when().get(ACME + "/audit").then().body(".", empty());
    }

    @Test
    void auditShouldHonourFromToAndLimit() {
        Instant start = clock.instant();
        importCertificate(CA.issue(BOB));
        clock.advance(Duration.ofHours(1));
        importCertificate(CA.issue(BOB));
        clock.advance(Duration.ofHours(1));
        importCertificate(CA.issue(BOB));

        given().queryParam("from", start.plus(Duration.ofMinutes(30)).toString())
            .queryParam("to", start.plus(Duration.ofMinutes(90)).toString())
        .when()
            .get(ACME + "/audit")
        .then()
            .body("time", contains(start.plus(Duration.ofHours(1)).toString()));
        given().queryParam("limit", 2)
        .when()
            .get(ACME + "/audit")
        .then()
            .body(".", hasSize(2));
    }

    @Test
    void auditShouldRefuseAnUnparsableTime() {
        given().queryParam("from", "yesterday")
        .when()
            .get(ACME + "/audit")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Invalid from 'yesterday': use an ISO-8601 time such as 2025-01-31T12:00:00Z"));
    }

    @Test
    void auditShouldRefuseAnEmptyPeriod() {
        given().queryParam("from", "2025-02-01T00:00:00Z").queryParam("to", "2025-01-01T00:00:00+01:00")
        .when()
            .get(ACME + "/audit")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Invalid period: from (2025-02-01T00:00:00Z) must be before to (2024-12-31T23:00:00Z)"));
    }

    @Test
    void auditShouldAnswerNotFoundForAnUnknownTenant() {
        when().get("nobody/audit").then().statusCode(HttpStatus.NOT_FOUND_404);
    }
}
