package dev.tresor.keys.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.james.core.Domain;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.PgpTestKeys;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.io.Certificates;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.lifecycle.RevocationReason;
import dev.tresor.keys.lifecycle.TenantCa;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;

/** The publication server over a real key repository, fetched as partners and their tools fetch it. */
class PublicationServerTest {
    private static final TestPki PARTNER_CA = TestPki.ca("Publication test CA");
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId BANK = TenantId.of("bank");
    private static final String ALICE = "alice@acme.example";
    private static final String BOB = PgpTestKeys.BOB;
    private static final String WKS_CLIENT = "/usr/lib/gnupg/gpg-wks-client";

    @TempDir
    Path directory;

    private KeyRepository repository;
    private PublicationServer server;
    private HttpClient http;
    private String base;

    @BeforeEach
    void start() throws Exception {
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
            MemoryTenantKeyStore.create());
        repository = StoredKeyRepository.create(new MemoryKeyStorage(), protection, Clock.systemUTC());
        repository.tenants().create(ACME);
        repository.tenants().mapDomain("acme.example", ACME);
        repository.tenants().create(BANK);
        repository.tenants().mapDomain("bank.example", BANK);
        MemoryDomainList domainList = new MemoryDomainList(null);
        domainList.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false)
            .addConfiguredDomains(Domain.of("acme.example"), Domain.of("bank.example")));
        MemoryRecipientRewriteTable rrt = new MemoryRecipientRewriteTable();
        rrt.setDomainList(domainList);
        int port = freePort();
        base = "http://127.0.0.1:" + port;
        server = new PublicationServer(repository, new TenantResolver(repository, rrt),
            new KeyRepositoryConfiguration.Publication(port, "127.0.0.1", base));
        server.start();
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aTenantsOwnCertificateShouldBePublishedAsPem() throws Exception {
        TestPki.Issued alice = PARTNER_CA.issue(ALICE);
        repository.certificates().add(ACME, alice.chain(), Origin.IMPORTED);
        repository.privateKeys().add(ACME, alice.fingerprint(), alice.privateKey());

        HttpResponse<byte[]> response = get("/certificates/" + ALICE);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/pem-certificate-chain");
        assertThat(Certificates.read(response.body())).containsExactly(alice.certificate());
    }

    @Test
    void aCertificateWithoutPrivateKeyShouldNeverBePublished() throws Exception {
        // a partner's certificate the tenant holds for an address of its domain (say, a consultant's), no private key
        repository.certificates().add(ACME, PARTNER_CA.issue("carol@acme.example").chain(), Origin.HARVESTED);

        assertThat(get("/certificates/carol@acme.example").statusCode()).isEqualTo(404);
        assertThat(get("/certificates/nobody@acme.example").statusCode()).isEqualTo(404);
        assertThat(get("/certificates/someone@unknown.example").statusCode()).isEqualTo(404);
        assertThat(get("/certificates/not-an-address").statusCode()).isEqualTo(404);
    }

    @Test
    void wkdShouldAnswerTheBinaryKeyAtTheUrlGpgComputes() throws Exception {
        PgpTestKeys keys = PgpTestKeys.get();
        repository.pgpKeys().addSecretKey(BANK, keys.newBob.secretKey, PgpTestKeys.PASSPHRASE);

        URI advanced = URI.create(wkdUrl(BOB));
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base + advanced.getRawPath()
            + "?" + advanced.getRawQuery())).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(advanced.getRawPath()).startsWith("/.well-known/openpgpkey/bank.example/hu/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(response.body()[0] & 0x80).as("binary OpenPGP, not armored").isEqualTo(0x80);
        assertThat(gpgShowsAddress(response.body())).contains(BOB);
        assertThat(PgpTestKeys.gpgImports(response.body(), keys.newBob.fingerprint)).isTrue();
    }

    @Test
    void wkdDirectMethodShouldTakeTheDomainFromTheHostHeaderAndWorkWithoutTheLocalPart() throws Exception {
        PgpTestKeys keys = PgpTestKeys.get();
        repository.pgpKeys().addSecretKey(BANK, keys.newBob.secretKey, PgpTestKeys.PASSPHRASE);
        String hash = WebKeyDirectory.hash("bob");

        byte[] direct = getWithHost("/.well-known/openpgpkey/hu/" + hash, "bank.example:443");
        byte[] otherDomain = getWithHost("/.well-known/openpgpkey/hu/" + hash, "acme.example");

        assertThat(new String(direct, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        assertThat(gpgShowsAddress(bodyOf(direct))).contains(BOB);
        assertThat(new String(otherDomain, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 404");
    }

    @Test
    void wkdShouldRefuseALocalPartThatDoesNotMatchTheHashAndPartnersKeys() throws Exception {
        PgpTestKeys keys = PgpTestKeys.get();
        repository.pgpKeys().addSecretKey(BANK, keys.newBob.secretKey, PgpTestKeys.PASSPHRASE);
        // a partner's public key in bank's vault is not bank's to publish
        repository.pgpKeys().addPublicKey(BANK, keys.aliceAtBank.publicKey, Origin.IMPORTED);
        String hash = WebKeyDirectory.hash("bob");

        assertThat(get("/.well-known/openpgpkey/bank.example/hu/" + hash + "?l=mallory").statusCode()).isEqualTo(404);
        assertThat(get("/.well-known/openpgpkey/partner.example/hu/" + WebKeyDirectory.hash("alice") + "?l=alice")
            .statusCode()).isEqualTo(404);
        assertThat(get("/.well-known/openpgpkey/acme.example/hu/" + hash + "?l=bob").statusCode()).isEqualTo(404);
    }

    @Test
    void wkdPolicyShouldBeAnEmptyDocument() throws Exception {
        HttpResponse<byte[]> advanced = get("/.well-known/openpgpkey/bank.example/policy");

        assertThat(advanced.statusCode()).isEqualTo(200);
        assertThat(advanced.body()).isEmpty();
        assertThat(get("/.well-known/openpgpkey/policy").statusCode()).isEqualTo(200);
    }

    @Test
    void theWkdHashShouldBeTheOneGpgComputes() throws Exception {
        assertThat(wkdUrl("Bob.Smith@bank.example")).contains("/hu/" + WebKeyDirectory.hash("Bob.Smith") + "?l=bob.smith");
    }

    @Test
    void unknownPathsMethodsAndOversizedRequestsShouldGetShortPlainAnswers() throws Exception {
        HttpResponse<byte[]> unknown = get("/nowhere");
        HttpResponse<byte[]> unknownTenant = get("/nobody/ca.crl");
        HttpResponse<byte[]> noCa = get("/acme/ca.crt");
        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(URI.create(base + "/certificates/" + ALICE))
            .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> tooLarge = http.send(HttpRequest.newBuilder(URI.create(base + "/acme/ocsp"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[PublicationServer.MAX_OCSP_REQUEST + 1])).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> notBase64 = get("/acme/ocsp/not*base64");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknownTenant.statusCode()).isEqualTo(404);
        assertThat(noCa.statusCode()).isEqualTo(404);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(notBase64.statusCode()).isEqualTo(400);
        assertThat(new String(unknown.body(), StandardCharsets.UTF_8)).isEqualTo("Not found\n");
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void aStoppedServerShouldFreeItsPort() throws Exception {
        int port = server.port();
        server.stop();

        try (ServerSocket socket = new ServerSocket(port)) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    // --- what needs the key lifecycle (tenant CAs) ---

    @Test
    void theCaCertificateAndCrlShouldBePublishedInDer() throws Exception {
        TenantCa ca = repository.lifecycle().createCa(ACME, CaSettings.defaults(base), "test");

        HttpResponse<byte[]> certificate = get("/acme/ca.crt");
        HttpResponse<byte[]> crl = get("/acme/ca.crl");

        assertThat(certificate.statusCode()).isEqualTo(200);
        assertThat(certificate.headers().firstValue("Content-Type")).hasValue("application/pkix-cert");
        assertThat(x509(certificate.body())).isEqualTo(ca.certificate());
        assertThat(crl.statusCode()).isEqualTo(200);
        assertThat(crl.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
        X509CRL parsed = (X509CRL) CertificateFactory.getInstance("X.509")
            .generateCRL(new ByteArrayInputStream(crl.body()));
        parsed.verify(ca.certificate().getPublicKey());
    }

    @Test
    void theUrlsWrittenIntoAnIssuedCertificateShouldBeServed() throws Exception {
        repository.lifecycle().createCa(ACME, CaSettings.defaults(base), "test");
        IssuedKey issued = repository.lifecycle().issue(ACME, KeyKind.SMIME, dev.tresor.keys.EmailAddress.of(ALICE),
            Optional.empty(), "test");
        X509Certificate certificate = repository.certificates()
            .get(ACME, dev.tresor.keys.Fingerprint.of(issued.fingerprint())).orElseThrow().certificate();

        String text = openssl("x509", "-noout", "-text", "-in", write("alice.pem", Certificates.toPem(List.of(certificate))));

        assertThat(text).contains(base + "/acme/ca.crl").contains(base + "/acme/ocsp").contains(base + "/acme/ca.crt");
        assertThat(get("/certificates/" + ALICE).statusCode()).isEqualTo(200);
    }

    @Test
    void opensslShouldVerifyTheOcspAnswersGoodThenRevoked() throws Exception {
        TenantCa ca = repository.lifecycle().createCa(ACME, CaSettings.defaults(base), "test");
        IssuedKey issued = repository.lifecycle().issue(ACME, KeyKind.SMIME, dev.tresor.keys.EmailAddress.of(ALICE),
            Optional.empty(), "test");
        X509Certificate certificate = repository.certificates()
            .get(ACME, dev.tresor.keys.Fingerprint.of(issued.fingerprint())).orElseThrow().certificate();
        String caFile = write("ca.pem", Certificates.toPem(List.of(ca.certificate())));
        String certificateFile = write("alice.pem", Certificates.toPem(List.of(certificate)));
        String requestFile = directory.resolve("request.der").toString();
        openssl("ocsp", "-issuer", caFile, "-cert", certificateFile, "-no_nonce", "-reqout", requestFile);
        byte[] request = Files.readAllBytes(Path.of(requestFile));

        assertThat(ocspStatus(post("/acme/ocsp", request), caFile, caFile, certificateFile)).contains(": good");

        repository.lifecycle().revoke(ACME, KeyKind.SMIME, issued.id(), RevocationReason.KEY_COMPROMISE, "test");
        String encoded = java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(request), StandardCharsets.UTF_8);
        assertThat(ocspStatus(get("/acme/ocsp/" + encoded), caFile, caFile, certificateFile))
            .contains(": revoked").contains("keyCompromise");
    }

    @Test
    void anIssuedOpenPgpKeyShouldBeServedByWkdAsOneKey() throws Exception {
        repository.lifecycle().createCa(BANK, CaSettings.defaults(base), "test");
        IssuedKey issued = repository.lifecycle().issue(BANK, KeyKind.OPENPGP, dev.tresor.keys.EmailAddress.of(BOB),
            Optional.empty(), "test");

        URI advanced = URI.create(wkdUrl(BOB));
        HttpResponse<byte[]> response = get(advanced.getRawPath() + "?" + advanced.getRawQuery());

        assertThat(response.statusCode()).isEqualTo(200);
        String listing = gpgShowsAddress(response.body());
        assertThat(listing.lines().filter(line -> line.startsWith("pub:"))).hasSize(1);
        assertThat(listing).contains(issued.id().toUpperCase(java.util.Locale.ROOT)).contains(BOB);
    }

    private String ocspStatus(HttpResponse<byte[]> response, String caFile, String issuerFile, String certificateFile)
        throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/ocsp-response");
        String responseFile = write("response-" + System.nanoTime() + ".der", response.body());
        return openssl("ocsp", "-respin", responseFile, "-CAfile", caFile, "-issuer", issuerFile, "-cert",
            certificateFile);
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Java's HTTP client sets the Host header itself: a plain socket sends the one a WKD client for a domain would. */
    private byte[] getWithHost(String path, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            return socket.getInputStream().readAllBytes();
        }
    }

    private static byte[] bodyOf(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int start = text.indexOf("\r\n\r\n") + 4;
        return java.util.Arrays.copyOfRange(response, start, response.length);
    }

    private HttpResponse<byte[]> post(String path, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/ocsp-request")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String write(String name, byte[] content) throws IOException {
        Path file = directory.resolve(name);
        Files.write(file, content);
        return file.toString();
    }

    private static X509Certificate x509(byte[] der) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static String wkdUrl(String address) throws Exception {
        return run(WKS_CLIENT, "--print-wkd-url", address).trim();
    }

    private String gpgShowsAddress(byte[] key) throws Exception {
        return run("gpg", "--homedir", Files.createTempDirectory(directory, "gnupg").toString(), "--batch",
            "--with-colons", "--import-options", "show-only", "--import", write("wkd-" + System.nanoTime(), key));
    }

    private static String openssl(String... arguments) throws Exception {
        String[] command = new String[arguments.length + 1];
        command[0] = "openssl";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        return run(command);
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + text).isZero();
        return text;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
