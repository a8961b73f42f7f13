package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;

import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.Certificates;
import dev.tresor.keys.io.KeyAndChain;
import dev.tresor.keys.io.Pkcs12;

/** The WebAdmin routes of private keys: PKCS#12 import and export ({@link PrivateKeyRoutes}). */
class PrivateKeyRoutesTest extends RoutesFixture {
    /** Built once: a PKCS#12 file costs 200,000 PBKDF2 iterations to write. */
    private final TestPki.Issued alice = ALICE_KEY;

    @BeforeEach
    void createTenant() {
        when().put(ACME);
    }

    @Test
    void postShouldImportEveryKeyWithItsChain() {
        given()
            .contentType(PrivateKeyRoutes.PKCS12_CONTENT_TYPE)
            .header(PrivateKeyRoutes.PASSWORD_HEADER, P12_PASSWORD)
            .body(ALICE_PKCS12)
        .when()
            .post(ACME + "/keys")
        .then()
            .statusCode(HttpStatus.CREATED_201)
            .body("fingerprint", contains(alice.fingerprint().asString()))
            .body("hasPrivateKey", contains(true))
            .body("addresses[0]", contains(ALICE));

        assertThat(repository.privateKeys().signingKey(ACME_ID, EmailAddress.of(ALICE)).orElseThrow().privateKey().getEncoded())
            .isEqualTo(alice.privateKey().getEncoded());
        assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation).containsExactly(AuditEvent.Operation.IMPORT);
    }

    @Test
    void aWrongPasswordShouldBeRefusedAsSuch() {
        given()
            .contentType(PrivateKeyRoutes.PKCS12_CONTENT_TYPE)
            .header(PrivateKeyRoutes.PASSWORD_HEADER, "not the password")
            .body(ALICE_PKCS12)
        .when()
            .post(ACME + "/keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Cannot read the PKCS#12 file: wrong PKCS#12 password"));

        assertThat(repository.certificates().get(ACME_ID, alice.fingerprint())).isEmpty();
    }

    @Test
    void aMissingPasswordHeaderShouldBeRefused() {
        given()
            .contentType(PrivateKeyRoutes.PKCS12_CONTENT_TYPE)
            .body(ALICE_PKCS12)
        .when()
            .post(ACME + "/keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Missing header X-Tresor-Pkcs12-Password"));
    }

    @Test
    void aPemBodyShouldBeRefusedAsNotPkcs12() {
        given()
            .header(PrivateKeyRoutes.PASSWORD_HEADER, P12_PASSWORD)
            .body(Certificates.toPem(List.of(alice.certificate())))
        .when()
            .post(ACME + "/keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Cannot read the PKCS#12 file: not a PKCS#12 file"));
    }

    @Test
    void aKeyWhoseCertificateNamesNoAddressShouldBeRefusedNamingIt() {
        TestPki.Issued server = CA.issuing().commonName("mx.acme.example").build();

        given()
            .contentType(PrivateKeyRoutes.PKCS12_CONTENT_TYPE)
            .header(PrivateKeyRoutes.PASSWORD_HEADER, P12_PASSWORD)
            .body(Pkcs12.write(List.of(new KeyAndChain("mx", server.privateKey(), server.chain())), P12_PASSWORD.toCharArray()))
        .when()
            .post(ACME + "/keys")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Cannot import key 'mx' (CN=mx.acme.example,O=Tresor tests): Certificate"))
            .body("message", containsString("has no e-mail address"));
    }

    @Test
    void exportShouldAnswerAPkcs12BackupOfEveryKeyAndAuditIt() throws Exception {
        TestPki.Issued alicesOldKey = CA.issue(ALICE);
        given().header(PrivateKeyRoutes.PASSWORD_HEADER, P12_PASSWORD)
            .body(Pkcs12.write(List.of(new KeyAndChain("a", alice.privateKey(), alice.chain()),
                new KeyAndChain("b", alicesOldKey.privateKey(), alicesOldKey.chain())), P12_PASSWORD.toCharArray()))
            .post(ACME + "/keys");
        given().body("{\"status\":\"superseded\"}").patch(ACME + "/certificates/" + alicesOldKey.fingerprint().asString());

        byte[] backup = given()
            .body("{\"password\":\"backup password\"}")
        .when()
            .post(ACME + "/keys/export")
        .then()
            .statusCode(HttpStatus.OK_200)
            .contentType(PrivateKeyRoutes.PKCS12_CONTENT_TYPE)
            .header("Content-Disposition", "attachment; filename=\"acme-keys.p12\"")
            .extract().asByteArray();

        List<KeyAndChain> keys = Pkcs12.read(backup, "backup password".toCharArray());
        assertThat(keys).extracting(key -> Fingerprint.of(key.certificate()))
            .containsExactlyInAnyOrder(alice.fingerprint(), alicesOldKey.fingerprint());
        assertThat(keys).extracting(key -> key.chain().size()).containsOnly(2);
        assertThat(keys).filteredOn(key -> key.certificate().equals(alice.certificate()))
            .extracting(key -> key.privateKey().getEncoded())
            .containsExactly(alice.privateKey().getEncoded());
        assertThat(auditOf(ACME_ID)).filteredOn(event -> event.operation() == AuditEvent.Operation.EXPORT)
            .extracting(event -> event.key().orElseThrow())
            .containsExactlyInAnyOrder(alice.fingerprint().asString(), alicesOldKey.fingerprint().asString());
    }

    @Test
    void exportShouldRefuseAShortPassword() {
        importAlicesKey();

        given().body("{\"password\":\"short\"}")
        .when()
            .post(ACME + "/keys/export")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("The export password must have at least 8 characters"));
        assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation).doesNotContain(AuditEvent.Operation.EXPORT);
    }

    @Test
    void exportShouldAnswerNotFoundWhenTheTenantHasNoPrivateKey() {
        importCertificate(CA.issue(BOB));

        given().body("{\"password\":\"backup password\"}")
        .when()
            .post(ACME + "/keys/export")
        .then()
            .statusCode(HttpStatus.NOT_FOUND_404)
            .body("message", is("Tenant 'acme' has no private keys"));
    }

    @Test
    void exportShouldRequireAPasswordField() {
        importAlicesKey();

        given().body("{}")
        .when()
            .post(ACME + "/keys/export")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", is("Missing field 'password' in the JSON body"));
    }

    @Test
    void exportShouldNeverQuoteTheBodyOfMalformedJson() {
        importAlicesKey();

        given().body("{\"password\":\"my backup password\"")
        .when()
            .post(ACME + "/keys/export")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Malformed JSON body"))
            .body("message", not(containsString("my backup password")));
    }

    @Test
    void anotherTenantShouldNotExportTheKeys() {
        importAlicesKey();
        when().put("other");

        given().body("{\"password\":\"backup password\"}")
        .when()
            .post("other/keys/export")
        .then()
            .statusCode(HttpStatus.NOT_FOUND_404);
    }
}
