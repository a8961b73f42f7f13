package dev.tresor.keys.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.authentication.NoAuthenticationFilter;
import org.apache.james.webadmin.mdc.LoggingRequestFilter;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

/**
 * Bodies as clients really send them (curl's defaults, no type, the wrong type, too big, garbage) get a 2xx or a 4xx
 * in James's error format, never a 500, a stack trace or an internal exception's text (issue 12, defect 7). Sent with
 * the JDK's HTTP client, which adds no Content-Type of its own.
 */
class RequestBodyRoutesTest {
    private static final TestPki CA = TestPki.ca("Request body test CA");
    private static final String P12_PASSWORD = "pkcs12 secret";
    private static final TestPki.Issued ALICE = CA.issue("alice@acme.example");
    private static final byte[] ALICE_PKCS12 = Pkcs12.write(List.of(new KeyAndChain("alice", ALICE.privateKey(),
        List.of(ALICE.certificate(), CA.certificate()))), P12_PASSWORD.toCharArray());
    private static final String CURL_DEFAULT = "application/x-www-form-urlencoded";
    private static final int MEBIBYTE = 1024 * 1024;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path directory;

    private KeyRepository repository;
    private WebAdminServer server;
    private HttpClient client;

    @BeforeEach
    void startWebAdmin() throws Exception {
        TestClock clock = new TestClock(Instant.now());
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
            MemoryTenantKeyStore.create());
        repository = StoredKeyRepository.create(new MemoryKeyStorage(), protection, clock);
        // As KeyRepositoryModule binds it: James's request logging through TresorRequestLogger.
        server = new WebAdminServer(WebAdminConfiguration.TEST_CONFIGURATION,
            List.of(new KeyRepositoryRoutes(repository, clock, new JsonTransformer(), RoutesFixture.PUBLICATION_URL)), new NoAuthenticationFilter(),
            new RecordingMetricFactory(), new LoggingRequestFilter(Set.of(new TresorRequestLogger()))) {
        };
        server.start();
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        repository.tenants().create(TenantId.of("acme"));
    }

    @AfterEach
    void stopWebAdmin() {
        server.destroy();
    }

    @Test
    void aPkcs12UploadAsTheReadmeSendsItShouldBeImported() throws Exception {
        for (String type : Arrays.asList(null, CURL_DEFAULT, "application/x-pkcs12", "application/octet-stream")) {
            HttpResponse<String> response = send("POST", "acme/keys", type,
                Map.of("X-Tresor-Pkcs12-Password", P12_PASSWORD), BodyPublishers.ofByteArray(ALICE_PKCS12));

            assertThat(response.statusCode()).as("Content-Type %s: %s", type, response.body()).isEqualTo(201);
        }
    }

    @Test
    void aPemCertificateSentAsCurlSendsItShouldBeImportedUnaltered() throws Exception {
        HttpResponse<String> response = send("POST", "acme/certificates?origin=harvested", CURL_DEFAULT, Map.of(),
            BodyPublishers.ofByteArray(Certificates.toPem(List.of(ALICE.certificate()))));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(json(response).get("origin").asText()).isEqualTo("harvested");
    }

    @Test
    void jsonSentAsCurlSendsItShouldBeAccepted() throws Exception {
        for (String type : Arrays.asList(null, CURL_DEFAULT, "application/json", "application/json; charset=utf-8")) {
            HttpResponse<String> response = send("PUT", "acme/pdf-passwords/bob@partner.example", type, Map.of(),
                BodyPublishers.ofString("{\"password\": \"a+b=c&d e\"}"));

            assertThat(response.statusCode()).as("Content-Type %s: %s", type, response.body()).isEqualTo(204);
        }
        assertThat(repository.pdfPasswords().get(TenantId.of("acme"),
            dev.tresor.keys.EmailAddress.of("bob@partner.example"))).hasValueSatisfying(password ->
            assertThat(new String(password)).isEqualTo("a+b=c&d e"));
    }

    @Test
    void jsonOfAnotherTypeShouldGet415NamingTheExpectedType() throws Exception {
        HttpResponse<String> response = send("PUT", "acme/pdf-passwords/bob@partner.example", "application/xml",
            Map.of(), BodyPublishers.ofString("<password>x</password>"));

        assertClientError(response, 415, "application/json");
    }

    @Test
    void aFiftyMebibyteBodyShouldGet413NamingTheLimitOnEveryUploadRoute() throws Exception {
        for (String[] route : uploadRoutes()) {
            for (String type : Arrays.asList(null, CURL_DEFAULT)) {
                HttpResponse<String> response = send(route[0], route[1], type,
                    Map.of("X-Tresor-Pkcs12-Password", "x"), BodyPublishers.ofByteArray(new byte[50 * MEBIBYTE]));

                assertClientError(response, 413, "too large");
                assertThat(response.body()).as("%s %s", route[0], route[1]).containsPattern("\\d+ (KiB|MiB)");
            }
        }
    }

    @Test
    void aTooLargeBodyWithoutLengthShouldGet413() throws Exception {
        Supplier<InputStream> chunked = () -> new InputStream() {
            private int left = 20 * MEBIBYTE;

            @Override
            public int read() {
                return left-- > 0 ? 'A' : -1;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (left <= 0) {
                    return -1;
                }
                int count = Math.min(length, left);
                Arrays.fill(buffer, offset, offset + count, (byte) 'A');
                left -= count;
                return count;
            }
        };

        HttpResponse<String> response = send("POST", "acme/keys", null, Map.of("X-Tresor-Pkcs12-Password", "x"),
            BodyPublishers.ofInputStream(chunked));

        assertClientError(response, 413, "too large");
    }

    @Test
    void emptyGarbageAndWronglyTypedBodiesShouldBeClientErrorsOnEveryRoute() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(12).nextBytes(garbage);
        List<byte[]> bodies = List.of(new byte[0], garbage, "null".getBytes(StandardCharsets.US_ASCII),
            "[1, 2]".getBytes(StandardCharsets.US_ASCII), "{\"password\": 42}".getBytes(StandardCharsets.US_ASCII),
            "{\"status\": [\"active\"]}".getBytes(StandardCharsets.US_ASCII),
            "{\"level\": {\"a\": 1}, \"names\": \"x\"}".getBytes(StandardCharsets.US_ASCII),
            "[".repeat(20_000).getBytes(StandardCharsets.US_ASCII),
            "\"\\u0000\"".getBytes(StandardCharsets.US_ASCII));
        for (String[] route : bodyRoutes()) {
            for (byte[] body : bodies) {
                for (String type : Arrays.asList(null, CURL_DEFAULT, "application/json")) {
                    HttpResponse<String> response = send(route[0], route[1], type,
                        Map.of("X-Tresor-Pkcs12-Password", "x"), BodyPublishers.ofByteArray(body));

                    assertThat(response.statusCode()).as("%s %s (%s) with %s", route[0], route[1], type,
                        new String(body, 0, Math.min(body.length, 40), StandardCharsets.ISO_8859_1))
                        .isBetween(400, 499);
                    assertJamesErrorWithoutInternals(response);
                }
            }
        }
    }

    @Test
    void aRouteThatRefusesBeforeReadingTheBodyShouldStillBeHeardByAClientThatIsSending() throws Exception {
        // an unknown key is refused before its new status is read: the server must read the rest of the body before it
        // answers, or the client, still sending, gets its connection reset instead of the answer
        byte[] body = ("{\"status\": \"revoked\", \"note\": \"" + "x".repeat(3 * MEBIBYTE) + "\"}")
            .getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < 5; attempt++) {
            HttpResponse<String> response = send("PATCH", "acme/pgp-keys/0123456789ABCDEF0123456789ABCDEF01234567",
                "application/json", Map.of(), BodyPublishers.ofByteArray(body));

            assertThat(response.statusCode()).isEqualTo(404);
            assertJamesErrorWithoutInternals(response);
        }
    }

    @Test
    void aTooLargeJsonBodyShouldGet413() throws Exception {
        String huge = "{\"password\": \"" + "x".repeat(2 * MEBIBYTE) + "\"}";

        HttpResponse<String> response = send("PUT", "acme/pdf-passwords/bob@partner.example", "application/json",
            Map.of(), BodyPublishers.ofString(huge));

        assertClientError(response, 413, "too large");
    }

    private static List<String[]> uploadRoutes() {
        return List.of(new String[] {"POST", "acme/keys"}, new String[] {"POST", "acme/certificates"},
            new String[] {"POST", "acme/trust-anchors"}, new String[] {"POST", "acme/pgp-keys"},
            new String[] {"POST", "acme/keys/export"}, new String[] {"PUT", "acme/pdf-passwords/bob@partner.example"},
            new String[] {"PUT", "acme/tls-policies/partner.example"});
    }

    private List<String[]> bodyRoutes() {
        List<String[]> routes = new ArrayList<>(uploadRoutes());
        String fingerprint = dev.tresor.keys.Fingerprint.sha256(encoded()).asString();
        routes.add(new String[] {"PATCH", "acme/certificates/" + fingerprint});
        routes.add(new String[] {"PATCH", "acme/pgp-keys/0123456789ABCDEF0123456789ABCDEF01234567"});
        return routes;
    }

    private static byte[] encoded() {
        try {
            return ALICE.certificate().getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> send(String method, String path, String contentType, Map<String, String> headers,
                                      BodyPublisher body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort().getValue()
                + KeyRepositoryRoutes.TENANTS + "/" + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return client.send(request.build(), BodyHandlers.ofString());
    }

    private static void assertClientError(HttpResponse<String> response, int status, String messagePart)
            throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertJamesErrorWithoutInternals(response);
        assertThat(json(response).get("message").asText()).contains(messagePart);
    }

    private static void assertJamesErrorWithoutInternals(HttpResponse<String> response) throws Exception {
        JsonNode error = json(response);
        assertThat(error.get("statusCode").asInt()).isEqualTo(response.statusCode());
        assertThat(error.get("type").asText()).isNotBlank();
        assertThat(error.get("message").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception", "\tat ", ".java:", "org.eclipse", "spark.");
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return MAPPER.readTree(response.body());
    }
}
