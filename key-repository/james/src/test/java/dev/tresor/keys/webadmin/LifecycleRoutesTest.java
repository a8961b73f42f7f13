package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Optional;

import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.KeyAndChain;
import dev.tresor.keys.io.Pkcs12;
import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.lifecycle.RevocationReason;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** The WebAdmin routes of a tenant's CA and the keys it issues ({@link LifecycleRoutes}). */
class LifecycleRoutesTest extends RoutesFixture {
    private static final String CA_PATH = ACME + "/ca";
    private static final String ISSUED = ACME + "/issued";
    private static final TestPki ORGANISATION_CA = TestPki.ca("Acme Issuing CA");

    @BeforeEach
    void createTenant() {
        when().put(ACME);
        given().put(ACME + "/domains/acme.example");
    }

    @Test
    void putCaShouldGenerateItWithTheServersPublicationUrlWhenTheBodyNamesNone() {
        given().body("{\"settings\":{\"validityDays\":200,\"autoIssuePgp\":true}}")
        .when()
            .put(CA_PATH)
        .then()
            .statusCode(HttpStatus.CREATED_201)
            .contentType(ContentType.JSON)
            .body("tenant", is(ACME))
            .body("generated", is(true))
            .body("settings.publicationUrl", is(PUBLICATION_URL))
            .body("settings.validityDays", is("200"))
            .body("settings.autoIssuePgp", is("true"))
            .body("certificate", startsWith("-----BEGIN CERTIFICATE-----"));

        assertThat(repository.lifecycle().ca(ACME_ID)).hasValueSatisfying(ca ->
            assertThat(ca.settings().publicationUrl()).isEqualTo(PUBLICATION_URL));
    }

    @Test
    void aSecondCaShouldBeRefusedNotReplaceTheFirst() {
        given().body("{}").put(CA_PATH).then().statusCode(HttpStatus.CREATED_201);
        String fingerprint = repository.lifecycle().ca(ACME_ID).orElseThrow().fingerprint().asString();

        given().body("{}").put(CA_PATH)
            .then()
            .statusCode(HttpStatus.CONFLICT_409)
            .body("message", containsString("has a CA already"));

        assertThat(repository.lifecycle().ca(ACME_ID).orElseThrow().fingerprint().asString()).isEqualTo(fingerprint);
    }

    @Test
    void invalidSettingsShouldBeRefusedNamingTheField() {
        given().body("{\"settings\":{\"validityDays\":900}}").put(CA_PATH)
            .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", containsString("validityDays"));
        given().body("{\"settings\":{\"colour\":\"blue\"}}").put(CA_PATH)
            .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", containsString("colour"));
        given().body("{\"settings\":{},\"other\":1}").put(CA_PATH)
            .then()
            .statusCode(HttpStatus.BAD_REQUEST_400);

        assertThat(repository.lifecycle().ca(ACME_ID)).isEmpty();
    }

