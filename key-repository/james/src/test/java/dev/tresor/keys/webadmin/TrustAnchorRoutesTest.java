package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;

import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.io.Certificates;

/** The WebAdmin routes of trust anchors ({@link TrustAnchorRoutes}). */
class TrustAnchorRoutesTest extends RoutesFixture {
    @BeforeEach
    void createTenant() {
        when().put(ACME);
    }

    @Test
    void postShouldTrustTheCertificateThenListIt() {
        String fingerprint = Fingerprint.sha256(encoded(CA.certificate())).asString();

        given().body(Certificates.toPem(List.of(CA.certificate())))
        .when()
            .post(ACME + "/trust-anchors")
        .then()
            .statusCode(HttpStatus.CREATED_201)
            .body("fingerprint", contains(fingerprint));

        when().get(ACME + "/trust-anchors")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("fingerprint", contains(fingerprint))
            .body("subject", contains("CN=Routes test CA,O=Tresor tests"));
        assertThat(repository.trustAnchors().list(ACME_ID)).containsExactly(CA.certificate());
    }

    @Test
    void postingAKnownAnchorAgainShouldAnswerOk() {
        byte[] pem = Certificates.toPem(List.of(CA.certificate()));
        given().body(pem).post(ACME + "/trust-anchors");

        given().body(pem).when().post(ACME + "/trust-anchors").then().statusCode(HttpStatus.OK_200);
    }

    @Test
    void deleteShouldRemoveTheAnchorOnce() {
        given().body(Certificates.toPem(List.of(CA.certificate()))).post(ACME + "/trust-anchors");
        String fingerprint = Fingerprint.sha256(encoded(CA.certificate())).asString();

        when().delete(ACME + "/trust-anchors/" + fingerprint).then().statusCode(HttpStatus.NO_CONTENT_204);
        when().delete(ACME + "/trust-anchors/" + fingerprint).then().statusCode(HttpStatus.NOT_FOUND_404);

        assertThat(repository.trustAnchors().list(ACME_ID)).isEmpty();
    }

    @Test
    void addingAndRemovingAnchorsShouldBeAudited() {
        given().body(Certificates.toPem(List.of(CA.certificate()))).post(ACME + "/trust-anchors");
        when().delete(ACME + "/trust-anchors/" + Fingerprint.sha256(encoded(CA.certificate())).asString());

        assertThat(auditOf(ACME_ID)).extracting(event -> event.detail().orElseThrow())
            .containsExactly("webadmin: trust anchor removed", "webadmin: trust anchor");
    }

    @Test
    void corruptInputShouldBeRefused() {
        given().body("this is not a certificate")
        .when()
            .post(ACME + "/trust-anchors")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Cannot read the trust anchor: not a certificate"));
    }
}
