package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.Certificates;
import io.restassured.http.ContentType;

/** The WebAdmin routes of certificates: import, reading, status changes and lookup ({@link CertificateRoutes}). */
class CertificateRoutesTest extends RoutesFixture {
    @Nested
    class CertificateImport {
        @BeforeEach
        void createTenant() {
            when().put(ACME);
        }

        @Test
        void postShouldImportAPemChainAndDescribeTheEndEntity() {
            TestPki.Issued bob = CA.issue(BOB);

            given()
                .contentType(CertificateRoutes.PEM_CONTENT_TYPE)
                .body(Certificates.toPem(bob.chain()))
            .when()
                .post(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.CREATED_201)
                .contentType(ContentType.JSON)
                .body("fingerprint", is(bob.fingerprint().asString()))
                .body("tenant", is(ACME))
                .body("subject", is("CN=Test user,O=Tresor tests"))
                .body("issuer", is("CN=Routes test CA,O=Tresor tests"))
                .body("serial", is(bob.certificate().getSerialNumber().toString(16)))
                .body("addresses", contains(BOB))
                .body("notAfter", is(bob.certificate().getNotAfter().toInstant().toString()))
                .body("canEncrypt", is(true))
                .body("canSign", is(true))
                .body("status", is("active"))
                .body("origin", is("imported"))
                .body("hasPrivateKey", is(false));

            assertThat(repository.certificates().get(ACME_ID, bob.fingerprint()).orElseThrow().chain())
                .containsExactly(CA.certificate());
        }

        @Test
        void theJsonOfACertificateShouldHoldExactlyItsPublicFacts() {
            TestPki.Issued bob = CA.issue(BOB);

            Map<String, Object> json = given().body(Certificates.toPem(List.of(bob.certificate())))
                .post(ACME + "/certificates")
                .jsonPath().getMap(".");

            assertThat(json).containsOnlyKeys("fingerprint", "tenant", "subject", "issuer", "serial", "addresses",
                "notBefore", "notAfter", "canEncrypt", "canSign", "status", "origin", "hasPrivateKey", "addedAt");
        }

        @Test
        void postShouldAcceptDer() {
            TestPki.Issued bob = CA.issue(BOB);

            given()
                .contentType("application/pkix-cert")
                .body(encoded(bob.certificate()))
            .when()
                .post(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.CREATED_201)
                .body("fingerprint", is(bob.fingerprint().asString()));
        }

        @Test
        void postShouldAcceptPkcs7WithTheChain() {
            TestPki.Issued bob = CA.issue(BOB);

            given()
                .contentType("application/pkcs7-mime")
                .body(Certificates.toPkcs7(bob.chain()))
            .when()
                .post(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.CREATED_201)
                .body("fingerprint", is(bob.fingerprint().asString()));

            assertThat(repository.certificates().get(ACME_ID, bob.fingerprint()).orElseThrow().chain())
                .containsExactly(CA.certificate());
        }

        @Test
        void postShouldFindTheEndEntityWhateverTheOrderOfTheInput() {
            TestPki.Issued bob = CA.issue(BOB);

            given().body(Certificates.toPem(List.of(CA.certificate(), bob.certificate())))
            .when()
                .post(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.CREATED_201)
                .body("fingerprint", is(bob.fingerprint().asString()));
        }

        @Test
        void postShouldRecordAHarvestedOrigin() {
            given().body(Certificates.toPem(List.of(CA.issue(BOB).certificate())))
                .queryParam("origin", "harvested")
            .when()
                .post(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.CREATED_201)
                .body("origin", is("harvested"));
        }

