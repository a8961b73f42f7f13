package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.bouncycastle.openpgp.PGPUtil;
import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.PgpTestKeys;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.Certificates;
import dev.tresor.keys.io.GnuPg;
import dev.tresor.keys.io.KeyAndChain;
import dev.tresor.keys.io.Pkcs12;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

class KeyRepositoryRoutesTest {
    private static final TestPki CA = TestPki.ca("Routes test CA");
    private static final String ACME = "acme";
    private static final TenantId ACME_ID = TenantId.of(ACME);
    private static final String ALICE = "alice@acme.example";
    private static final String BOB = "bob@partner.example";
    private static final String P12_PASSWORD = "pkcs12 secret";
    private static final TestPki.Issued ALICE_KEY = CA.issue(ALICE);
    private static final byte[] ALICE_PKCS12 = pkcs12(ALICE_KEY, P12_PASSWORD);

    @TempDir
    Path directory;

    private TestClock clock;
    private KeyRepository repository;
    private WebAdminServer server;

    @BeforeEach
    void startWebAdmin() {
        clock = new TestClock(Instant.now());
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
            MemoryTenantKeyStore.create());
        repository = StoredKeyRepository.create(new MemoryKeyStorage(), protection, clock);
        server = WebAdminUtils.createWebAdminServer(new KeyRepositoryRoutes(repository, clock, new JsonTransformer()))
            .start();
        RestAssured.requestSpecification = WebAdminUtils.buildRequestSpecification(server)
            .setBasePath(KeyRepositoryRoutes.TENANTS)
            .build();
    }

    @AfterEach
    void stopWebAdmin() {
        server.destroy();
    }

    @Nested
    class Tenants {
        @Test
        void putShouldCreateTheTenantThenReportItExisted() {
            when().put(ACME).then().statusCode(HttpStatus.CREATED_201);
            when().put(ACME).then().statusCode(HttpStatus.NO_CONTENT_204);

            assertThat(repository.tenants().exists(ACME_ID)).isTrue();
        }

        @Test
        void putShouldRefuseAnInvalidTenantIdWithTheRule() {
            when().put("Acme!")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("type", is("InvalidArgument"))
                .body("message", startsWith("Invalid tenant id 'Acme!': use 1 to 64 lower-case letters"));
        }

        @Test
        void listShouldShowTenantsInOrder() {
            when().put("zeta");
            when().put(ACME);

            when().get()
            .then()
                .statusCode(HttpStatus.OK_200)
                .contentType(ContentType.JSON)
                .body(".", contains(ACME, "zeta"));
        }

        @Test
        void getShouldShowDomainsAndFederationGrantors() {
            when().put(ACME);
            when().put("partner");
            when().put(ACME + "/domains/acme.example");
            when().put("partner/federation/" + ACME);

            when().get(ACME)
            .then()
                .statusCode(HttpStatus.OK_200)
                .body("tenant", is(ACME))
                .body("domains", contains("acme.example"))
                .body("federationGrantors", contains("partner"));
        }

        @Test
        void getShouldAnswerNotFoundForAnUnknownTenant() {
            when().get("nobody")
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Unknown tenant 'nobody'"));
        }
    }

    @Nested
    class Domains {
        @BeforeEach
        void createTenant() {
            when().put(ACME);
        }

        @Test
        void putShouldMapTheNormalisedDomainToTheTenant() {
            when().put(ACME + "/domains/Bücher.Example").then().statusCode(HttpStatus.NO_CONTENT_204);

            assertThat(repository.tenants().tenantOf("xn--bcher-kva.example")).isEqualTo(ACME_ID);
            when().get(ACME + "/domains").then().body(".", contains("xn--bcher-kva.example"));
        }

        @Test
        void twoDomainsShouldBothBeListed() {
            when().put(ACME + "/domains/acme.example");
            when().put(ACME + "/domains/acme-corp.example");

            when().get(ACME + "/domains")
            .then()
                .statusCode(HttpStatus.OK_200)
                .body(".", hasSize(2));
        }

        @Test
        void putShouldRefuseSomethingThatIsNoDomain() {
            when().put(ACME + "/domains/not a domain")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", startsWith("Invalid domain 'not a domain'"));
        }

        @Test
        void putShouldAnswerNotFoundForAnUnknownTenant() {
            when().put("nobody/domains/acme.example")
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Unknown tenant 'nobody'"));
        }

        @Test
        void deleteShouldUnmapTheDomain() {
            when().put(ACME + "/domains/acme.example");

            when().delete(ACME + "/domains/acme.example").then().statusCode(HttpStatus.NO_CONTENT_204);

            assertThat(repository.tenants().domains(ACME_ID)).isEmpty();
        }

        @Test
        void deleteShouldNotTouchTheDomainOfAnotherTenant() {
            when().put("other");
            when().put("other/domains/other.example");

            when().delete(ACME + "/domains/other.example")
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Domain 'other.example' is not mapped to tenant 'acme'"));
            assertThat(repository.tenants().tenantOf("other.example")).isEqualTo(TenantId.of("other"));
        }
    }

    @Nested
    class Federation {
        @BeforeEach
        void createTenants() {
            when().put(ACME);
            when().put("partner");
        }

        @Test
        void putShouldLetTheGranteeUseTheGrantorsCertificates() {
            when().put("partner/federation/" + ACME).then().statusCode(HttpStatus.NO_CONTENT_204);

            assertThat(repository.tenants().federatedWith(ACME_ID)).containsExactly(TenantId.of("partner"));
        }

        @Test
        void deleteShouldRevokeTheGrant() {
            when().put("partner/federation/" + ACME);

            when().delete("partner/federation/" + ACME).then().statusCode(HttpStatus.NO_CONTENT_204);

            assertThat(repository.tenants().federatedWith(ACME_ID)).isEmpty();
        }

        @Test
        void deleteShouldAnswerNotFoundWithoutAGrant() {
            when().delete("partner/federation/" + ACME)
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Tenant 'partner' has not granted federation to 'acme'"));
        }

        @Test
        void putShouldAnswerNotFoundForAnUnknownGrantee() {
            when().put("partner/federation/nobody")
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Unknown tenant 'nobody'"));
        }

        @Test
        void putShouldRefuseATenantGrantingItself() {
            when().put(ACME + "/federation/" + ACME)
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("A tenant cannot grant federation to itself ('acme')"));
        }
    }

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

    @Nested
    class PrivateKeys {
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

    @Nested
    class PgpKeys {
        private final PgpTestKeys keys = PgpTestKeys.get();

        @BeforeEach
        void createTenant() {
            when().put(ACME);
        }

        @Test
        void postShouldImportAnArmoredPublicKeyDescribeItAndAuditTheImport() {
            PgpTestKeys.Key alice = keys.aliceAtBank;

            given()
                .contentType(PgpKeyRoutes.PGP_KEYS_CONTENT_TYPE)
                .body(alice.publicKey)
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.CREATED_201)
                .contentType(ContentType.JSON)
                .body("fingerprint", is(alice.fingerprint.asString()))
                .body("tenant", is(ACME))
                .body("keyIds", contains(hexKeyId(alice.fingerprint), hexKeyId(alice.firstSubkey)))
                .body("addresses", contains(PgpTestKeys.ALICE))
                .body("userIds", contains("Alice <" + PgpTestKeys.ALICE + ">"))
                .body("expiry", not(is((Object) null)))
                .body("status", is("active"))
                .body("origin", is("imported"))
                .body("hasSecretKey", is(false))
                .body("revoked", is(false));

            assertThat(repository.pgpKeys().get(ACME_ID, alice.fingerprint)).isPresent();
            assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation, AuditEvent::key, AuditEvent::detail)
                .containsExactly(tuple(AuditEvent.Operation.IMPORT, Optional.of(alice.fingerprint.asString()),
                    Optional.of("webadmin: OpenPGP key")));
        }

        @Test
        void theJsonOfAKeyShouldHoldExactlyItsPublicFacts() {
            Map<String, Object> json = given().body(keys.aliceAtBank.publicKey)
                .post(ACME + "/pgp-keys")
                .jsonPath().getMap(".");

            assertThat(json).containsOnlyKeys("fingerprint", "tenant", "keyIds", "addresses", "userIds", "creation",
                "expiry", "revoked", "status", "origin", "hasSecretKey", "addedAt");
        }

        @Test
        void postShouldAcceptABinaryKey() {
            given()
                .contentType("application/octet-stream")
                .body(dearmor(keys.aliceAtHospital.publicKey))
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.CREATED_201)
                .body("fingerprint", is(keys.aliceAtHospital.fingerprint.asString()));
        }

        @Test
        void postingAKnownKeyAgainShouldMergeAnswerOkAndNotAuditAgain() {
            importPgpKey(keys.carolBeforeRevocation);

            given().body(keys.carol.publicKey)
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.OK_200)
                .body("revoked", is(true));

            assertThat(auditOf(ACME_ID)).hasSize(1);
        }

        @Test
        void postShouldRecordAHarvestedOrigin() {
            given().queryParam("origin", "harvested").body(keys.aliceAtBank.publicKey)
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.CREATED_201)
                .body("origin", is("harvested"));
        }

        @Test
        void postShouldRefuseAnUnknownOrigin() {
            given().queryParam("origin", "guessed").body(keys.aliceAtBank.publicKey)
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Invalid origin 'guessed': use imported or harvested"));
        }

        @Test
        void postShouldRefuseSomethingThatIsNoOpenPgpKey() {
            given().body("not a key")
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("type", is("InvalidArgument"))
                .body("message", startsWith("Cannot import the OpenPGP key: not an OpenPGP key: the input is neither "
                    + "ASCII armor"));
        }

        @Test
        void postShouldRefuseArmorWithoutItsEndLine() {
            String armored = new String(keys.aliceAtBank.publicKey, StandardCharsets.US_ASCII);
            String truncated = armored.substring(0, armored.indexOf("-----END"));

            given().body(truncated)
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", startsWith("Cannot import the OpenPGP key: corrupt OpenPGP armor"));
        }

        @Test
        void postShouldRefuseSeveralKeysAndImportNone() {
            given().body(concat(keys.aliceAtBank.publicKey, keys.carol.publicKey))
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Cannot import the OpenPGP key: The input holds 2 OpenPGP keys; import them one at "
                    + "a time (gpg --armor --export FINGERPRINT)"));

            assertThat(repository.pgpKeys().list(ACME_ID, Optional.empty(), 10)).isEmpty();
            assertThat(auditOf(ACME_ID)).isEmpty();
        }

        @Test
        void postShouldRefuseAKeyWithoutAnEmailAddress() {
            String fingerprint;
            byte[] publicKey;
            try (GnuPg gpg = new GnuPg(directory.resolve("gnupg"))) {
                fingerprint = gpg.generateKey("Nobody in particular", "ed25519", "sign", "never");
                publicKey = gpg.exportPublic(fingerprint);
            }

            given().body(publicKey)
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Cannot import the OpenPGP key: OpenPGP key " + fingerprint
                    + " has no valid user id with an e-mail address [Nobody in particular]"));
        }

        @Test
        void postShouldRefuseASecretKeyWithoutPassphraseHeader() {
            given().body(keys.oldBob.secretKey)
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Cannot import the OpenPGP key: the input holds the OpenPGP secret key "
                    + keys.oldBob.fingerprint.asString() + "; import it as a secret key, or give its public key only "
                    + "(gpg --armor --export)"));

            assertThat(repository.pgpKeys().get(ACME_ID, keys.oldBob.fingerprint)).isEmpty();
        }

        @Test
        void postShouldAnswerNotFoundForAnUnknownTenant() {
            given().body(keys.aliceAtBank.publicKey)
            .when()
                .post("nobody/pgp-keys")
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Unknown tenant 'nobody'"));
        }

        @Test
        void postWithAPassphraseShouldImportTheSecretKeyAndAuditIt() {
            String response = given().header(PgpKeyRoutes.PASSPHRASE_HEADER, new String(PgpTestKeys.PASSPHRASE))
                .body(keys.oldBob.secretKey)
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.CREATED_201)
                .body("fingerprint", is(keys.oldBob.fingerprint.asString()))
                .body("hasSecretKey", is(true))
                .body("origin", is("imported"))
                .extract().asString();

            assertThat(repository.pgpKeys().signingKey(ACME_ID, EmailAddress.of(PgpTestKeys.BOB))).isPresent();
            assertThat(response).doesNotContain(new String(PgpTestKeys.PASSPHRASE)).doesNotContain("PRIVATE");
            assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation, AuditEvent::detail)
                .containsExactly(tuple(AuditEvent.Operation.IMPORT, Optional.of("webadmin: OpenPGP key with its secret keys")));
            assertThat(auditOf(ACME_ID)).extracting(AuditEvent::key).containsExactly(Optional.of(keys.oldBob.fingerprint.asString()));
        }

        @Test
        void postWithAWrongPassphraseShouldRefuseTheKeyWithTheVaultsReason() {
            String response = given().header(PgpKeyRoutes.PASSPHRASE_HEADER, "not the passphrase")
                .body(keys.oldBob.secretKey)
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", startsWith("Cannot import the OpenPGP key: wrong OpenPGP passphrase for key "))
                .extract().asString();

            assertThat(response).doesNotContain("not the passphrase");
            assertThat(repository.pgpKeys().get(ACME_ID, keys.oldBob.fingerprint)).isEmpty();
            assertThat(auditOf(ACME_ID)).isEmpty();
        }

        @Test
        void postWithAPassphraseShouldRefuseAPublicKey() {
            given().header(PgpKeyRoutes.PASSPHRASE_HEADER, new String(PgpTestKeys.PASSPHRASE))
                .body(keys.aliceAtBank.publicKey)
            .when()
                .post(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", startsWith("Cannot import the OpenPGP key: the input holds the OpenPGP public key "
                    + keys.aliceAtBank.fingerprint.asString() + " without its secret key"));
        }

        @Test
        void listShouldPageByFingerprint() {
            importPgpKey(keys.aliceAtBank.publicKey);
            importPgpKey(keys.aliceAtHospital.publicKey);
            importPgpKey(keys.frank.publicKey);
            List<String> all = List.of(keys.aliceAtBank, keys.aliceAtHospital, keys.frank).stream()
                .map(key -> key.fingerprint.asString())
                .sorted()
                .collect(Collectors.toList());

            given().queryParam("limit", 2)
            .when()
                .get(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.OK_200)
                .body("fingerprint", contains(all.get(0), all.get(1)));
            given().queryParam("after", all.get(1))
            .when()
                .get(ACME + "/pgp-keys")
            .then()
                .body("fingerprint", contains(all.get(2)));
        }

        @Test
        void listShouldRefuseAnAfterThatIsNoFingerprint() {
            given().queryParam("after", "xyz")
            .when()
                .get(ACME + "/pgp-keys")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Invalid after: Not an OpenPGP fingerprint (40 or 64 hex digits): 'xyz'"));
        }

        @Test
        void listShouldAnswerNotFoundForAnUnknownTenant() {
            when().get("nobody/pgp-keys").then().statusCode(HttpStatus.NOT_FOUND_404);
        }

        @Test
        void getShouldDescribeTheKeyAsJson() {
            importPgpKey(keys.aliceAtBank.publicKey);

            when()
                .get(ACME + "/pgp-keys/" + keys.aliceAtBank.fingerprint.asString().toLowerCase(Locale.ROOT))
            .then()
                .statusCode(HttpStatus.OK_200)
                .contentType(ContentType.JSON)
                .body("fingerprint", is(keys.aliceAtBank.fingerprint.asString()));
        }

        @Test
        void getShouldExportAnArmoredPublicKeyThatGpgImports() {
            given().header(PgpKeyRoutes.PASSPHRASE_HEADER, new String(PgpTestKeys.PASSPHRASE))
                .body(keys.oldBob.secretKey)
                .post(ACME + "/pgp-keys");

            String armored = given().accept(PgpKeyRoutes.PGP_KEYS_CONTENT_TYPE)
            .when()
                .get(ACME + "/pgp-keys/" + keys.oldBob.fingerprint.asString())
            .then()
                .statusCode(HttpStatus.OK_200)
                .contentType(PgpKeyRoutes.PGP_KEYS_CONTENT_TYPE)
                .body(startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"))
                .extract().asString();

            assertThat(armored).doesNotContain("PRIVATE KEY");
            assertThat(PgpTestKeys.gpgImports(armored.getBytes(StandardCharsets.US_ASCII), keys.oldBob.fingerprint))
                .isTrue();
        }

        @Test
        void getShouldAnswerNotFoundForAnUnknownKeyInJsonAndArmor() {
            String path = ACME + "/pgp-keys/" + keys.erin.fingerprint.asString();
            String message = "Tenant 'acme' holds no OpenPGP key " + keys.erin.fingerprint.asString();

            when().get(path).then().statusCode(HttpStatus.NOT_FOUND_404).body("message", is(message));
            given().accept(PgpKeyRoutes.PGP_KEYS_CONTENT_TYPE)
            .when()
                .get(path)
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is(message));
        }

        @Test
        void getShouldRefuseAMalformedFingerprint() {
            when()
                .get(ACME + "/pgp-keys/1234")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Not an OpenPGP fingerprint (40 or 64 hex digits): '1234'"));
        }

        @Test
        void revokingShouldStopTheKeyBeingChosenAndBeAudited() {
            importPgpKey(keys.aliceAtBank.publicKey);
            String fingerprint = keys.aliceAtBank.fingerprint.asString();

            given().body("{\"status\":\"revoked\"}")
            .when()
                .patch(ACME + "/pgp-keys/" + fingerprint)
            .then()
                .statusCode(HttpStatus.OK_200)
                .body("status", is("revoked"));

            assertThat(repository.pgpKeys().encryptionKeys(ACME_ID, EmailAddress.of(PgpTestKeys.ALICE),
                SelectionPolicy.ALL_VALID)).isEmpty();
            assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation, AuditEvent::detail)
                .containsExactly(
                    tuple(AuditEvent.Operation.REVOKE, Optional.of("webadmin: OpenPGP key")),
                    tuple(AuditEvent.Operation.IMPORT, Optional.of("webadmin: OpenPGP key")));
            assertThat(auditOf(ACME_ID)).extracting(AuditEvent::key).containsOnly(Optional.of(fingerprint));
        }

        @Test
        void supersedingThenReactivatingShouldBeAuditedAsSuch() {
            importPgpKey(keys.aliceAtBank.publicKey);
            String fingerprint = keys.aliceAtBank.fingerprint.asString();

            given().body("{\"status\":\"superseded\"}").patch(ACME + "/pgp-keys/" + fingerprint);
            given().body("{\"status\":\"active\"}")
            .when()
                .patch(ACME + "/pgp-keys/" + fingerprint)
            .then()
                .body("status", is("active"));

            assertThat(repository.pgpKeys().get(ACME_ID, keys.aliceAtBank.fingerprint).orElseThrow().status())
                .isEqualTo(KeyStatus.ACTIVE);
            assertThat(auditOf(ACME_ID)).extracting(AuditEvent::operation, AuditEvent::detail).startsWith(
                tuple(AuditEvent.Operation.IMPORT, Optional.of("webadmin: OpenPGP key: reactivated")),
                tuple(AuditEvent.Operation.SUPERSEDE, Optional.of("webadmin: OpenPGP key")));
        }

        @Test
        void settingTheCurrentStatusShouldChangeNothingAndAuditNothing() {
            importPgpKey(keys.aliceAtBank.publicKey);

            given().body("{\"status\":\"active\"}")
            .when()
                .patch(ACME + "/pgp-keys/" + keys.aliceAtBank.fingerprint.asString())
            .then()
                .statusCode(HttpStatus.OK_200);

            assertThat(auditOf(ACME_ID)).hasSize(1);
        }

        @Test
        void patchShouldRefuseAnUnknownStatus() {
            importPgpKey(keys.aliceAtBank.publicKey);

            given().body("{\"status\":\"lost\"}")
            .when()
                .patch(ACME + "/pgp-keys/" + keys.aliceAtBank.fingerprint.asString())
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Invalid status 'lost': use active, revoked or superseded"));
        }

        @Test
        void patchShouldAnswerNotFoundForAnUnknownKey() {
            given().body("{\"status\":\"revoked\"}")
            .when()
                .patch(ACME + "/pgp-keys/" + keys.erin.fingerprint.asString())
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404);

            assertThat(auditOf(ACME_ID)).isEmpty();
        }

        @Test
        void lookupShouldAnswerTheNewestKeyOrAllOfThem() {
            importPgpKey(keys.oldBob.publicKey);
            importPgpKey(keys.newBob.publicKey);
            importPgpKey(keys.aliceAtBank.publicKey);

            given().queryParam("address", PgpTestKeys.BOB)
            .when()
                .get(ACME + "/pgp-lookup")
            .then()
                .statusCode(HttpStatus.OK_200)
                .body("fingerprint", contains(keys.newBob.fingerprint.asString()));
            given().queryParam("address", PgpTestKeys.BOB).queryParam("policy", "all")
            .when()
                .get(ACME + "/pgp-lookup")
            .then()
                .body("fingerprint", contains(keys.newBob.fingerprint.asString(), keys.oldBob.fingerprint.asString()));
        }

        @Test
        void lookupShouldSkipARevokedKey() {
            importPgpKey(keys.carol.publicKey);

            given().queryParam("address", "carol@partner.example")
            .when()
                .get(ACME + "/pgp-lookup")
            .then()
                .statusCode(HttpStatus.OK_200)
                .body(".", empty());
        }

        @Test
        void lookupShouldRefuseAMissingAddressAndAnUnknownPolicy() {
            when()
                .get(ACME + "/pgp-lookup")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Missing address: give an e-mail address such as alice@example.com"));
            given().queryParam("address", PgpTestKeys.BOB).queryParam("policy", "oldest")
            .when()
                .get(ACME + "/pgp-lookup")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("Invalid policy 'oldest': use newest or all"));
        }

        private void importPgpKey(byte[] publicKey) {
            given().body(publicKey)
                .post(ACME + "/pgp-keys")
                .then().statusCode(HttpStatus.CREATED_201);
        }
    }

    @Nested
    class TrustAnchors {
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

    @Nested
    class PdfPasswords {
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

    @Nested
    class TlsPolicies {
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

    @Nested
    class Audit {
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

    private void importCertificate(TestPki.Issued issued) {
        given().body(Certificates.toPem(issued.chain()))
            .post(ACME + "/certificates")
            .then().statusCode(HttpStatus.CREATED_201);
    }

    private void importAlicesKey() {
        given().header(PrivateKeyRoutes.PASSWORD_HEADER, P12_PASSWORD)
            .body(ALICE_PKCS12)
            .post(ACME + "/keys")
            .then().statusCode(HttpStatus.CREATED_201);
    }

    private List<AuditEvent> auditOf(TenantId tenant) {
        return repository.audit().query(tenant, Instant.EPOCH, clock.instant().plusSeconds(1), 100);
    }

    private static byte[] pkcs12(TestPki.Issued issued, String password) {
        return Pkcs12.write(List.of(new KeyAndChain("key", issued.privateKey(), issued.chain())), password.toCharArray());
    }

    private static String hexKeyId(PgpFingerprint fingerprint) {
        return String.format("%016X", fingerprint.keyId());
    }

    private static byte[] dearmor(byte[] armored) {
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(armored))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
