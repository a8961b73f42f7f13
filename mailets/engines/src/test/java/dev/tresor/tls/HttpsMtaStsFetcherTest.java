package dev.tresor.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import dev.tresor.keys.TestClock;

/** The fetcher against a real HTTPS server on loopback with a certificate from the test CA. */
class HttpsMtaStsFetcherTest {
    private static final String POLICY = "version: STSv1\nmode: enforce\nmx: mx.partner.example\nmax_age: 3600\n";

    @TempDir
    Path directory;
    private HttpsServer server;
    private final AtomicReference<String> body = new AtomicReference<>(POLICY);
    private final AtomicReference<String> contentType = new AtomicReference<>("text/plain");
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<List<String>> txt = new AtomicReference<>(List.of("v=STSv1; id=20261122T1000"));
    private TestClock clock;
    private HttpsMtaStsFetcher fetcher;
    private TlsTestPki pki;

    @BeforeEach
    void start() throws Exception {
        pki = new TlsTestPki(directory);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(pki.server("mta-sts", "localhost")));
        server.createContext("/.well-known/mta-sts.txt", exchange -> {
            requests.incrementAndGet();
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType.get());
            exchange.sendResponseHeaders(status.get(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        clock = new TestClock(Instant.parse("2026-11-22T10:00:00Z"));
        fetcher = fetcher(trusting(pki.caCertificate()));
    }

    private HttpsMtaStsFetcher fetcher(SSLContext trust) {
        return new HttpsMtaStsFetcher(name -> name.equals("_mta-sts.partner.example") ? txt.get() : List.of(),
            domain -> URI.create("https://localhost:" + server.getAddress().getPort() + "/.well-known/mta-sts.txt"),
            trust.getSocketFactory(), Duration.ofSeconds(5), clock);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Test
    void anAnnouncedPolicyShouldBeFetchedAndCachedForItsMaxAge() throws Exception {
        Optional<MtaStsPolicy> policy = fetcher.policy("partner.example");

        assertThat(policy).hasValueSatisfying(found -> assertThat(found.allowsMx("mx.partner.example")).isTrue());
        fetcher.policy("partner.example");
        assertThat(requests.get()).as("cached").isEqualTo(1);

        clock.advance(Duration.ofHours(2));
        fetcher.policy("partner.example");
        assertThat(requests.get()).as("expired").isEqualTo(2);
    }

    @Test
    void aNewTxtIdShouldRefetch() throws Exception {
        fetcher.policy("partner.example");
        body.set(POLICY.replace("mode: enforce", "mode: testing"));
        txt.set(List.of("v=STSv1; id=20261122T1100"));

        assertThat(fetcher.policy("partner.example")).hasValueSatisfying(
            found -> assertThat(found.mode()).isEqualTo(MtaStsPolicy.Mode.TESTING));
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void aDomainWithoutTxtRecordShouldHaveNoPolicy() throws Exception {
        assertThat(fetcher.policy("other.example")).isEmpty();
        assertThat(requests.get()).isZero();
    }

    @Test
    void brokenAnswersShouldBeErrorsNotAbsentPolicies() {
        status.set(404);
        assertThatThrownBy(() -> fetcher.policy("partner.example")).isInstanceOf(MtaStsSource.MtaStsException.class)
            .hasMessageContaining("HTTP 404");

        status.set(200);
        contentType.set("text/html");
        assertThatThrownBy(() -> fetcher.policy("partner.example")).hasMessageContaining("not text/plain");

        contentType.set("text/plain");
        body.set("version: STSv1\nmode: enforce\nmax_age: 60\n");
        assertThatThrownBy(() -> fetcher.policy("partner.example")).hasMessageContaining("names no mx");
    }

    @Test
    void aValidCachedPolicyShouldOutliveAFailedRefetch() throws Exception {
        fetcher.policy("partner.example");
        txt.set(List.of("v=STSv1; id=changed"));
        status.set(500);

        assertThat(fetcher.policy("partner.example")).hasValueSatisfying(
            found -> assertThat(found.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE));
    }

    @Test
    void anUntrustedServerCertificateShouldBeRefused() throws Exception {
        TlsTestPki otherCa = new TlsTestPki(Files.createDirectory(directory.resolve("other")));
        HttpsMtaStsFetcher distrusting = fetcher(trusting(otherCa.caCertificate()));

        assertThatThrownBy(() -> distrusting.policy("partner.example")).isInstanceOf(MtaStsSource.MtaStsException.class)
            .hasMessageContaining("announced but unusable");
        assertThat(requests.get()).isZero();
    }
}
