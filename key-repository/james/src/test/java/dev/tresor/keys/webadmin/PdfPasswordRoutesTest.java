package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.EmailAddress;

/** The WebAdmin routes of PDF passwords ({@link PdfPasswordRoutes}). */
class PdfPasswordRoutesTest extends RoutesFixture {
    @BeforeEach
    void createTenant() {
        when().put(ACME);
    }

    @Test
    void putShouldStoreThePasswordWhichGetNeverReveals() {
        given().body("{\"password\":\"agreed by phone\"}")
        .when()
            .put(ACME + "/pdf-passwords/" + BOB)
        .then()
            .statusCode(HttpStatus.NO_CONTENT_204);

        String body = when().get(ACME + "/pdf-passwords/" + BOB)
        .then()
            .statusCode(HttpStatus.NO_CONTENT_204)
            .extract().asString();
        assertThat(body).isEmpty();
        assertThat(repository.pdfPasswords().get(ACME_ID, EmailAddress.of(BOB))).contains("agreed by phone".toCharArray());
    }

    @Test
    void getShouldAnswerNotFoundWithoutAPassword() {
        when().get(ACME + "/pdf-passwords/" + BOB)
        .then()
            .statusCode(HttpStatus.NOT_FOUND_404)
            .body("message", is("Tenant 'acme' has no PDF password for bob@partner.example"));
    }

    @Test
    void deleteShouldRemoveThePassword() {
        given().body("{\"password\":\"agreed by phone\"}").put(ACME + "/pdf-passwords/" + BOB);

        when().delete(ACME + "/pdf-passwords/" + BOB).then().statusCode(HttpStatus.NO_CONTENT_204);

        when().get(ACME + "/pdf-passwords/" + BOB).then().statusCode(HttpStatus.NOT_FOUND_404);
        when().delete(ACME + "/pdf-passwords/" + BOB).then().statusCode(HttpStatus.NOT_FOUND_404);
    }

    @Test
    void anEmptyPasswordShouldBeRefused() {
        given().body("{\"password\":\"\"}")
        .when()
            .put(ACME + "/pdf-passwords/" + BOB)
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("The password must not be empty"));
    }

    @Test
    void somethingThatIsNoAddressShouldBeRefused() {
        given().body("{\"password\":\"agreed by phone\"}")
        .when()
            .put(ACME + "/pdf-passwords/bob")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Invalid address 'bob'"));
    }

    @Test
    void anUnknownTenantShouldBeNotFound() {
        given().body("{\"password\":\"agreed by phone\"}")
        .when()
            .put("nobody/pdf-passwords/" + BOB)
        .then()
            .statusCode(HttpStatus.NOT_FOUND_404);
    }
}
