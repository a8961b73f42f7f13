package dev.tresor.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLContext;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.tresor.distribution.ServerTlsIdentity;

/**
 * The drop-in bundle in an unmodified Apache James 3.8.1 memory server, whose class path carries Bouncy Castle 1.70
 * (jdk15on): James runs in a JVM of its own, started exactly as a stock installation starts, with the bundle in
 * {@code extensions-jars/} and Tresor's hook, matcher and mailet in its configuration. Mail is submitted over SMTP
 * and relayed to an SMTP sink on loopback, where the test reads what James made of it.
 */
class StockJamesBundleTest {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final String STARTED_LOG_LINE = "JAMES server started";
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ more)");
    private static final String TLS_HEADER = "X-Tresor-Inbound-TLS";
    private static final String SIGNATURE_HEADER = "X-Tresor-Signature";
    private static final String BUNDLE_NAME = "tresor-james-extension.jar";
    private static final String RELOCATED_BOUNCY_CASTLE = "dev.tresor.internal.bouncycastle.";
    private static final String SENDER = "alice@client.test";
    private static final String RECIPIENT = "bob@remote.test";

    private static Path stockJames;
    private static Path workingDirectory;
    private static Path serverOutput;
    private static SmtpSink sink;
    private static Process james;
    private static int smtpPort;
    private static int webAdminPort;
    private static int publicationPort;
    private static SSLContext trustingTheServerCertificate;

    @BeforeAll
    static void startStockJamesWithTheBundleRelayingToASink() throws Exception {
        stockJames = Path.of(System.getProperty("tresor.stock-james.directory", "target/stock-james")).toAbsolutePath();
        assertThat(stockJames.resolve("lib")).as("stock James class path (built in generate-test-resources)")
            .isDirectory();
        assertThat(stockJames.resolve("extensions-jars").resolve(BUNDLE_NAME)).isRegularFile();

        Path target = stockJames.getParent();
        workingDirectory = Files.createTempDirectory(target, "stock-james-wd-");
        serverOutput = target.resolve("stock-james-server.log");

        sink = new SmtpSink();
        sink.start();
        smtpPort = LoopbackPorts.free();
        webAdminPort = LoopbackPorts.free();
        publicationPort = LoopbackPorts.free();

        Path conf = workingDirectory.resolve("conf");
        copyConfiguration(conf, smtpPort, sink.port());
        copyDirectory(stockJames.resolve("extensions-jars"), workingDirectory.resolve("extensions-jars"));
        ServerTlsIdentity identity = new ServerTlsIdentity(
            conf.resolve("tls/server-key.pem"), conf.resolve("tls/server-cert.pem"));
        assertThat(identity.provisionIfMissing()).isTrue();
        trustingTheServerCertificate = TestTls.trusting(identity.certificateFile());
        Path hosts = writeLoopbackOnlyHostsFile(workingDirectory.resolve("hosts"));

        james = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-cp", stockJames.resolve("lib") + "/*",
            "-Dworking.directory=" + workingDirectory,
            "-Dlogback.configurationFile=" + conf.resolve("logback.xml"),
            // host names come from this file only: the JVM never asks a DNS server
            "-Djdk.net.hosts.file=" + hosts,
            "org.apache.james.MemoryJamesServerMain")
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(serverOutput.toFile())
            .start();
        awaitStartup();
    }

    @AfterAll
    static void stopJamesAndTheSink() throws InterruptedException {
        if (james != null) {
            james.destroy();
            if (!james.waitFor(20, TimeUnit.SECONDS)) {
                james.destroyForcibly();
                james.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (sink != null) {
            sink.stop();
        }
    }

    @Test
    void mailSubmittedWithStartTlsIsRelayedMarkedAsReceivedOverTls() throws Exception {
        // given a mail and a client that refuses to go on without STARTTLS, trusting only the server's certificate
        String token = uniqueToken();

        // when it is submitted to the stock James
        submit(token, true, Collections.emptyList());

        // then the relayed copy carries the header the ReceivedOverTls matcher lets MarkInboundTls add
        MimeMessage relayed = relayedCopyOf(token);
        assertThat(relayed.getHeader(TLS_HEADER)).as(serverLogTail()).containsExactly("yes");
    }

    @Test
    void mailSubmittedInClearTextIsRelayedWithoutTheTlsMark() throws Exception {
        // given a mail submitted without STARTTLS
        String token = uniqueToken();

        // when it is submitted to the stock James
        submit(token, false, Collections.emptyList());

        // then it is relayed, unmarked
        MimeMessage relayed = relayedCopyOf(token);
        assertThat(relayed.getHeader(TLS_HEADER)).as(serverLogTail()).isNull();
    }

    @Test
    void forgedTresorHeadersInClearTextMailAreStrippedAndNotAddedAgain() throws Exception {
        // given a clear-text mail claiming TLS and a valid signature, and a header that is none of Tresor's business
        String token = uniqueToken();
        List<String[]> headers = List.of(
            new String[] {TLS_HEADER, "yes"},
            new String[] {SIGNATURE_HEADER, "valid"},
            new String[] {"X-Untouched", "kept"});

        // when it is submitted to the stock James
        submit(token, false, headers);

        // then the forged verdicts are gone, and the rest of the header is as it was sent
        MimeMessage relayed = relayedCopyOf(token);
        assertThat(relayed.getHeader(TLS_HEADER)).as(serverLogTail()).isNull();
        assertThat(relayed.getHeader(SIGNATURE_HEADER)).as(serverLogTail()).isNull();
        assertThat(relayed.getHeader("X-Untouched")).containsExactly("kept");
    }

    @Test
    void stockClassPathCarriesBouncyCastle170AndNoTresorWhileTheBundleCarriesOnlyRelocatedBouncyCastle()
        throws IOException {
        // given the stock James class path and the bundle
        Path lib = stockJames.resolve("lib");
        List<String> stockJars;
        try (Stream<Path> files = Files.list(lib)) {
            stockJars = files.map(file -> file.getFileName().toString()).sorted().collect(Collectors.toList());
        }

        // then James brings its own, older Bouncy Castle, and nothing of Tresor
        assertThat(stockJars).contains("bcprov-jdk15on-1.70.jar", "bcpkix-jdk15on-1.70.jar")
            .noneMatch(name -> name.contains("jdk18on"))
            .noneMatch(name -> name.contains("tresor"));
        for (String jar : stockJars) {
            assertThat(entriesOf(lib.resolve(jar))).as(jar).noneMatch(entry -> entry.startsWith("dev/tresor/"));
        }
        // and the bundle brings Tresor and a Bouncy Castle that cannot collide with James's
        List<String> bundleEntries = entriesOf(stockJames.resolve("extensions-jars").resolve(BUNDLE_NAME));
        assertThat(bundleEntries)
            .contains("dev/tresor/smtp/RecordInboundTlsHook.class",
                "dev/tresor/matchers/ReceivedOverTls.class",
                "dev/tresor/mailets/StripTresorHeaders.class",
                "dev/tresor/internal/bouncycastle/jce/provider/BouncyCastleProvider.class")
            .noneMatch(entry -> entry.startsWith("org/bouncycastle/"));
    }

    @Test
    void relocatedBouncyCastleWorksBesideBouncyCastle170LoadedParentFirst() throws Exception {
        // given the bundle in a child class loader whose parent holds Bouncy Castle 1.70
        withTheBundleBelowTheStockClassPath((jamesClassPath, extensions) -> {
            // when both providers are loaded through the extension class loader
            Provider relocated = newProvider(extensions, RELOCATED_BOUNCY_CASTLE + "jce.provider.BouncyCastleProvider");
            Provider original = newProvider(extensions, "org.bouncycastle.jce.provider.BouncyCastleProvider");

            // then the original name resolves parent-first to James's 1.70: what an unrelocated bundle would get
            assertThat(original.getClass().getClassLoader()).isSameAs(jamesClassPath);
            // (1.70 declares its version as the double 1.70, so getVersionStr() says "1.7"; its info names it exactly)
            assertThat(original.getInfo()).isEqualTo("BouncyCastle Security Provider v1.70");
            // and the relocated one is ours, 1.85, from the bundle
            assertThat(relocated.getClass().getClassLoader()).isSameAs(extensions);
            assertThat(relocated.getVersionStr()).startsWith("1.85");
            // and every algorithm it registers is implemented by relocated classes (string constants relocated too)
            assertThat(relocated.getServices()).isNotEmpty()
                .allSatisfy(service -> assertThat(service.getClassName())
                    .as(service.getType() + "." + service.getAlgorithm())
                    .startsWith(RELOCATED_BOUNCY_CASTLE));
            assertThat(spiClassLoader(relocated, "MessageDigest", "SHA-256")).isSameAs(extensions);
            assertThat(spiClassLoader(relocated, "Signature", "Ed25519")).isSameAs(extensions);

            // and it works
            byte[] data = "Tresor in a stock James".getBytes(UTF_8);
            assertThat(MessageDigest.getInstance("SHA-256", relocated).digest(data))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            KeyPair keyPair = KeyPairGenerator.getInstance("Ed25519", relocated).generateKeyPair();
            Signature signer = Signature.getInstance("Ed25519", relocated);
            signer.initSign(keyPair.getPrivate());
            signer.update(data);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("Ed25519", relocated);
            verifier.initVerify(keyPair.getPublic());
            verifier.update(data);
            assertThat(verifier.verify(signature)).isTrue();
            verifier.initVerify(keyPair.getPublic());
            verifier.update("Tresor in a stock James!".getBytes(UTF_8));
            assertThat(verifier.verify(signature)).isFalse();
        });
    }

    @Test
    void theBundlesNativeRsaLoadsInAnExtensionClassLoaderAndSignsAsTheJdkDoes() throws Exception {
        // given the bundle in a class loader below the stock class path
        withTheBundleBelowTheStockClassPath((jamesClassPath, extensions) -> {
            // when Amazon Corretto Crypto Provider, which SignSmime signs RSA with, is loaded from the bundle
            Class<?> accpClass = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider",
                true, extensions);
            Provider accp = (Provider) accpClass.getField("INSTANCE").get(null);

            // then it is the bundle's, under its own name, and its native library loaded (Linux x86-64 only)
            assertThat(accp.getClass().getClassLoader()).isSameAs(extensions);
            if (System.getProperty("os.arch").equals("amd64")) {
                assertThat(accpClass.getMethod("getLoadingError").invoke(accp)).isNull();
                // and its RSA signature is the JDK's, byte for byte (PKCS#1 v1.5 is deterministic)
                KeyPair keyPair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
                java.security.PrivateKey nativeKey = (java.security.PrivateKey)
                    java.security.KeyFactory.getInstance("RSA", accp).translateKey(keyPair.getPrivate());
                byte[] data = "Tresor in a stock James".getBytes(UTF_8);
                Signature nativeSigner = Signature.getInstance("SHA256withRSA", accp);
                nativeSigner.initSign(nativeKey);
                nativeSigner.update(data);
                Signature jdkSigner = Signature.getInstance("SHA256withRSA");
                jdkSigner.initSign(keyPair.getPrivate());
                jdkSigner.update(data);
                assertThat(nativeSigner.sign()).isEqualTo(jdkSigner.sign());
            }
        });
    }

    /** What runs with the bundle in a class loader below the stock class path's Bouncy Castle 1.70. */
    private interface WithClassLoaders {
        void run(URLClassLoader jamesClassPath, URLClassLoader extensions) throws Exception;
    }

    /** Loads the bundle as James loads an extension: a child of the class loader holding James's class path. */
    private static void withTheBundleBelowTheStockClassPath(WithClassLoaders body) throws Exception {
        URL bouncyCastle170 = stockJames.resolve("lib/bcprov-jdk15on-1.70.jar").toUri().toURL();
        URL bundle = stockJames.resolve("extensions-jars").resolve(BUNDLE_NAME).toUri().toURL();
        try (URLClassLoader jamesClassPath = new URLClassLoader(new URL[] {bouncyCastle170},
                ClassLoader.getPlatformClassLoader());
             URLClassLoader extensions = new URLClassLoader(new URL[] {bundle}, jamesClassPath)) {
            body.run(jamesClassPath, extensions);
        }
    }

    @Test
    void theKeyRepositoryModuleOfTheBundleServesItsRoutesAndHealthCheck() throws Exception {
        // given a partner certificate made by openssl
        Path certificate = partnerCertificate("john.smith@partner.example");

        // when a tenant is created and the certificate imported through WebAdmin
        assertThat(http("PUT", "/tresor/tenants/acme", null).statusCode()).isEqualTo(201);
        HttpResponse<String> imported = http("POST", "/tresor/tenants/acme/certificates", Files.readAllBytes(certificate));

        // then the stock James, with its Bouncy Castle 1.70, stored and finds it through the bundle's relocated one
        assertThat(imported.statusCode()).as(imported.body() + serverLogTail()).isEqualTo(201);
        HttpResponse<String> lookup = http("GET", "/tresor/tenants/acme/lookup?address=John.Smith@Partner.Example", null);
        assertThat(lookup.statusCode()).isEqualTo(200);
        assertThat(lookup.body()).contains("john.smith@partner.example");
        assertThat(http("GET", "/tresor/tenants/other/lookup?address=john.smith@partner.example", null).statusCode())
            .isEqualTo(404);
        assertThat(http("GET", "/healthcheck", null).body()).contains("Tresor key repository");
        assertThat(workingDirectory.resolve("var/tresor/keys.mv.db")).isRegularFile();
    }

    @Test
    void theKeyLifecycleOfTheBundleStartsItsPublicationServerAndRunsRenewalsAsJamesTasks() throws Exception {
        // given a tenant with a CA of its own, made through the bundle's WebAdmin routes
        assertThat(http("PUT", "/tresor/tenants/initech", null).statusCode()).isEqualTo(201);
        HttpResponse<String> ca = http("PUT", "/tresor/tenants/initech/ca", "{}".getBytes(UTF_8));
        assertThat(ca.statusCode()).as(ca.body() + serverLogTail()).isEqualTo(201);

        // then the publication server, started by the bundle's startable, publishes its certificate and CRL
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<byte[]> certificate = client.send(HttpRequest.newBuilder(
            java.net.URI.create("http://127.0.0.1:" + publicationPort + "/initech/ca.crt")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(certificate.statusCode()).as(serverLogTail()).isEqualTo(200);
        assertThat(certificate.headers().firstValue("Content-Type")).hasValue("application/pkix-cert");
        assertThat(client.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + publicationPort
            + "/initech/ca.crl")).build(), HttpResponse.BodyHandlers.ofByteArray()).statusCode()).isEqualTo(200);

        // and a renewal runs as a James task whose details James's /tasks shows through the bundle's task extension
        HttpResponse<String> renewal = http("POST", "/tresor/lifecycle/renewals", null);
        assertThat(renewal.statusCode()).as(renewal.body() + serverLogTail()).isEqualTo(201);
        java.util.regex.Matcher taskId = Pattern.compile("\"taskId\"\\s*:\\s*\"([0-9a-f-]+)\"").matcher(renewal.body());
        assertThat(taskId.find()).as(renewal.body()).isTrue();
        HttpResponse<String> task = http("GET", "/tasks/" + taskId.group(1) + "/await?timeout=60s", null);
        assertThat(task.statusCode()).isEqualTo(200);
        assertThat(task.body()).as(task.body()).contains("\"status\":\"completed\"").contains("\"additionalInformation\"")
            .contains("\"type\":\"tresor-key-renewal\"").contains("\"failures\":[]");
    }

    @Test
    void pdfWrapFromTheBundleWrapsMailToAPartnerWithAPdfPassword() throws Exception {
        // given the sender's tenant and a password it agreed with a partner, set through the bundle's WebAdmin routes
        assertThat(http("PUT", "/tresor/tenants/client", null).statusCode()).isEqualTo(201);
        assertThat(http("PUT", "/tresor/tenants/client/domains/client.test", null).statusCode()).isEqualTo(204);
        HttpResponse<String> password = http("PUT", "/tresor/tenants/client/pdf-passwords/carol@remote.test",
            "{\"password\":\"agreed with carol\"}".getBytes(UTF_8));
        assertThat(password.statusCode()).as(password.body()).isEqualTo(204);
        String token = uniqueToken();

        // when mail to that partner goes through the stock James
        submit(token, false, Collections.emptyList(), "carol@remote.test");

        // then it leaves as a PDF that PDFBox, from the bundle, wrote and locked with the agreed password
        SmtpSink.ReceivedMail relayed = sink.awaitMailWithSubject(token);
        assertThat(relayed.envelopeRecipients()).containsExactly("carol@remote.test");
        assertThat(relayed.message().getHeader("X-Tresor-Protection")).as(serverLogTail()).containsExactly("pdf");
        javax.mail.internet.MimeMultipart parts = (javax.mail.internet.MimeMultipart) relayed.message().getContent();
        Path pdf = workingDirectory.resolve("carol.pdf");
        try (java.io.InputStream in = parts.getBodyPart(1).getInputStream(); java.io.OutputStream out = Files.newOutputStream(pdf)) {
            in.transferTo(out); // javax.mail's base64 stream can end early for readAllBytes
        }
        assertThat(dev.tresor.pdf.PdfTools.succeed(workingDirectory, "pdftotext", "-upw", "agreed with carol", pdf.toString(), "-"))
            .contains("Sent by StockJamesBundleTest, " + token);
    }

    @Test
    void requireTlsFromTheBundleDeliversFromItsOwnQueueAndBouncesWhatCannotGoOverTls() throws Exception {
        // given a recipient domain that must only get mail over TLS and has no mail server RequireTls could reach
        String token = uniqueToken();

        // when mail to it goes through the stock James, whose injector gave RequireTls its MailQueueFactory
        submit(token, false, Collections.emptyList(), "dave@tls.test");

        // then RequireTls's delivery thread bounced it to the sender with the reason, and nothing went to the recipient
        SmtpSink.ReceivedMail dsn = Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
            .until(() -> sink.received().stream().filter(mail -> mail.envelopeRecipients().contains(SENDER)
                && new String(mail.data(), UTF_8).contains(token)).findFirst(), java.util.Optional::isPresent).get();
        assertThat(dsn.envelopeSender()).isNullOrEmpty();
        assertThat(new String(dsn.data(), UTF_8)).as(serverLogTail()).contains("dave@tls.test: ");
        assertThat(sink.received()).noneMatch(mail -> mail.envelopeRecipients().contains("dave@tls.test"));
    }

    private static HttpResponse<String> http(String method, String path, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + webAdminPort + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path partnerCertificate(String address) throws Exception {
        Path certificate = workingDirectory.resolve("partner.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-subj", "/CN=Partner", "-days", "30", "-addext", "subjectAltName=email:" + address,
            "-addext", "keyUsage=digitalSignature,keyAgreement", "-addext", "extendedKeyUsage=emailProtection",
            "-keyout", workingDirectory.resolve("partner.key").toString(), "-out", certificate.toString())
            .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes(), UTF_8);
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(output).isZero();
        return certificate;
    }

    // --- the stock James -----------------------------------------------------------------------------------------

    private static void awaitStartup() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!james.isAlive()) {
                throw new AssertionError("Stock James exited with status " + james.exitValue() + " while starting"
                    + serverLogTail());
            }
            if (serverLog().contains(STARTED_LOG_LINE) && accepts(smtpPort)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Stock James did not start within " + STARTUP_TIMEOUT + serverLogTail());
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String serverLog() throws IOException {
        return Files.exists(serverOutput) ? Files.readString(serverOutput, UTF_8) : "";
    }

    private static String serverLogTail() {
        try {
            List<String> lines = serverLog().lines()
                .filter(line -> !STACK_FRAME.matcher(line).lookingAt())
                .collect(Collectors.toList());
            return "\n--- last lines of " + serverOutput + ", stack frames left out ---\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "\n(cannot read " + serverOutput + ": " + e + ")";
        }
    }

    private static void copyConfiguration(Path conf, int smtpPort, int sinkPort) throws Exception {
        URL source = StockJamesBundleTest.class.getResource("/stock-james-conf");
        assertThat(source).as("stock-james-conf on the test class path").isNotNull();
        Files.createDirectories(conf);
        try (Stream<Path> files = Files.list(Path.of(source.toURI()))) {
            for (Path file : files.collect(Collectors.toList())) {
                String text = Files.readString(file, UTF_8)
                    .replace("@SMTP_PORT@", Integer.toString(smtpPort))
                    .replace("@SINK_PORT@", Integer.toString(sinkPort))
                    .replace("@WEBADMIN_PORT@", Integer.toString(webAdminPort))
                    .replace("@PUBLICATION_PORT@", Integer.toString(publicationPort));
                Files.writeString(conf.resolve(file.getFileName().toString()), text, UTF_8);
            }
        }
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.collect(Collectors.toList())) {
                Files.copy(file, to.resolve(file.getFileName().toString()));
            }
        }
    }

    /** The names James looks up at start (its own host name above all) resolve to loopback, nothing else resolves. */
    private static Path writeLoopbackOnlyHostsFile(Path file) throws IOException {
        String hostName;
        try {
            hostName = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // the JDK's message starts with the host name it could not resolve
            hostName = e.getMessage().split(":")[0].trim();
        }
        return Files.writeString(file, "127.0.0.1 localhost " + hostName + "\n", US_ASCII);
    }

    // --- SMTP client and sink --------------------------------------------------------------------------------------

    private static void submit(String token, boolean startTls, List<String[]> extraHeaders) throws MessagingException {
        submit(token, startTls, extraHeaders, RECIPIENT);
    }

    private static void submit(String token, boolean startTls, List<String[]> extraHeaders, String recipient) throws MessagingException {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", Integer.toString(smtpPort));
        properties.put("mail.smtp.localhost", "client.test");
        properties.put("mail.smtp.connectiontimeout", "10000");
        properties.put("mail.smtp.timeout", "10000");
        if (startTls) {
            properties.put("mail.smtp.starttls.enable", "true");
            properties.put("mail.smtp.starttls.required", "true");
            properties.put("mail.smtp.ssl.socketFactory", trustingTheServerCertificate.getSocketFactory());
        }
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(SENDER));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        message.setSubject(token);
        for (String[] header : extraHeaders) {
            message.addHeader(header[0], header[1]);
        }
        message.setText("Sent by StockJamesBundleTest, " + token, "UTF-8");
        Transport.send(message);
    }

    private static MimeMessage relayedCopyOf(String token) {
        SmtpSink.ReceivedMail relayed = sink.awaitMailWithSubject(token);
        assertThat(relayed.envelopeRecipients()).containsExactly(RECIPIENT);
        assertThat(relayed.envelopeSender()).isEqualTo(SENDER);
        return relayed.message();
    }

    private static String uniqueToken() {
        return "stock-james-" + UUID.randomUUID();
    }

    // --- class loading ---------------------------------------------------------------------------------------------

    private static Provider newProvider(ClassLoader loader, String className) throws ReflectiveOperationException {
        return (Provider) Class.forName(className, true, loader).getDeclaredConstructor().newInstance();
    }

    private static ClassLoader spiClassLoader(Provider provider, String type, String algorithm)
        throws NoSuchAlgorithmException {
        Provider.Service service = provider.getService(type, algorithm);
        assertThat(service).as(type + "." + algorithm + " in " + provider).isNotNull();
        return service.newInstance(null).getClass().getClassLoader();
    }

    private static List<String> entriesOf(Path jar) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(ZipEntry::getName).collect(Collectors.toList());
        }
    }
}
