package dev.tresor.it.shipped;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.it.OpenSslIdentities;
import dev.tresor.it.SmtpSink;
import dev.tresor.it.shipped.ShippedServer.SmtpRoute;
import dev.tresor.keys.io.GnuPg;

/**
 * Zero-touch keys in the shipped server, driven from outside: a tenant CA created over WebAdmin, users who never
 * uploaded a key sending mail over SMTP, what leaves read at the sink and checked with openssl; renewal run as a James
 * task, revocation seen through the published CRL and the OCSP responder (openssl ocsp), the OpenPGP Web Key Directory
 * fetched at the path gpg-wks-client computes and imported by gpg. One server, tenant initech with users who have no keys.
 */
class KeyLifecycleShippedTest {
    private static final String DOMAIN = "initech.example";
    private static final String KIM = "kim@" + DOMAIN;
    private static final String LEE = "lee@" + DOMAIN;
    private static final String MAX = "max@" + DOMAIN;
    private static final String NOA = "noa@" + DOMAIN;
    private static final String OLA = "ola@" + DOMAIN;
    private static final String PASSWORD = "user secret";
    private static final String OUTSIDE = "ed@elsewhere.example";
    private static final String PARTNER = "bob@partner.example";
    private static final Pattern SERIAL = Pattern.compile("serial=([0-9A-F]+)");

    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    @TempDir
    static Path directory;

    private static OpenSslIdentities openssl;
    private static Path caCertificate;

    @BeforeAll
    static void createTenantWithItsCa() throws Exception {
        server.addDomain(DOMAIN);
        for (String user : List.of(KIM, LEE, MAX, NOA, OLA)) {
            server.addUser(user, PASSWORD);
        }
        server.webAdmin().put("/tresor/tenants/initech").then().statusCode(201);
        server.webAdmin().put("/tresor/tenants/initech/domains/" + DOMAIN).then().statusCode(204);
        server.webAdmin().body("{\"settings\":{\"autoIssueSmime\":\"true\",\"renewBeforeDays\":\"30\"}}")
            .put("/tresor/tenants/initech/ca").then().statusCode(201);
        caCertificate = directory.resolve("initech-ca.pem");
        Files.writeString(caCertificate, server.webAdmin().get("/tresor/tenants/initech/ca/certificate")
            .then().statusCode(200).extract().asString(), US_ASCII);
        openssl = new OpenSslIdentities(directory);
    }

    @Test
    void aNewUsersFirstMailShouldBeSignedWithAFreshCertificateOfTheTenantCaAndTheSecondReuseIt() throws Exception {
        SmtpSink.ReceivedMail first = submitAndAwait(KIM, "first mail of kim");
        SmtpSink.ReceivedMail second = submitAndAwait(KIM, "second mail of kim");

        Path signer = signerOf(first, "kim-first");
        assertThat(openssl.output("verify", "-purpose", "smimesign", "-CAfile", caCertificate.toString(), signer.toString()))
            .contains(": OK");
        assertThat(serialOf(signerOf(second, "kim-second"))).isEqualTo(serialOf(signer));
        assertThat(issued(KIM)).hasSize(1);
    }

