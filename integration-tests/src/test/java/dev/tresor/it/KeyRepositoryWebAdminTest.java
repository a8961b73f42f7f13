package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.restassured.http.ContentType;

/**
 * The key repository administered over James's real WebAdmin port, with the sample {@code conf/keyrepository.properties}
 * (H2 and a master key file under James's working directory). Keys and certificates are made by openssl, as an admin
 * would bring them.
 */
class KeyRepositoryWebAdminTest {
    private static final String P12_PASSWORD = "alice's p12 secret";
    private static final String ALICE = "alice@acme.example";
    private static final String BOB = "bob@partner.example";

    static SmtpSink sink = new SmtpSink();
    static TresorJames tresor = new TresorJames(sink);

    @RegisterExtension
    static JamesServerExtension james = tresor.extension();

    @TempDir
    static Path openssl;

    private static byte[] alicePkcs12;
    private static byte[] bobPem;

    @BeforeAll
    static void makeKeysWithOpenssl() throws Exception {
        OpenSslIdentities identities = new OpenSslIdentities(openssl);
        identities.selfSigned("alice", "/CN=Alice/O=Acme", ALICE);
        alicePkcs12 = Files.readAllBytes(identities.pkcs12("alice", P12_PASSWORD));
        bobPem = Files.readAllBytes(identities.selfSigned("bob", "/CN=Bob/O=Partner", BOB));
    }

    @Test
    void aTenantWithDomainsAKeyAndAPartnerCertificateShouldRoundTrip(GuiceJamesServer server) {
        String tenant = "acme";
        TresorJames.webAdmin(server).put("/tresor/tenants/" + tenant).then().statusCode(201);
        TresorJames.webAdmin(server).put("/tresor/tenants/" + tenant + "/domains/acme.example").then().statusCode(204);
        TresorJames.webAdmin(server).put("/tresor/tenants/" + tenant + "/domains/acme-corp.example").then().statusCode(204);

        String aliceFingerprint = importAlicesKey(server, tenant);
        String bobFingerprint = importBobsCertificate(server, tenant);

        TresorJames.webAdmin(server).get("/tresor/tenants/" + tenant)
        .then()
            .statusCode(200)
            .body("domains", containsInAnyOrder("acme.example", "acme-corp.example"));
        TresorJames.webAdmin(server).get("/tresor/tenants/" + tenant + "/certificates")
        .then()
            .statusCode(200)
            .body("fingerprint", containsInAnyOrder(aliceFingerprint, bobFingerprint))
            .body("find { it.fingerprint == '" + aliceFingerprint + "' }.hasPrivateKey", is(true))
            .body("find { it.fingerprint == '" + bobFingerprint + "' }.hasPrivateKey", is(false));
        TresorJames.webAdmin(server).queryParam("address", BOB).get("/tresor/tenants/" + tenant + "/lookup")
        .then()
            .statusCode(200)
            .body("fingerprint", contains(bobFingerprint));
        assertThat(tresor.workingDirectory().resolve("var/tresor/keys.mv.db")).isRegularFile();
        assertThat(tresor.workingDirectory().resolve("var/tresor/master.key")).isRegularFile();
    }

    @Test
    void revokingThePartnerCertificateShouldEmptyTheLookupAndBeAudited(GuiceJamesServer server) {
        String tenant = "revoking";
        TresorJames.webAdmin(server).put("/tresor/tenants/" + tenant).then().statusCode(201);
        String aliceFingerprint = importAlicesKey(server, tenant);
        String bobFingerprint = importBobsCertificate(server, tenant);

        TresorJames.webAdmin(server).body("{\"status\":\"revoked\"}")
            .patch("/tresor/tenants/" + tenant + "/certificates/" + bobFingerprint)
        .then()
            .statusCode(200)
            .body("status", is("revoked"));

        TresorJames.webAdmin(server).queryParam("address", BOB).get("/tresor/tenants/" + tenant + "/lookup")
        .then()
            .statusCode(200)
            .body(".", empty());
        TresorJames.webAdmin(server).get("/tresor/tenants/" + tenant + "/audit")
        .then()
            .statusCode(200)
            .body("operation", contains("REVOKE", "IMPORT", "IMPORT"))
            .body("key", contains(bobFingerprint, bobFingerprint, aliceFingerprint))
            .body("detail", hasItems("webadmin"));
    }

    @Test
    void healthCheckShouldReportTheKeyRepository(GuiceJamesServer server) {
        TresorJames.webAdmin(server).get("/healthcheck")
        .then()
            .statusCode(200)
            .body("checks.find { it.componentName == 'Tresor key repository' }.status", is("healthy"));
    }

    @Test
    void corruptPemShouldBeRefusedWithWhatIsWrong(GuiceJamesServer server) {
        String tenant = "corrupt";
        TresorJames.webAdmin(server).put("/tresor/tenants/" + tenant).then().statusCode(201);

        TresorJames.webAdmin(server)
            .contentType("application/x-pem-file")
            .body("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII))
            .post("/tresor/tenants/" + tenant + "/certificates")
        .then()
            .statusCode(400)
            .contentType(ContentType.JSON)
            .body("message", startsWith("Cannot read the certificate: corrupt PEM"));
    }

    @Test
    void aWrongPkcs12PasswordShouldBeRefusedAsSuch(GuiceJamesServer server) {
        String tenant = "wrongpassword";
        TresorJames.webAdmin(server).put("/tresor/tenants/" + tenant).then().statusCode(201);

        TresorJames.webAdmin(server)
            .contentType("application/x-pkcs12")
            .header("X-Tresor-Pkcs12-Password", "not the password")
            .body(alicePkcs12)
            .post("/tresor/tenants/" + tenant + "/keys")
        .then()
            .statusCode(400)
            .body("message", is("Cannot read the PKCS#12 file: wrong PKCS#12 password"));
        TresorJames.webAdmin(server).get("/tresor/tenants/" + tenant + "/certificates")
        .then()
            .body(".", empty());
    }

    @Test
    void anUnknownTenantShouldBeNotFound(GuiceJamesServer server) {
        TresorJames.webAdmin(server)
            .contentType("application/x-pem-file")
            .body(bobPem)
            .post("/tresor/tenants/nobody/certificates")
        .then()
            .statusCode(404)
            .body("message", is("Unknown tenant 'nobody'"));
    }

    private static String importAlicesKey(GuiceJamesServer server, String tenant) {
        return TresorJames.webAdmin(server)
            .contentType("application/x-pkcs12")
            .header("X-Tresor-Pkcs12-Password", P12_PASSWORD)
            .body(alicePkcs12)
            .post("/tresor/tenants/" + tenant + "/keys")
        .then()
            .statusCode(201)
            .body("addresses[0]", contains(ALICE))
            .body("hasPrivateKey", contains(true))
            .extract().path("[0].fingerprint");
    }

    private static String importBobsCertificate(GuiceJamesServer server, String tenant) {
        return TresorJames.webAdmin(server)
            .contentType("application/x-pem-file")
            .body(bobPem)
            .post("/tresor/tenants/" + tenant + "/certificates")
        .then()
            .statusCode(201)
            .body("addresses", contains(BOB))
            .extract().path("fingerprint");
    }
}
