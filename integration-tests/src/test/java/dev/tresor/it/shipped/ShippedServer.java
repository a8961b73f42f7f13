package dev.tresor.it.shipped;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;
import javax.net.ssl.SSLContext;

import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.tresor.distribution.ServerTlsIdentity;
import dev.tresor.distribution.webadmin.WebAdminSigningKey;
import dev.tresor.distribution.webadmin.WebAdminToken;
import dev.tresor.it.LoopbackPorts;
import dev.tresor.it.SmtpSink;
import dev.tresor.it.TestTls;
import dev.tresor.keys.TenantId;

/**
 * The assembled distribution ({@code james-distribution/target/tresor-server/}) started as the README starts it, with
 * {@code bin/tresor-server}, in a process of its own, and driven only from outside: SMTP, IMAP, WebAdmin and
 * {@code bin/tresor-process}. Register it with {@code @RegisterExtension static ShippedServer server = new ShippedServer();}:
 * one server per test class.
 *
 * <p>The server runs from a temporary home next to the build output: {@code bin/} and {@code conf/} copied from the
 * distribution, {@code lib/} a link to the distribution's own. In the copied {@code conf/} only what a test machine needs
 * is changed:
 * <ul>
 *     <li>every listener (SMTP, IMAP, POP3, LMTP, ManageSieve, WebAdmin, JMAP, JMX) binds to 127.0.0.1 on a free port;
 *         {@link #port(int)} maps the port the sample configuration names (25, 587, 993, 8000, ...) to the moved one;</li>
 *     <li>RemoteDelivery relays everything to an {@link SmtpSink} on loopback ({@link #sink()}), retrying within
 *         seconds; RequireTls delivers to the sink's port too, so no test mail ever leaves this machine.</li>
 * </ul>
 * {@code TRESOR_DATA} names a temporary data directory (the server keeps its state there once it honours the variable).
 * The TLS identity is the one the server generates on its first start; clients trust exactly that certificate.
 *
 * <p>{@link #stockJamesWithBundle()} runs the same sample configuration in a stock James 3.8.1 with the drop-in bundle.
 *
 * <p>The server's standard output and error go to {@code target/shipped-server/<test class>.log}; when it does not
 * start, the exception carries the log's tail. It is stopped with SIGTERM, then killed, after the class's tests, on a
 * failed start, and when the test JVM exits: no process is left behind.
 *
 * <p>For crash and load tests: {@link #relayingTo} another sink (e.g. one that keeps headers only and can hold
 * deliveries), {@link #withoutTresorMailets()} for the plain relay, {@link #kill()} ({@code kill -9}) and
 * {@link #restart()} on the same home and data directory.
 */