    @Test
    void fiftyConcurrentFirstMailsOfOneSenderShouldMakeOneKey() throws Exception {
        String batch = UUID.randomUUID().toString();
        ExecutorService threads = Executors.newFixedThreadPool(10);
        try {
            List<Future<?>> submissions = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String subject = "lee " + batch + " #" + i;
                submissions.add(threads.submit(() -> {
                    server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, LEE, PASSWORD, List.of(OUTSIDE),
                        ShippedMail.plainText(LEE, OUTSIDE, subject, "One of fifty."));
                    return null;
                }));
            }
            for (Future<?> submission : submissions) {
                submission.get(2, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
        }

        Set<String> serials = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            serials.add(serialOf(signerOf(server.awaitRelayed("lee " + batch + " #" + i), "lee-" + i)));
        }
        assertThat(serials).hasSize(1);
        assertThat(issued(LEE)).hasSize(1);
    }

    @Test
    void aKeyTenDaysBeforeExpiryShouldBeRenewedThenSignAndMailToTheOldCertificateStillDecrypt() throws Exception {
        server.webAdmin().body("{\"kind\":\"smime\",\"addresses\":[\"" + MAX + "\"],\"validityDays\":10}")
            .post("/tresor/tenants/initech/issued").then().statusCode(201);
        Path oldCertificate = directory.resolve("max-old.pem");
        Files.writeString(oldCertificate, publication("/certificates/" + MAX).body(), US_ASCII);
        String oldSerial = serialOf(oldCertificate);

        String taskId = server.webAdmin().post("/tresor/lifecycle/renewals").then().statusCode(201)
            .extract().jsonPath().getString("taskId");
        server.webAdmin().get("/tasks/" + taskId + "/await").then().statusCode(200);

        List<Map<String, Object>> keys = issued(MAX);
        assertThat(keys).hasSize(2);
        assertThat(keys).anySatisfy(key -> {
            assertThat(key.get("id").toString().toUpperCase()).isEqualTo(oldSerial.replaceFirst("^0+", ""));
            assertThat(key.get("status")).isEqualTo("superseded");
        });
        String newSerial = serialOf(signerOf(submitAndAwait(MAX, "after the renewal"), "max-new"));
        assertThat(newSerial).isNotEqualTo(oldSerial);

        String subject = "to the old certificate " + UUID.randomUUID();
        Path content = directory.resolve("old-" + UUID.randomUUID() + ".txt");
        Files.writeString(content, "Content-Type: text/plain; charset=us-ascii\r\n\r\nSealed for the old key.\r\n", US_ASCII);
        Path encrypted = directory.resolve("old-" + UUID.randomUUID() + ".eml");
        openssl.run("cms", "-encrypt", "-aes256", "-recip", oldCertificate.toString(), "-crlfeol", "-from", PARTNER,
            "-to", MAX, "-subject", subject, "-in", content.toString(), "-out", encrypted.toString());
        server.sendToMxAccepted(SmtpRoute.MX_PLAIN, PARTNER, List.of(MAX), Files.readAllBytes(encrypted));

        assertThat(server.awaitImapMessageContaining(MAX, PASSWORD, "Sealed for the old key.")).contains(subject);
    }

    @Test
    void aRevokedCertificateShouldBeListedInThePublishedCrlAndAnsweredRevokedByOcsp() throws Exception {
        Path noa = signerOf(submitAndAwait(NOA, "noa before revocation"), "noa");
        Path ola = signerOf(submitAndAwait(OLA, "ola stays good"), "ola");
        String noaSerial = serialOf(noa);

        server.webAdmin().post("/tresor/tenants/initech/issued/smime/" + noaSerial + "?action=revoke&reason=key-compromise")
            .then().statusCode(200);

        Path crl = directory.resolve("initech.crl");
        Files.write(crl, publicationBytes("/initech/ca.crl"));
        String crlText = openssl.output("crl", "-inform", "DER", "-in", crl.toString(), "-noout", "-text",
            "-CAfile", caCertificate.toString());
        assertThat(crlText).contains("verify OK").contains(noaSerial.replaceFirst("^0+", "")).contains("Key Compromise")
            .doesNotContain(serialOf(ola).replaceFirst("^0+", ""));
        String ocspUrl = "http://127.0.0.1:" + server.port(ShippedServer.PUBLICATION) + "/initech/ocsp";
        assertThat(openssl.output("ocsp", "-issuer", caCertificate.toString(), "-cert", noa.toString(),
            "-cert", ola.toString(), "-url", ocspUrl, "-CAfile", caCertificate.toString()))
            .contains("Response verify OK").contains(noa + ": revoked").contains(ola + ": good");
    }

    @Test
    void anIssuedOpenPgpKeyShouldBeFoundInTheWebKeyDirectoryWhereGpgLooks() throws Exception {
        server.webAdmin().body("{\"autoIssuePgp\":\"true\"}").patch("/tresor/tenants/initech/ca/settings")
            .then().statusCode(200);
        server.webAdmin().body("{\"kind\":\"openpgp\",\"addresses\":[\"" + OLA + "\"]}")
            .post("/tresor/tenants/initech/issued").then().statusCode(201);

        URI advanced = URI.create(wksClient("--print-wkd-url", OLA).trim());
        assertThat(advanced.getHost()).isEqualTo("openpgpkey." + DOMAIN);
        RawResponse key = publication(advanced.getRawPath() + "?" + advanced.getRawQuery(), advanced.getHost());
        assertThat(key.statusCode()).isEqualTo(200);
        try (GnuPg gpg = new GnuPg(Files.createTempDirectory(directory, "wkd-gnupg"))) {
            gpg.importKeys(key.body());
            // one key: its primary key's fingerprint first (the issued id), then its subkey's
            String issuedId = issued(OLA).stream().filter(issued -> "openpgp".equals(issued.get("kind")))
                .map(issued -> issued.get("id").toString()).findFirst().orElseThrow();
            assertThat(gpg.fingerprints(OLA).get(0)).isEqualToIgnoringCase(issuedId);
        }
        String directPath = advanced.getRawPath().replace("/.well-known/openpgpkey/" + DOMAIN + "/", "/.well-known/openpgpkey/");
        assertThat(publication(directPath + "?" + advanced.getRawQuery(), DOMAIN).body()).isEqualTo(key.body());
        assertThat(publication(directPath + "?l=someone-else", DOMAIN).statusCode()).isEqualTo(404);
    }

    @Test
    void aUserShouldGetHerOwnKeysAsPkcs12ForHerMailClient() throws Exception {
        submitAndAwait(KIM, "kim has a key now");
        byte[] pkcs12 = server.webAdmin().body("{\"password\":\"for kim's client\",\"address\":\"" + KIM + "\"}")
            .post("/tresor/tenants/initech/keys/export").then().statusCode(200).extract().asByteArray();
        Path file = directory.resolve("kim.p12");
        Files.write(file, pkcs12);

        String contents = openssl.output("pkcs12", "-in", file.toString(), "-passin", "pass:for kim's client", "-nokeys");
        assertThat(contents).contains(KIM).doesNotContain(LEE);
    }

    // helpers

    private static SmtpSink.ReceivedMail submitAndAwait(String sender, String subjectPrefix) throws IOException {
        String subject = subjectPrefix + " " + UUID.randomUUID();
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, sender, PASSWORD, List.of(OUTSIDE),
            ShippedMail.plainText(sender, OUTSIDE, subject, "Signed by a key nobody uploaded."));
        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(new String(relayed.data(), US_ASCII)).contains("application/pkcs7-signature");
        return relayed;
    }

    /** The signer's certificate of an S/MIME signed mail, as openssl finds it (without judging it). */
    private static Path signerOf(SmtpSink.ReceivedMail mail, String name) throws Exception {
        Path eml = directory.resolve(name + "-" + UUID.randomUUID() + ".eml");
        Files.write(eml, mail.data());
        Path signer = directory.resolve(name + "-signer-" + UUID.randomUUID() + ".pem");
        openssl.run("cms", "-verify", "-noverify", "-in", eml.toString(), "-signer", signer.toString(), "-out", "/dev/null");
        return signer;
    }

    private static String serialOf(Path certificate) throws Exception {
        Matcher serial = SERIAL.matcher(openssl.output("x509", "-in", certificate.toString(), "-noout", "-serial"));
        assertThat(serial.find()).isTrue();
        return serial.group(1);
    }

    private static List<Map<String, Object>> issued(String address) {
        return server.webAdmin().get("/tresor/tenants/initech/issued?address=" + address).then().statusCode(200)
            .extract().jsonPath().getList("$");
    }

    private static HttpResponse<String> publication(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port(ShippedServer.PUBLICATION) + path))
            .timeout(Duration.ofSeconds(20)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString(US_ASCII));
    }

    private static byte[] publicationBytes(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port(ShippedServer.PUBLICATION) + path))
            .timeout(Duration.ofSeconds(20)).build();
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** A request as a partner's client sends it to the host the key directory is published for. */
    private static RawResponse publication(String pathAndQuery, String host) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port(ShippedServer.PUBLICATION))) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host
                + "\r\nConnection: close\r\n\r\n").getBytes(US_ASCII));
            byte[] raw = socket.getInputStream().readAllBytes();
            return RawResponse.parse(raw);
        }
    }

    private static String wksClient(String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Files.exists(Path.of("/usr/lib/gnupg/gpg-wks-client")) ? "/usr/lib/gnupg/gpg-wks-client" : "gpg-wks-client");
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /** One HTTP/1.1 response read off a socket: enough for a request with a Host header of our choosing. */
    private static final class RawResponse {
        private final int status;
        private final byte[] body;

        private RawResponse(int status, byte[] body) {
            this.status = status;
            this.body = body;
        }

        static RawResponse parse(byte[] raw) {
            String text = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
            int headerEnd = text.indexOf("\r\n\r\n");
            String head = text.substring(0, headerEnd);
            byte[] rest = java.util.Arrays.copyOfRange(raw, headerEnd + 4, raw.length);
            if (head.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                rest = dechunk(rest);
            }
            return new RawResponse(Integer.parseInt(head.split(" ")[1]), rest);
        }

        private static byte[] dechunk(byte[] chunked) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            int position = 0;
            while (true) {
                int lineEnd = position;
                while (chunked[lineEnd] != '\r') {
                    lineEnd++;
                }
                int size = Integer.parseInt(new String(chunked, position, lineEnd - position, US_ASCII).split(";")[0].trim(), 16);
                if (size == 0) {
                    return out.toByteArray();
                }
                out.write(chunked, lineEnd + 2, size);
                position = lineEnd + 2 + size + 2;
            }
        }

        int statusCode() {
            return status;
        }

        byte[] body() {
            return body;
        }
    }
}