        @Test
        void postShouldRefuseAnUnknownOrigin() {
            given().body(Certificates.toPem(List.of(CA.issue(BOB).certificate())))
                .queryParam("origin", "issued")
            .when()
                .post(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Invalid origin 'issued': use imported or harvested"));
        }

        @Test
        void postShouldBeAuditedAsAnImportByWebAdmin() {
            TestPki.Issued bob = CA.issue(BOB);

            given().body(Certificates.toPem(List.of(bob.certificate()))).post(ACME + "/certificates");

            assertThat(auditOf(ACME_ID))
                .extracting(AuditEvent::operation, AuditEvent::key, AuditEvent::detail)
                .containsExactly(tuple(AuditEvent.Operation.IMPORT,
                    Optional.of(bob.fingerprint().asString()), Optional.of("webadmin")));
        }

        @Test
        void postingACertificateAgainShouldAnswerOkAndNotBeAuditedTwice() {
            byte[] pem = Certificates.toPem(List.of(CA.issue(BOB).certificate()));
            given().body(pem).post(ACME + "/certificates");

            given().body(pem).when().post(ACME + "/certificates").then().statusCode(HttpStatus.OK_200);

            assertThat(auditOf(ACME_ID)).hasSize(1);
        }

        @Test
        void corruptPemShouldBeRefusedWithWhatIsWrong() {
            String corrupt = "-----BEGIN CERTIFICATE-----\nMIIB!!!notbase64\n-----END CERTIFICATE-----\n";

            given().body(corrupt)
            .when()
                .post(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("type", is("InvalidArgument"))
                .body("message", startsWith("Cannot read the certificate: corrupt PEM"));
        }

        @Test
        void anEmptyBodyShouldBeRefused() {
            given().body("")
            .when()
                .post(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Cannot read the certificate: empty input"));
        }

        @Test
        void aCertificateWithoutAnEmailAddressShouldBeRefused() {
            TestPki.Issued server = CA.issuing().commonName("mx.partner.example").build();

            given().body(Certificates.toPem(List.of(server.certificate())))
            .when()
                .post(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", startsWith("Certificate 'CN=mx.partner.example,O=Tresor tests' has no e-mail address"));
        }

        @Test
        void postShouldAnswerNotFoundForAnUnknownTenant() {
            given().body(Certificates.toPem(List.of(CA.issue(BOB).certificate())))
            .when()
                .post("nobody/certificates")
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Unknown tenant 'nobody'"));
        }
    }

    @Nested
    class CertificateReading {
        private TestPki.Issued bob;

        @BeforeEach
        void importBob() {
            when().put(ACME);
            bob = CA.issue(BOB);
            given().body(Certificates.toPem(bob.chain())).post(ACME + "/certificates");
        }

        @Test
        void listShouldPageByFingerprint() {
            importCertificate(CA.issue(BOB));
            importCertificate(CA.issue(BOB));
            List<String> all = repository.certificates().list(ACME_ID, Optional.empty(), 10).stream()
                .map(entry -> entry.fingerprint().asString())
                .collect(Collectors.toList());

            given().queryParam("limit", 2)
            .when()
                .get(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.OK_200)
                .body("fingerprint", contains(all.get(0), all.get(1)));
            given().queryParam("after", all.get(1))
            .when()
                .get(ACME + "/certificates")
            .then()
                .body("fingerprint", contains(all.get(2)));
        }

        @Test
        void listShouldRefuseAnInvalidLimit() {
            given().queryParam("limit", 0)
            .when()
                .get(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Invalid limit '0': use a whole number from 1 to 1000"));
        }

        @Test
        void listShouldRefuseAnInvalidAfter() {
            given().queryParam("after", "abc")
            .when()
                .get(ACME + "/certificates")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", startsWith("Invalid after: Not a SHA-256 fingerprint"));
        }

        @Test
        void getShouldAnswerTheJsonEntry() {
            when().get(ACME + "/certificates/" + bob.fingerprint().asString())
            .then()
                .statusCode(HttpStatus.OK_200)
                .contentType(ContentType.JSON)
                .body("fingerprint", is(bob.fingerprint().asString()))
                .body("addresses", contains(BOB));
        }

        @Test
        void getShouldAcceptAFingerprintWithColonsAndCapitals() {
            String openSslStyle = bob.fingerprint().asString().toUpperCase().replaceAll("(..)(?!$)", "$1:");

            when().get(ACME + "/certificates/" + openSslStyle)
            .then()
                .statusCode(HttpStatus.OK_200)
                .body("fingerprint", is(bob.fingerprint().asString()));
        }

        @Test
        void getShouldAnswerThePemChainWhenAskedForPem() throws Exception {
            String pem = given()
                .accept(CertificateRoutes.PEM_CONTENT_TYPE)
            .when()
                .get(ACME + "/certificates/" + bob.fingerprint().asString())
            .then()
                .statusCode(HttpStatus.OK_200)
                .contentType(CertificateRoutes.PEM_CONTENT_TYPE)
                .extract().asString();

            assertThat(Certificates.read(pem.getBytes(StandardCharsets.US_ASCII))).containsExactly(bob.certificate(), CA.certificate());
        }

        @Test
        void getShouldAnswerNotFoundForAnUnknownFingerprint() {
            Fingerprint unknown = Fingerprint.sha256(new byte[] {1});

            when().get(ACME + "/certificates/" + unknown.asString())
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Tenant 'acme' holds no certificate " + unknown.asString()));
        }

        @Test
        void getShouldRefuseSomethingThatIsNoFingerprint() {
            when().get(ACME + "/certificates/1234")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Not a SHA-256 fingerprint (64 hex digits): '1234'"));
        }

        @Test
        void aCertificateShouldNotBeVisibleToAnotherTenant() {
            when().put("other");

            when().get("other/certificates/" + bob.fingerprint().asString()).then().statusCode(HttpStatus.NOT_FOUND_404);
            when().get("other/certificates").then().body(".", empty());
        }
    }

    @Nested
    class StatusChanges {
        private TestPki.Issued bob;

        @BeforeEach
        void importBob() {
            when().put(ACME);
            bob = CA.issue(BOB);
            importCertificate(bob);
        }

        @Test
        void revokingShouldStopTheCertificateBeingChosenAndBeAudited() {
            given().body("{\"status\":\"revoked\"}")
            .when()
                .patch(ACME + "/certificates/" + bob.fingerprint().asString())
            .then()
                .statusCode(HttpStatus.OK_200)
                .body("status", is("revoked"));

            assertThat(repository.certificates().encryptionCertificates(ACME_ID, EmailAddress.of(BOB), SelectionPolicy.ALL_VALID))
                .isEmpty();
            assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation)
                .containsExactly(AuditEvent.Operation.REVOKE, AuditEvent.Operation.IMPORT);
        }

        @Test
        void supersedingShouldBeAuditedAsSupersede() {
            given().body("{\"status\":\"superseded\"}").patch(ACME + "/certificates/" + bob.fingerprint().asString());

            assertThat(repository.certificates().get(ACME_ID, bob.fingerprint()).orElseThrow().status())
                .isEqualTo(KeyStatus.SUPERSEDED);
            assertThat(auditOf(ACME_ID).get(0).operation()).isEqualTo(AuditEvent.Operation.SUPERSEDE);
        }

        @Test
        void reactivatingShouldMakeTheCertificateUsableAgainAndSaySoInTheAudit() {
            given().body("{\"status\":\"revoked\"}").patch(ACME + "/certificates/" + bob.fingerprint().asString());

            given().body("{\"status\":\"active\"}")
            .when()
                .patch(ACME + "/certificates/" + bob.fingerprint().asString())
            .then()
                .body("status", is("active"));

            assertThat(repository.certificates().encryptionCertificates(ACME_ID, EmailAddress.of(BOB), SelectionPolicy.NEWEST))
                .hasSize(1);
            assertThat(auditOf(ACME_ID).get(0).detail()).contains("webadmin: reactivated");
        }

        @Test
        void settingTheCurrentStatusShouldChangeNothing() {
            given().body("{\"status\":\"active\"}")
            .when()
                .patch(ACME + "/certificates/" + bob.fingerprint().asString())
            .then()
                .statusCode(HttpStatus.OK_200);

            assertThat(auditOf(ACME_ID)).hasSize(1);
        }

        @Test
        void anUnknownStatusShouldBeRefused() {
            given().body("{\"status\":\"expired\"}")
            .when()
                .patch(ACME + "/certificates/" + bob.fingerprint().asString())
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Invalid status 'expired': use active, revoked or superseded"));
        }

        @Test
        void malformedJsonShouldBeRefusedWithItsPosition() {
            given().body("{\"status\": revoked}")
            .when()
                .patch(ACME + "/certificates/" + bob.fingerprint().asString())
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", startsWith("Malformed JSON body: Unrecognized token 'revoked'"))
                .body("message", containsString("(line 1, column "));
        }

        @Test
        void anUnknownFieldShouldBeRefused() {
            given().body("{\"state\":\"revoked\"}")
            .when()
                .patch(ACME + "/certificates/" + bob.fingerprint().asString())
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Unknown field 'state' in the JSON body: expected the field status"));
        }

        @Test
        void aNonStringStatusShouldBeRefused() {
            given().body("{\"status\":3}")
            .when()
                .patch(ACME + "/certificates/" + bob.fingerprint().asString())
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Field 'status' must be a JSON string"));
        }

        @Test
        void anUnknownCertificateShouldBeNotFound() {
            given().body("{\"status\":\"revoked\"}")
            .when()
                .patch(ACME + "/certificates/" + Fingerprint.sha256(new byte[] {2}).asString())
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404);
        }
    }

    @Nested
    class Lookup {
        @BeforeEach
        void createTenant() {
            when().put(ACME);
        }

        @Test
        void lookupShouldAnswerTheNewestUsableCertificateByDefault() {
            TestPki.Issued older = CA.issuing(BOB).validity(Instant.now().minus(Duration.ofDays(10)), Instant.now().plus(Duration.ofDays(300))).build();
            TestPki.Issued newer = CA.issue(BOB);
            importCertificate(older);
            importCertificate(newer);

            given().queryParam("address", "Bob@Partner.Example")
            .when()
                .get(ACME + "/lookup")
            .then()
                .statusCode(HttpStatus.OK_200)
                .body("fingerprint", contains(newer.fingerprint().asString()));
            given().queryParam("address", BOB).queryParam("policy", "all")
            .when()
                .get(ACME + "/lookup")
            .then()
                .body("fingerprint", contains(newer.fingerprint().asString(), older.fingerprint().asString()));
        }

        @Test
        void lookupShouldFindAGrantorsCertificateAndNameItsTenant() {
            when().put("partner");
            when().put("partner/federation/" + ACME);
            TestPki.Issued bob = CA.issue(BOB);
            given().body(Certificates.toPem(List.of(bob.certificate()))).post("partner/certificates");

            given().queryParam("address", BOB)
            .when()
                .get(ACME + "/lookup")
            .then()
                .body("fingerprint", contains(bob.fingerprint().asString()))
                .body("tenant", contains("partner"));
        }

        @Test
        void lookupWithoutAnAddressShouldBeRefused() {
            when().get(ACME + "/lookup")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Missing address: give an e-mail address such as alice@example.com"));
        }

        @Test
        void lookupShouldRefuseAnUnknownPolicy() {
            given().queryParam("address", BOB).queryParam("policy", "oldest")
            .when()
                .get(ACME + "/lookup")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Invalid policy 'oldest': use newest or all"));
        }

        @Test
        void lookupShouldRefuseSomethingThatIsNoAddress() {
            given().queryParam("address", "bob")
            .when()
                .get(ACME + "/lookup")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", startsWith("Invalid address 'bob'"));
        }
    }
}
