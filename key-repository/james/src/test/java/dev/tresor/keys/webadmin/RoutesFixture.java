package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;

import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.Certificates;
import dev.tresor.keys.io.KeyAndChain;
import dev.tresor.keys.io.Pkcs12;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;
import io.restassured.RestAssured;

/**
 * What every WebAdmin routes test starts from: a key repository in memory, a fresh master key, a clock the test moves,
 * and {@link KeyRepositoryRoutes} served by a WebAdmin server on a free port, with RestAssured pointed at
 * {@code /tresor/tenants}.
 */
abstract class RoutesFixture {
    static final TestPki CA = TestPki.ca("Routes test CA");
    static final String PUBLICATION_URL = "http://pki.test.example:8081";
    static final String ACME = "acme";
    static final TenantId ACME_ID = TenantId.of(ACME);
    static final String ALICE = "alice@acme.example";
    static final String BOB = "bob@partner.example";
    static final String P12_PASSWORD = "pkcs12 secret";
    static final TestPki.Issued ALICE_KEY = CA.issue(ALICE);
    static final byte[] ALICE_PKCS12 = pkcs12(ALICE_KEY, P12_PASSWORD);

    @TempDir
    Path directory;

    TestClock clock;
    KeyRepository repository;
    WebAdminServer server;

    @BeforeEach
    void startWebAdmin() {
        clock = new TestClock(Instant.now());
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
            MemoryTenantKeyStore.create());
        repository = StoredKeyRepository.create(new MemoryKeyStorage(), protection, clock);
        server = WebAdminUtils.createWebAdminServer(
                new KeyRepositoryRoutes(repository, clock, new JsonTransformer(), PUBLICATION_URL))
            .start();
        RestAssured.requestSpecification = WebAdminUtils.buildRequestSpecification(server)
            .setBasePath(KeyRepositoryRoutes.TENANTS)
            .build();
    }

    @AfterEach
    void stopWebAdmin() {
        server.destroy();
    }

    void importCertificate(TestPki.Issued issued) {
        given().body(Certificates.toPem(issued.chain()))
            .post(ACME + "/certificates")
            .then().statusCode(HttpStatus.CREATED_201);
    }

    void importAlicesKey() {
        given().header(PrivateKeyRoutes.PASSWORD_HEADER, P12_PASSWORD)
            .body(ALICE_PKCS12)
            .post(ACME + "/keys")
            .then().statusCode(HttpStatus.CREATED_201);
    }

    List<AuditEvent> auditOf(TenantId tenant) {
        return repository.audit().query(tenant, Instant.EPOCH, clock.instant().plusSeconds(1), 100);
    }

    private static byte[] pkcs12(TestPki.Issued issued, String password) {
        return Pkcs12.write(List.of(new KeyAndChain("key", issued.privateKey(), issued.chain())), password.toCharArray());
    }

    static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