public final class ShippedServer implements BeforeAllCallback, AfterAllCallback {
    public static final int SMTP = 25;
    public static final int SUBMISSIONS = 465;
    public static final int SUBMISSION = 587;
    public static final int IMAP = 143;
    public static final int IMAPS = 993;
    public static final int WEBADMIN = 8000;
    /** Tresor's publication server (CRLs, OCSP, certificates, the OpenPGP Web Key Directory). */
    public static final int PUBLICATION = 8081;

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final int STOP_SECONDS = 30;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(STOP_SECONDS);
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(120);
    private static final String CLIENT_HOST_NAME = "client.partner.example";
    private static final List<String> LISTENER_FILES =
        List.of("smtpserver.xml", "imapserver.xml", "pop3server.xml", "lmtpserver.xml", "managesieveserver.xml");
    private static final Pattern BIND = Pattern.compile("<bind>\\s*([^<]*?):(\\d+)\\s*</bind>");
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ more)");

    /** What runs: the assembled distribution, or a stock James 3.8.1 with the drop-in bundle. */
    private enum Kind {
        DISTRIBUTION, STOCK_JAMES_WITH_BUNDLE
    }

    private final Kind kind;
    private final List<ConfigurationChange> configurationChanges = new ArrayList<>();
    private final SmtpSink sink;
    private final Map<Integer, Integer> ports = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Path home;
    private Path data;
    private Path log;
    private Process server;
    private Thread killOnExit;
    /** The certificate the test installed for a stock James, which generates none. */
    private Optional<Path> installedCertificate = Optional.empty();
    /** Files of {@code conf/} the test replaces, by name. */
    private final Map<String, String> configurationFiles = new LinkedHashMap<>();
    private boolean withoutTresorMailets;
    private String javaOptions = "-Xms64m -Xmx768m";
    private String adminToken;
    private final StringBuilder systemProperties = new StringBuilder();

    /** The assembled distribution, started with {@code bin/tresor-server}. */
    public ShippedServer() {
        this(Kind.DISTRIBUTION, new SmtpSink());
    }

    private ShippedServer(Kind kind, SmtpSink sink) {
        this.kind = kind;
        this.sink = sink;
    }

    /** The assembled distribution relaying to the given sink, e.g. {@link SmtpSink#countingMessageIds()} for load. */
    public static ShippedServer relayingTo(SmtpSink sink) {
        return new ShippedServer(Kind.DISTRIBUTION, sink);
    }

    /**
     * Before {@link #start}: the sample chain without any Tresor mailet or matcher (each {@code <mailet>} whose class or
     * condition is one of ours is left out), the plain relay a benchmark compares Tresor's chain with.
     */
    public ShippedServer withoutTresorMailets() {
        this.withoutTresorMailets = true;
        return this;
    }

    /** Before {@link #start}: the server's {@code JAVA_OPTS} (tests default to {@code -Xms64m -Xmx768m}). */
    public ShippedServer javaOptions(String options) {
        this.javaOptions = options;
        return this;
    }

    /** Before {@link #start}: one more {@code -Dname=value} in the server's {@code JAVA_OPTS}. */
    public ShippedServer withSystemProperty(String name, String value) {
        systemProperties.append(" -D").append(name).append('=').append(value);
        return this;
    }

    /** A change a test makes to the server's copied {@code conf/} directory, after the test machine's own changes. */
    @FunctionalInterface
    public interface ConfigurationChange {
        void apply(Path conf) throws Exception;
    }

    /** Applies the change to the copied {@code conf/} before the first start; call before {@link #start(String)}. */
    public ShippedServer changingConfiguration(ConfigurationChange change) {
        configurationChanges.add(change);
        return this;
    }

    /**
     * An unmodified Apache James 3.8.1 memory server (its own class path, Bouncy Castle 1.70 included) started as a
     * stock installation starts, with the drop-in bundle installed as its README says ({@code extensions-jars/}, the
     * lines of its {@code conf/} snippets added to {@code extensions.properties}, {@code webadmin.properties} and
     * {@code healthcheck.properties}) and Tresor's sample configuration ({@code mailetcontainer.xml},
     * {@code smtpserver.xml}, ...) in its {@code conf/}. A stock James generates no TLS identity: the test writes the
     * self-signed pair the sample configuration names, as an operator would install a certificate.
     * {@link #process} is not available (the bundle has no CLI).
     */
    public static ShippedServer stockJamesWithBundle() {
        return new ShippedServer(Kind.STOCK_JAMES_WITH_BUNDLE, new SmtpSink());
    }

    /**
     * Replaces {@code conf/<name>} of the home with {@code content} before the server starts (a node's
     * {@code keyrepository.properties}, say); the ports are moved afterwards as in every home.
     */
    public ShippedServer withConfigurationFile(String name, String content) {
        configurationFiles.put(name, content);
        return this;
    }

    /** The distribution as the build assembled it. */
    public static Path distributionDirectory() {
        Path directory = assembled("tresor.distribution.directory", "../james-distribution/target/tresor-server");
        if (!Files.isExecutable(directory.resolve("bin/tresor-server"))) {
            throw new IllegalStateException(directory + "/bin/tresor-server does not exist: assemble the distribution first"
                + " (mvn -B -o -q -DskipTests package -pl james-distribution -am)");
        }
        return directory;
    }

    /** The drop-in bundle as the build assembled it (the content of tresor-james-extension.zip). */
    public static Path bundleDirectory() {
        Path directory = assembled("tresor.bundle.directory", "../james-distribution/target/tresor-james-extension");
        if (!Files.isDirectory(directory.resolve("extensions-jars"))) {
            throw new IllegalStateException(directory + "/extensions-jars does not exist: assemble the bundle first"
                + " (mvn -B -o -q -DskipTests package -pl james-distribution -am)");
        }
        return directory;
    }

    /** A stock James 3.8.1 class path, resolved by integration-tests' generate-test-resources phase. */
    private static Path stockJamesLib() {
        Path lib = assembled("tresor.stock-james.directory", "target/stock-james").resolve("lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " does not exist: run integration-tests' generate-test-resources phase");
        }
        return lib;
    }

    private static Path assembled(String property, String fallback) {
        return Path.of(System.getProperty(property, fallback)).toAbsolutePath().normalize();
    }

    private static Path buildDirectory() {
        return Path.of(System.getProperty("tresor.build.directory", "target")).toAbsolutePath();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Prepares a home and starts the server from it; returns once WebAdmin's health check says healthy. */
    public void start(String name) throws Exception {
        sink.start();
        adminToken = null;
        try {
            Path output = Files.createDirectories(buildDirectory().resolve("shipped-server"));
            home = Files.createTempDirectory(output, name + "-home-");
            data = Files.createTempDirectory(output, name + "-data-");
            log = output.resolve(name + ".log");
            Files.deleteIfExists(log);
            prepareHome(distributionDirectory());
            launch();
            awaitHealthy();
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    /** SIGTERM, then SIGKILL after a timeout; stops the sink. Safe to call twice. */
    public void stop() {
        try {
            stopServer();
        } finally {
            sink.stop();
        }
    }

    private void stopServer() {
        try {
            if (server != null && server.isAlive() && !terminate()) {
                kill();
            }
        } finally {
            forgetServer();
        }
    }

    /**
     * SIGTERM, as {@code kill <pid>} or a service manager stops the server, and waits up to {@value #STOP_SECONDS} s
     * for it to exit; the sink keeps running. Returns whether it exited in that time (if not, it is still running).
     */
    public boolean terminate() {
        if (server == null || !server.isAlive()) {
            return true;
        }
        server.destroy();
        try {
            return server.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGKILL ({@code kill -9}) to the server's process and everything it started, as a crash; the sink keeps running. */
    public void kill() {
        if (server == null) {
            return;
        }
        server.descendants().forEach(ProcessHandle::destroyForcibly);
        server.destroyForcibly();
        try {
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The server " + server.pid() + " did not die of SIGKILL in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the server again from the same home, configuration and data directory and ports; returns once WebAdmin's
     * health check says healthy. A running server is first stopped normally (SIGTERM, as an init system stops it) and
     * must exit by itself within {@value #STOP_SECONDS} s; after {@link #terminate()} or {@link #kill()} it is just
     * started. Its output goes on in the same log; the sink keeps running.
     */
    public void restart() throws Exception {
        if (isRunning() && !terminate()) {
            throw new IllegalStateException("bin/tresor-server did not stop by itself within " + STOP_TIMEOUT + logTail());
        }
        forgetServer();
        try {
            launch();
            awaitHealthy();
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    private void forgetServer() {
        if (killOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException e) {
                // the JVM is already exiting: the hook runs anyway
            }
            killOnExit = null;
        }
    }

    /** The server's process id (the script execs java, so it is James's JVM). */
    public long pid() {
        return server.pid();
    }

    public boolean isRunning() {
        return server != null && server.isAlive();
    }

    // --- what the test sees ---------------------------------------------------------------------------------------

    /** The SMTP server on loopback that RemoteDelivery and RequireTls relay to. */
    public SmtpSink sink() {
        return sink;
    }

    /** The temporary copy of the distribution the server runs from. */
    public Path home() {
        return home;
    }

    /** The value of {@code TRESOR_DATA} for the server and {@code bin/tresor-process}. */
    public Path dataDirectory() {
        return data;
    }

    public Path log() {
        return log;
    }

    /** Every port the test moved a listener of the configuration to (SMTP, IMAP, ..., WebAdmin). */
    public java.util.Set<Integer> listenerPorts() {
        return java.util.Set.copyOf(ports.values());
    }

    /** The port a listener the sample configuration puts on {@code configuredPort} (25, 587, 8000, ...) listens on. */
    public int port(int configuredPort) {
        Integer port = ports.get(configuredPort);
        if (port == null) {
            throw new IllegalArgumentException("The sample configuration has no listener on " + configuredPort
                + "; listeners: " + ports.keySet());
        }
        return port;
    }

    /**
     * The certificate the server generated for itself on its first start: under {@code $TRESOR_DATA/tls/} once the
     * server keeps its state there, in {@code conf/tls/} of its home before; for a stock James, the one the test
     * installed where the sample configuration names it.
     */
    public Path tlsCertificate() {
        if (installedCertificate.isPresent()) {
            return installedCertificate.get();
        }
        return Stream.of(data.resolve("tls/server-cert.pem"), home.resolve("conf/tls/server-cert.pem"))
            .filter(Files::isRegularFile)
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("The server wrote no TLS certificate in " + data + "/tls or "
                + home + "/conf/tls"));
    }

    /** A TLS client context that trusts exactly the server's own certificate. */
    public SSLContext trustingTheServer() {
        return TestTls.trusting(tlsCertificate());
    }

    /** The last lines of the server's output, stack frames left out, for assertion messages. */
    public String logTail() {
        try {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, UTF_8).stream()
                .filter(line -> !STACK_FRAME.matcher(line).lookingAt())
                .collect(Collectors.toList()) : List.of();
            return "\n--- last lines of " + log + ", stack frames left out ---\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "\n(cannot read " + log + ": " + e + ")";
        }
    }

    // --- SMTP ---------------------------------------------------------------------------------------------------

    /** How a client reaches the server: the MX listener with or without STARTTLS, or submission with AUTH PLAIN. */
    public enum SmtpRoute {
        /** Port 25 in clear text. */
        MX_PLAIN(SMTP, false, false),
        /** Port 25 after STARTTLS. */
        MX_STARTTLS(SMTP, true, false),
        /** Port 587: STARTTLS, then AUTH. */
        SUBMISSION_STARTTLS(SUBMISSION, true, false),
        /** Port 465: implicit TLS, then AUTH. */
        SUBMISSIONS_IMPLICIT_TLS(SUBMISSIONS, false, true);

        final int configuredPort;
        final boolean startTls;
        final boolean implicitTls;

        SmtpRoute(int configuredPort, boolean startTls, boolean implicitTls) {
            this.configuredPort = configuredPort;
            this.startTls = startTls;
            this.implicitTls = implicitTls;
        }
    }

    /** The server's answer to the last command of a transaction (DATA's end, or the command it refused). */
    public static final class SmtpReply {
        private final String command;
        private final int code;
        private final String text;

        SmtpReply(String command, int code, String text) {
            this.command = command;
            this.code = code;
            this.text = text.trim();
        }

        public String command() {
            return command;
        }

        public int code() {
            return code;
        }

        public String text() {
            return text;
        }

        public boolean accepted() {
            return "DATA".equals(command) && SMTPReply.isPositiveCompletion(code);
        }

        @Override
        public String toString() {
            return command + " -> " + text;
        }
    }

    /** Sends the message's bytes as they are to the MX listener (port 25), without authentication. */
    public SmtpReply sendToMx(SmtpRoute route, String from, List<String> recipients, byte[] message) throws IOException {
        if (route != SmtpRoute.MX_PLAIN && route != SmtpRoute.MX_STARTTLS) {
            throw new IllegalArgumentException(route + " needs a user: use submit");
        }
        return transaction(route, Optional.empty(), "", from, recipients, message);
    }

    /** Submits the message's bytes as they are for an authenticated user, who is also the envelope sender. */
    public SmtpReply submit(SmtpRoute route, String user, String password, List<String> recipients, byte[] message)
        throws IOException {
        if (route != SmtpRoute.SUBMISSION_STARTTLS && route != SmtpRoute.SUBMISSIONS_IMPLICIT_TLS) {
            throw new IllegalArgumentException(route + " does not authenticate: use sendToMx");
        }
        return transaction(route, Optional.of(user), password, user, recipients, message);
    }

    /** Sends with the given route and throws unless the server accepted the mail. */
    public void sendToMxAccepted(SmtpRoute route, String from, List<String> recipients, byte[] message) throws IOException {
        requireAccepted(sendToMx(route, from, recipients, message));
    }

    public void submitAccepted(SmtpRoute route, String user, String password, List<String> recipients, byte[] message)
        throws IOException {
        requireAccepted(submit(route, user, password, recipients, message));
    }

    private void requireAccepted(SmtpReply reply) {
        if (!reply.accepted()) {
            throw new AssertionError("The server refused the mail: " + reply + logTail());
        }
    }

    private SmtpReply transaction(SmtpRoute route, Optional<String> user, String password, String from,
                                  List<String> recipients, byte[] message) throws IOException {
        // ISO-8859-1 maps every byte to one char and back: the message goes out byte for byte (dot-stuffed, bare LF
        // as CRLF, as SMTP requires)
        AuthenticatingSMTPClient client = new AuthenticatingSMTPClient(route.implicitTls, trustingTheServer());
        client.setConnectTimeout(10_000);
        client.setDefaultTimeout(60_000);
        try {
            client.connect(InetAddress.getLoopbackAddress(), port(route.configuredPort));
            client.setSoTimeout(60_000);
            if (!SMTPReply.isPositiveCompletion(client.getReplyCode())) {
                return reply("CONNECT", client);
            }
            if (!SMTPReply.isPositiveCompletion(client.ehlo(CLIENT_HOST_NAME))) {
                return reply("EHLO", client);
            }
            if (route.startTls) {
                if (!client.execTLS()) {
                    return reply("STARTTLS", client);
                }
                client.ehlo(CLIENT_HOST_NAME);
            }
            if (user.isPresent()) {
                try {
                    if (!client.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, user.get(), password)) {
                        return reply("AUTH", client);
                    }
                } catch (java.security.GeneralSecurityException e) {
                    throw new IOException("AUTH PLAIN needs no crypto, yet " + e, e);
                }
            }
            if (!client.setSender(from)) {
                return reply("MAIL FROM", client);
            }
            for (String recipient : recipients) {
                if (!client.addRecipient(recipient)) {
                    return reply("RCPT TO:<" + recipient + ">", client);
                }
            }
            Writer data = client.sendMessageData();
            if (data == null) {
                return reply("DATA", client);
            }
            data.write(new String(message, ISO_8859_1));
            data.close();
            client.completePendingCommand();
            SmtpReply reply = reply("DATA", client);
            client.logout();
            return reply;
        } finally {
            if (client.isConnected()) {
                client.disconnect();
            }
        }
    }

    private static SmtpReply reply(String command, AuthenticatingSMTPClient client) {
        return new SmtpReply(command, client.getReplyCode(), client.getReplyString());
    }

    // --- IMAP ---------------------------------------------------------------------------------------------------

    /** Every message in the user's INBOX, whole, read over IMAPS (port 993) as a mail client reads it. */
    public List<String> imapMessages(String user, String password) throws MessagingException, IOException {
        Properties properties = new Properties();
        properties.put("mail.imaps.host", "127.0.0.1");
        properties.put("mail.imaps.port", Integer.toString(port(IMAPS)));
        properties.put("mail.imaps.ssl.socketFactory", trustingTheServer().getSocketFactory());
        properties.put("mail.imaps.connectiontimeout", "10000");
        properties.put("mail.imaps.timeout", "30000");
        Store store = Session.getInstance(properties).getStore("imaps");
        store.connect(user, password);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                List<String> messages = new ArrayList<>();
                for (Message message : inbox.getMessages()) {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    message.writeTo(bytes);
                    messages.add(bytes.toString(UTF_8));
                }
                return messages;
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    /**
     * Waits (up to a minute) for a message in the user's INBOX that matches, e.g. one containing a unique subject.
     * Fails at once when a mail matching it lands in one of the sample chain's repositories instead
     * ({@link #stuckRepositories()}), with the reason James recorded.
     */
    public String awaitImapMessage(String user, String password, Predicate<String> matching) {
        List<String> found = new ArrayList<>();
        try {
            // IOException too: James's JPA mailbox can count a message that is being delivered at SELECT and then
            // answer "BAD FETCH failed. Invalid messageset" for it; a client reads it at its next poll, as this does
            Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsMatching(e -> e instanceof MessagingException || e instanceof IOException)
                .until(() -> {
                    found.clear();
                    imapMessages(user, password).stream().filter(matching).forEach(found::add);
                    if (found.isEmpty()) {
                        failIfStored(matching);
                    }
                    return !found.isEmpty();
                });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("No matching message for " + user + " within a minute" + logTail(), e);
        }
        return found.get(0);
    }

    public String awaitImapMessageContaining(String user, String password, String text) {
        return awaitImapMessage(user, password, message -> message.contains(text));
    }

    /**
     * Waits (up to half a minute) for a relayed mail with this subject at the sink, failing at once when the mail
     * lands in one of the sample chain's repositories instead, with the reason James recorded.
     */
    public SmtpSink.ReceivedMail awaitRelayed(String subject, Predicate<SmtpSink.ReceivedMail> matching) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    if (sink.received().stream().anyMatch(mail -> mail.subject().equals(subject) && matching.test(mail))) {
                        return true;
                    }
                    failIfStored(message -> message.contains(subject));
                    return false;
                });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("Nothing relayed with subject " + subject + " within 30 s; the sink has "
                + sink.received().stream().map(SmtpSink.ReceivedMail::subject).collect(Collectors.toList()) + logTail(), e);
        }
        return sink.received().stream().filter(mail -> mail.subject().equals(subject) && matching.test(mail))
            .findFirst().orElseThrow();
    }

    public SmtpSink.ReceivedMail awaitRelayed(String subject) {
        return awaitRelayed(subject, mail -> true);
    }

    /**
     * The repositories of the sample chain where mail ends that is neither delivered nor relayed; besides these, each
     * tenant's quarantine (var/mail/tresor-quarantine/&lt;tenant&gt;, see {@link #stuckRepositories()}).
     */
    public static final List<String> STUCK_REPOSITORIES = List.of("var/mail/error/", "var/mail/relay-denied/",
        "var/mail/address-error/", "var/mail/rrt-error/");
    public static final String TENANT_QUARANTINES = "var/mail/tresor-quarantine/";

    /** {@link #STUCK_REPOSITORIES} and every tenant quarantine that exists by now. */
    public List<String> stuckRepositories() {
        List<String> repositories = new ArrayList<>(STUCK_REPOSITORIES);
        webAdmin().get("/mailRepositories").then().statusCode(200).extract().jsonPath()
            .getList("repository", String.class).stream()
            .filter(path -> path.startsWith(TENANT_QUARANTINES))
            .forEach(repositories::add);
        return repositories;
    }

    /** Throws when a mail whose message matches is in one of {@link #stuckRepositories()}, naming where and why. */
    public void failIfStored(Predicate<String> matching) {
        for (String repository : stuckRepositories()) {
            for (String key : mailRepositoryKeys(repository)) {
                if (matching.test(new String(mailRepositoryMessage(repository, key), UTF_8))) {
                    throw new AssertionError("The mail landed in " + repository + ": "
                        + mailRepositoryMail(repository, key) + logTail());
                }
            }
        }
    }

    // --- WebAdmin -----------------------------------------------------------------------------------------------

    /**
     * A REST client for WebAdmin with an admin token (the sample configuration requires one), sending and accepting
     * JSON unless the test says otherwise.
     */
    public RequestSpecification webAdmin() {
        return webAdmin(adminToken());
    }

    /** A REST client for WebAdmin sending {@code token} as its bearer token. */
    public RequestSpecification webAdmin(String token) {
        return webAdminWithoutToken().header("Authorization", "Bearer " + token);
    }

    /** A REST client for WebAdmin that sends no token. */
    public RequestSpecification webAdminWithoutToken() {
        return RestAssured.given()
            .baseUri("http://127.0.0.1")
            .port(port(WEBADMIN))
            .contentType(ContentType.JSON)
            .accept(ContentType.JSON);
    }

    /** An admin token, minted once per start as {@link #token} mints it. */
    public String adminToken() {
        if (adminToken == null) {
            adminToken = token("admin");
        }
        return adminToken;
    }

    /**
     * A WebAdmin token as {@code bin/tresor-token ARGUMENTS} prints it ({@code admin}, {@code tenant acme}), run from
     * the home with the server's {@code TRESOR_DATA}. A stock James has no such script: there the token is signed
     * in-process with the key the test installed, as an operator would mint it with the tool of their choice.
     */
    public String token(String... arguments) {
        try {
            if (kind == Kind.STOCK_JAMES_WITH_BUNDLE) {
                return mintInProcess(arguments);
            }
            List<String> command = new ArrayList<>();
            command.add(home.resolve("bin/tresor-token").toString());
            command.addAll(List.of(arguments));
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
            builder.environment().put("TRESOR_DATA", data.toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), UTF_8).trim();
            String errors = new String(process.getErrorStream().readAllBytes(), UTF_8);
            if (!process.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + errors + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String mintInProcess(String... arguments) throws IOException {
        try {
            WebAdminSigningKey key = WebAdminSigningKey.configuredIn(home.resolve("conf"), home).orElseThrow();
            WebAdminToken tokens = new WebAdminToken(key.privateKey(), java.time.Clock.systemUTC());
            Duration validity = Duration.ofHours(4);
            if (arguments.length == 1 && arguments[0].equals("admin")) {
                return tokens.admin("admin", validity);
            }
            if (arguments.length == 2 && arguments[0].equals("tenant")) {
                return tokens.tenant(TenantId.of(arguments[1]), arguments[1] + "-admin", validity);
            }
            throw new IllegalArgumentException("admin or tenant TENANT, not " + List.of(arguments));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public void addDomain(String domain) {
        webAdmin().put("/domains/" + domain).then().statusCode(204);
    }

    public void addUser(String address, String password) {
        webAdmin().body("{\"password\":\"" + password + "\"}").put("/users/" + address).then().statusCode(204);
    }

    /** The keys of the mails in a repository, e.g. {@code var/mail/tresor-quarantine/}. */
    public List<String> mailRepositoryKeys(String repositoryPath) {
        io.restassured.response.Response response = webAdmin().get("/mailRepositories/" + encode(repositoryPath) + "/mails");
        if (response.statusCode() == 404) {
            return List.of(); // created on first use
        }
        return response.then().statusCode(200).extract().jsonPath().getList("", String.class);
    }

    /** One mail of a repository as WebAdmin details it (name, sender, recipients, state, error, attributes...). */
    public String mailRepositoryMail(String repositoryPath, String key) {
        return webAdmin().queryParam("additionalFields", "attributes,headers")
            .get("/mailRepositories/" + encode(repositoryPath) + "/mails/" + encode(key))
            .then().statusCode(200).extract().asString();
    }

    /** The whole message of one mail in a repository, as bytes. */
    public byte[] mailRepositoryMessage(String repositoryPath, String key) {
        return webAdmin().accept("message/rfc822")
            .get("/mailRepositories/" + encode(repositoryPath) + "/mails/" + encode(key))
            .then().statusCode(200).extract().asByteArray();
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, UTF_8).replace("+", "%20");
    }

    // --- bin/tresor-process -------------------------------------------------------------------------------------

    /** What {@code bin/tresor-process} did: its exit status, standard output and standard error. */
    public static final class ProcessOutcome {
        private final int exitCode;
        private final byte[] stdout;
        private final String stderr;

        ProcessOutcome(int exitCode, byte[] stdout, String stderr) {
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        public int exitCode() {
            return exitCode;
        }

        public byte[] stdout() {
            return stdout.clone();
        }

        public String stdoutText() {
            return new String(stdout, UTF_8);
        }

        public String stderr() {
            return stderr;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stderr ---\n" + stderr;
        }
    }

    /**
     * Runs {@code bin/tresor-process} of the server's home with the same {@code TRESOR_DATA}, the message on standard
     * input. With the embedded H2 key database it refuses to run while the server runs: {@link #stop()} first.
     */
    public ProcessOutcome process(byte[] stdin, String... arguments) throws IOException, InterruptedException {
        if (kind != Kind.DISTRIBUTION) {
            throw new IllegalStateException("Only the distribution has bin/tresor-process");
        }
        Path input = Files.write(Files.createTempFile(home, "process-in", ".eml"), stdin);
        Path output = Files.createTempFile(home, "process-out", ".eml");
        Path errors = Files.createTempFile(home, "process-err", ".txt");
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/tresor-process").toString());
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(home.toFile())
            .redirectInput(input.toFile())
            .redirectOutput(output.toFile())
            .redirectError(errors.toFile());
        builder.environment().put("TRESOR_DATA", data.toString());
        Process process = builder.start();
        try {
            if (!process.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(String.join(" ", command) + " did not finish in " + PROCESS_TIMEOUT);
            }
            return new ProcessOutcome(process.exitValue(), Files.readAllBytes(output), Files.readString(errors, UTF_8));
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(input);
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }

    // --- the home and the process -------------------------------------------------------------------------------

    private void prepareHome(Path distribution) throws Exception {
        Path conf = home.resolve("conf");
        copyTree(distribution.resolve("conf"), conf);
        if (kind == Kind.DISTRIBUTION) {
            copyTree(distribution.resolve("bin"), home.resolve("bin"));
            Files.createSymbolicLink(home.resolve("lib"), distribution.resolve("lib"));
        } else {
            installBundle(bundleDirectory(), home);
        }
        for (Map.Entry<String, String> file : configurationFiles.entrySet()) {
            Files.writeString(conf.resolve(file.getKey()), file.getValue(), UTF_8);
        }

        List<ServerSocket> reserved = new ArrayList<>();
        try {
            for (String file : LISTENER_FILES) {
                moveBinds(conf.resolve(file), reserved);
            }
            int webAdmin = reserve(reserved);
            ports.put(WEBADMIN, webAdmin);
            ShippedConfiguration.setProperties(conf.resolve("webadmin.properties"),
                Map.of("port", Integer.toString(webAdmin), "host", "127.0.0.1"));
            int publication = reserve(reserved);
            ports.put(PUBLICATION, publication);
            ShippedConfiguration.setProperties(conf.resolve("keyrepository.properties"), Map.of(
                "publication.port", Integer.toString(publication), "publication.bind", "127.0.0.1",
                "publication.url", "http://127.0.0.1:" + publication));
            int jmap = reserve(reserved);
            ShippedConfiguration.setProperties(conf.resolve("jmap.properties"), Map.of("jmap.port", Integer.toString(jmap)));
            // the sample conf opens no JMX port (checked); should one enable it, it gets a free loopback port too
            int jmx = reserve(reserved);
            ShippedConfiguration.setProperties(conf.resolve("jmx.properties"),
                Map.of("jmx.address", "127.0.0.1", "jmx.port", Integer.toString(jmx)));
        } finally {
            for (ServerSocket socket : reserved) {
                socket.close();
            }
        }
        ShippedConfiguration.relayTo(conf.resolve("mailetcontainer.xml"), sink.port());
        if (withoutTresorMailets) {
            ShippedConfiguration.removeTresorMailets(conf.resolve("mailetcontainer.xml"));
        }
        for (ConfigurationChange change : configurationChanges) {
            change.apply(conf);
        }
        if (kind == Kind.STOCK_JAMES_WITH_BUNDLE) {
            ShippedConfiguration.useMemoryMailRepositories(conf);
            for (ServerTlsIdentity identity : ServerTlsIdentity.configuredIn(home)) {
                identity.provisionIfMissing();
                installedCertificate = Optional.of(identity.certificateFile());
            }
            // the operator's part: the public key that webadmin.properties makes James verify tokens with
            Optional<WebAdminSigningKey> signingKey = WebAdminSigningKey.configuredIn(conf, home);
            if (signingKey.isPresent()) {
                signingKey.get().provisionIfMissing();
            }
        }
    }

    /** What the bundle's README asks of an operator: the jar into extensions-jars/, its lines into three files. */
    private static void installBundle(Path bundle, Path home) throws IOException {
        copyTree(bundle.resolve("extensions-jars"), home.resolve("extensions-jars"));
        Path conf = home.resolve("conf");
        Properties lines = new Properties();
        for (String snippet : List.of("extensions.properties", "webadmin-healthcheck.properties")) {
            try (java.io.Reader in = Files.newBufferedReader(bundle.resolve("conf").resolve(snippet))) {
                lines.load(in);
            }
        }
        ShippedConfiguration.setProperties(conf.resolve("extensions.properties"),
            Map.of("guice.extension.module", lines.getProperty("guice.extension.module")));
        ShippedConfiguration.setProperties(conf.resolve("webadmin.properties"),
            Map.of("extensions.routes", lines.getProperty("extensions.routes")));
        ShippedConfiguration.setProperties(conf.resolve("healthcheck.properties"),
            Map.of("additional.healthchecks", lines.getProperty("additional.healthchecks")));
    }

    /** Rewrites every {@code <bind>host:port</bind>} to a free loopback port, remembering which port moved where. */
    private void moveBinds(Path file, List<ServerSocket> reserved) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        String xml = Files.readString(file, UTF_8);
        Matcher bind = BIND.matcher(xml);
        StringBuilder moved = new StringBuilder();
        while (bind.find()) {
            int configured = Integer.parseInt(bind.group(2));
            int free = reserve(reserved);
            ports.putIfAbsent(configured, free);
            bind.appendReplacement(moved, "<bind>127.0.0.1:" + free + "</bind>");
        }
        bind.appendTail(moved);
        Files.writeString(file, moved.toString(), UTF_8);
    }

    /** A free loopback port, held open until every port is chosen so that no two listeners get the same. */
    private static int reserve(List<ServerSocket> reserved) throws IOException {
        ServerSocket socket = LoopbackPorts.reserve();
        reserved.add(socket);
        return socket.getLocalPort();
    }

    private void launch() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(kind == Kind.DISTRIBUTION
            ? List.of(home.resolve("bin/tresor-server").toString())
            : stockJamesCommand())
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("TRESOR_DATA", data.toString());
        // the script's own default is -Xms256m -Xmx1g; tests share a small machine
        builder.environment().put("JAVA_OPTS", javaOptions + systemProperties);
        server = builder.start();
        Process started = server;
        killOnExit = new Thread(() -> {
            started.descendants().forEach(ProcessHandle::destroyForcibly);
            started.destroyForcibly();
        }, "kill shipped server " + server.pid());
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** How a stock James 3.8.1 memory server starts (its run script, without the script). */
    private List<String> stockJamesCommand() throws IOException {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms64m", "-Xmx768m",
            "-cp", stockJamesLib() + "/*",
            "-Dworking.directory=" + home,
            "-Dlogback.configurationFile=" + home.resolve("conf/logback.xml"),
            // host names come from this file only: the JVM never asks a DNS server
            "-Djdk.net.hosts.file=" + loopbackHostsFile(),
            "org.apache.james.MemoryJamesServerMain");
    }

    /** The names James looks up at start (its own host name above all) resolve to loopback, nothing else resolves. */
    private Path loopbackHostsFile() throws IOException {
        String hostName;
        try {
            hostName = InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            hostName = e.getMessage().split(":")[0].trim(); // the JDK's message starts with the name it could not resolve
        }
        return Files.writeString(home.resolve("hosts"), "127.0.0.1 localhost " + hostName + "\n", US_ASCII);
    }

    /** WebAdmin's {@code GET /healthcheck}, as a monitoring system asks it. */
    public HttpResponse<String> healthcheck() throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(WEBADMIN) + "/healthcheck"))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether the health check answered 200 with the overall status healthy. */
    public static boolean isHealthy(HttpResponse<String> health) {
        return health.statusCode() == 200 && health.body().contains("\"status\":\"healthy\"");
    }

    private void awaitHealthy() throws Exception {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("bin/tresor-server exited with status " + server.exitValue()
                    + " while starting" + logTail());
            }
            try {
                HttpResponse<String> health = healthcheck();
                last = health.statusCode() + " " + health.body();
                if (isHealthy(health)) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("bin/tresor-server was not healthy within " + STARTUP_TIMEOUT + " (last answer: "
            + last + ")" + logTail());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