    @Test
    void getCaAndItsCertificateShouldBe404WithoutCaAndPemWithOne() {
        when().get(CA_PATH).then().statusCode(HttpStatus.NOT_FOUND_404);
        when().get(CA_PATH + "/certificate").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().get("nobody/ca").then().statusCode(HttpStatus.NOT_FOUND_404);

        when().put(CA_PATH).then().statusCode(HttpStatus.CREATED_201).body("settings.validityDays", is("365"));

        when().get(CA_PATH).then().statusCode(HttpStatus.OK_200).body("tenant", is(ACME));
        when().get(CA_PATH + "/certificate")
            .then()
            .statusCode(HttpStatus.OK_200)
            .contentType("application/x-pem-file")
            .body(startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void patchSettingsShouldChangeOnlyTheNamedFields() {
        given().body("{\"settings\":{\"renewBeforeDays\":20}}").put(CA_PATH);

        given().body("{\"notify\":\"pki@acme.example\",\"expiryWarningDays\":14}")
        .when()
            .patch(CA_PATH + "/settings")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("settings.notify", is("pki@acme.example"))
            .body("settings.expiryWarningDays", is("14"))
            .body("settings.renewBeforeDays", is("20"));

        given().body("{\"renewBeforeDays\":0}").patch(CA_PATH + "/settings")
            .then().statusCode(HttpStatus.BAD_REQUEST_400).body("message", containsString("renewBeforeDays"));
    }

    @Test
    void importShouldTakeTheOrganisationsCaFromPkcs12WithSettingsFromTheQuery() {
        byte[] pkcs12 = Pkcs12.write(List.of(new KeyAndChain("ca", ORGANISATION_CA.privateKey(),
            List.of(ORGANISATION_CA.certificate()))), P12_PASSWORD.toCharArray());

        given().header(PrivateKeyRoutes.PASSWORD_HEADER, P12_PASSWORD)
            .body(pkcs12)
        .when()
            .put(CA_PATH + "?action=import&validityDays=90&renewBeforeDays=10")
        .then()
            .statusCode(HttpStatus.CREATED_201)
            .body("generated", is(false))
            .body("subject", containsString("Acme Issuing CA"))
            .body("settings.validityDays", is("90"))
            .body("settings.publicationUrl", is(PUBLICATION_URL));
    }

    @Test
    void importOfAKeyThatIsNoCaShouldSayWhy() {
        given().header(PrivateKeyRoutes.PASSWORD_HEADER, P12_PASSWORD)
            .body(ALICE_PKCS12)
        .when()
            .put(CA_PATH + "?action=import")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Cannot take this key as the tenant's CA: "));
        given().body(ALICE_PKCS12).put(CA_PATH + "?action=import")
            .then().statusCode(HttpStatus.BAD_REQUEST_400).body("message", containsString(PrivateKeyRoutes.PASSWORD_HEADER));
        given().body("{}").put(CA_PATH + "?action=replace")
            .then().statusCode(HttpStatus.BAD_REQUEST_400);

        assertThat(repository.lifecycle().ca(ACME_ID)).isEmpty();
    }

    @Test
    void issueShouldGiveOneKeyPerAddressAndTheSameOneWhenAskedAgain() {
        given().body("{}").put(CA_PATH);
        String body = "{\"kind\":\"smime\",\"addresses\":[\"alice@acme.example\",\"bob@acme.example\"],\"validityDays\":90}";

        List<String> first = given().body(body).post(ISSUED)
            .then()
            .statusCode(HttpStatus.CREATED_201)
            .body("", hasSize(2))
            .body("address", contains("alice@acme.example", "bob@acme.example"))
            .body("kind", contains("smime", "smime"))
            .body("status", contains("active", "active"))
            .extract().jsonPath().getList("id");
        List<String> second = given().body(body).post(ISSUED).then().statusCode(HttpStatus.CREATED_201)
            .extract().jsonPath().getList("id");

        assertThat(second).isEqualTo(first);
        assertThat(repository.lifecycle().issued(ACME_ID, Optional.empty())).hasSize(2);
    }

    @Test
    void oneAddressOutsideTheTenantsDomainsShouldIssueNothingAndBeNamed() {
        given().body("{}").put(CA_PATH);

        given().body("{\"kind\":\"smime\",\"addresses\":[\"alice@acme.example\",\"mallory@evil.example\"]}")
            .post(ISSUED)
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", containsString("mallory@evil.example"));

        assertThat(repository.lifecycle().issued(ACME_ID, Optional.empty())).isEmpty();
    }

    @Test
    void issueShouldRefuseBadKindsValiditiesAndATenantWithoutCa() {
        given().body("{\"kind\":\"smime\",\"addresses\":[\"alice@acme.example\"]}").post(ISSUED)
            .then().statusCode(HttpStatus.NOT_FOUND_404).body("message", containsString("has no CA"));
        given().body("{}").put(CA_PATH);
        given().body("{\"kind\":\"x509\",\"addresses\":[\"alice@acme.example\"]}").post(ISSUED)
            .then().statusCode(HttpStatus.BAD_REQUEST_400);
        given().body("{\"kind\":\"smime\",\"addresses\":[\"alice@acme.example\"],\"validityDays\":826}").post(ISSUED)
            .then().statusCode(HttpStatus.BAD_REQUEST_400).body("message", containsString("validityDays"));
        given().body("{\"kind\":\"smime\",\"addresses\":[]}").post(ISSUED)
            .then().statusCode(HttpStatus.BAD_REQUEST_400);
    }

    @Test
    void issuedKeysShouldBeListedByAddressAndShownOneByOne() {
        given().body("{}").put(CA_PATH);
        IssuedKey alice = issue("alice@acme.example");
        issue("bob@acme.example");

        when().get(ISSUED).then().statusCode(HttpStatus.OK_200).body("", hasSize(2));
        when().get(ISSUED + "?address=alice@acme.example")
            .then().statusCode(HttpStatus.OK_200).body("id", contains(alice.id()));
        when().get(ISSUED + "/smime/" + alice.id())
            .then()
            .statusCode(HttpStatus.OK_200)
            .body("fingerprint", is(alice.fingerprint()))
            .body("address", is("alice@acme.example"));
        when().get(ISSUED + "/smime/0badc0de").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().get(ISSUED + "/x509/" + alice.id()).then().statusCode(HttpStatus.BAD_REQUEST_400);
    }

    @Test
    void revokeShouldRecordTheReasonAndUnknownKeysShouldBe404() {
        given().body("{}").put(CA_PATH);
        IssuedKey alice = issue("alice@acme.example");

        when().post(ISSUED + "/smime/" + alice.id() + "?action=revoke&reason=key-compromise")
            .then()
            .statusCode(HttpStatus.OK_200)
            .body("status", is("revoked"))
            .body("revocationReason", is("key-compromise"));

        IssuedKey revoked = repository.lifecycle().issuedKey(ACME_ID, KeyKind.SMIME, alice.id()).orElseThrow();
        assertThat(revoked.status()).isEqualTo(KeyStatus.REVOKED);
        assertThat(revoked.revocationReason()).hasValue(RevocationReason.KEY_COMPROMISE);
        when().post(ISSUED + "/smime/0badc0de?action=revoke").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().post(ISSUED + "/smime/" + alice.id()).then().statusCode(HttpStatus.BAD_REQUEST_400);
        when().post(ISSUED + "/smime/" + alice.id() + "?action=revoke&reason=boredom")
            .then().statusCode(HttpStatus.BAD_REQUEST_400);
    }

    @Test
    void revokeWithoutReasonShouldBeUnspecified() {
        given().body("{}").put(CA_PATH);
        IssuedKey alice = issue("alice@acme.example");

        when().post(ISSUED + "/smime/" + alice.id() + "?action=revoke")
            .then().statusCode(HttpStatus.OK_200).body("revocationReason", is("unspecified"));
    }

    @Test
    void expiringShouldListImportedKeysWithinTheDaysAsked() {
        importAlicesKey();

        when().get(ACME + "/expiring?withinDays=3650")
            .then()
            .statusCode(HttpStatus.OK_200)
            .body("addresses[0]", contains(ALICE))
            .body("origin", contains("imported"))
            .body("ownKey", contains(true));
        when().get(ACME + "/expiring?withinDays=0").then().statusCode(HttpStatus.OK_200).body("", hasSize(0));
        when().get(ACME + "/expiring?withinDays=-1").then().statusCode(HttpStatus.BAD_REQUEST_400);
    }

    @Test
    void theAuthenticatedAdministratorShouldBeTheActorOfEveryChangeInTheAuditLog() {
        WebAdminServer authenticated = WebAdminUtils.createWebAdminServer(new PolicyRoutesTest.LoggedIn("carol"),
            new KeyRepositoryRoutes(repository, clock, new JsonTransformer(), PUBLICATION_URL)).start();
        try {
            RequestSpecification carol = WebAdminUtils.buildRequestSpecification(authenticated)
                .setBasePath(KeyRepositoryRoutes.TENANTS).build();
            given(carol).body("{}").put(CA_PATH).then().statusCode(HttpStatus.CREATED_201);
            given(carol).body("{\"expiryWarningDays\":10}").patch(CA_PATH + "/settings").then().statusCode(HttpStatus.OK_200);
            String id = given(carol).body("{\"kind\":\"smime\",\"addresses\":[\"alice@acme.example\"]}").post(ISSUED)
                .then().statusCode(HttpStatus.CREATED_201).extract().jsonPath().getString("[0].id");
            given(carol).post(ISSUED + "/smime/" + id + "?action=revoke").then().statusCode(HttpStatus.OK_200);
        } finally {
            authenticated.destroy();
        }

        assertThat(auditOf(ACME_ID)).extracting(event -> event.detail().orElse(""))
            .anySatisfy(detail -> assertThat(detail).contains("CA generated").contains("by carol"))
            .anySatisfy(detail -> assertThat(detail).contains("CA settings changed by carol"))
            .anySatisfy(detail -> assertThat(detail).contains("ahead of time by carol"))
            .anySatisfy(detail -> assertThat(detail).contains("carol").contains("revoked"));
    }

    private IssuedKey issue(String address) {
        return repository.lifecycle().issue(ACME_ID, KeyKind.SMIME, EmailAddress.of(address), Optional.empty(), "test");
    }
}
