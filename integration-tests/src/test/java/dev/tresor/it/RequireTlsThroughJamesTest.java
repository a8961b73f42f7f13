package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.tresor.tls.StallingSmtpServer;

/**
 * RequireTls and RFC 8689 REQUIRETLS through a real James on the sample configuration. The only next hop is the
 * {@link SmtpSink}, which offers no STARTTLS: mail that must travel encrypted has to be bounced, never handed to it.
 * slow.example's MX is a {@link StallingSmtpServer} on 127.0.0.2 that never answers; the spooler has only
 * {@value #SPOOLER_THREADS} threads, so a mail that waited for it on a spooler thread would stop all mail.
 */
class RequireTlsThroughJamesTest {
    private static final String SENDER = "partner-sender@partner.example";
    private static final int SPOOLER_THREADS = 2;

    static SmtpSink sink = new SmtpSink();
    static TresorJames tresor = new TresorJames(sink, "partner.example", "bank.example", "other.example")
        .resolving("slow.example", "127.0.0.2")
        .changingMailetContainer(RequireTlsThroughJamesTest::fewSpoolerThreadsAndASlowTlsDomain);

    private static void fewSpoolerThreadsAndASlowTlsDomain(Document mailetContainer) {
        Element spooler = (Element) mailetContainer.getElementsByTagName("spooler").item(0);
        spooler.getElementsByTagName("threads").item(0).setTextContent(Integer.toString(SPOOLER_THREADS));
        NodeList mailets = mailetContainer.getElementsByTagName("mailet");
        for (int i = 0; i < mailets.getLength(); i++) {
            Element mailet = (Element) mailets.item(i);
            if (mailet.getAttribute("match").startsWith("dev.tresor.matchers.RecipientRequiresTls=")) {
                mailet.setAttribute("match", mailet.getAttribute("match") + ",slow.example");
            }
            if (mailet.getAttribute("class").equals("dev.tresor.mailets.RequireTls")) {
                mailet.getElementsByTagName("readTimeout").item(0).setTextContent("1m");
            }
        }
    }

    @RegisterExtension
    static JamesServerExtension james = tresor.extension();

    @TempDir
    Path directory;

    @Test
    void swaksShouldSeeRequireTlsInEhloOnlyAfterStartTls(GuiceJamesServer server) throws Exception {
        String server25 = "127.0.0.1:" + server.getProbe(SmtpListenersProbe.class).mx();

        String clear = swaks("--server", server25, "--quit-after", "EHLO");
        String tls = swaks("--server", server25, "--tls", "--quit-after", "EHLO");

        assertThat(clear).containsPattern("<-  250[ -]STARTTLS").doesNotContain("REQUIRETLS");
        assertThat(tls).contains("TLS started");
        String beforeTls = tls.substring(0, tls.indexOf("TLS started"));
        String afterTls = tls.substring(tls.indexOf("TLS started"));
        assertThat(beforeTls).doesNotContain("REQUIRETLS");
        assertThat(afterTls).as("swaks marks replies read over TLS with <~").containsPattern("<~  250[ -]REQUIRETLS");
    }

    @Test
    void requireTlsInClearTextShouldBeRefusedWithTheRfcReply(GuiceJamesServer server) throws Exception {
        try (SmtpClient client = SmtpClient.connect(server.getProbe(SmtpListenersProbe.class).mx())) {
            assertThat(client.command("EHLO client.partner.example")).doesNotContain("REQUIRETLS");

            assertThat(client.command("MAIL FROM:<" + SENDER + "> REQUIRETLS")).startsWith("530 5.7.10");
        }
    }

    @Test
    void aRequireTlsMailShouldBeBouncedInsteadOfRelayedToANonTlsNextHop(GuiceJamesServer server) throws Exception {
        String subject = "requiretls " + UUID.randomUUID();
        try (SmtpClient client = SmtpClient.connect(server.getProbe(SmtpListenersProbe.class).mx())) {
            client.command("EHLO client.partner.example");
            assertThat(client.command("STARTTLS")).startsWith("220");
            client.startTls(TestTls.trusting(tresor.tlsCertificate()).getSocketFactory());
            assertThat(client.command("EHLO client.partner.example")).contains("REQUIRETLS");
            assertThat(client.command("MAIL FROM:<" + SENDER + "> REQUIRETLS=yes")).startsWith("555 5.5.4");
            assertThat(client.command("MAIL FROM:<" + SENDER + "> REQUIRETLS")).startsWith("250");
            assertThat(client.command("RCPT TO:<bob@partner.example>")).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            assertThat(client.command("From: " + SENDER + "\r\nTo: bob@partner.example\r\nSubject: " + subject
                + "\r\n\r\nFor TLS eyes only.\r\n.")).startsWith("250");
            client.command("QUIT");
        }

        SmtpSink.ReceivedMail dsn = sink.awaitMail(mail -> mail.envelopeRecipients().contains(SENDER)
            && new String(mail.data(), StandardCharsets.UTF_8).contains(subject));
        String text = new String(dsn.data(), StandardCharsets.UTF_8);
        assertThat(dsn.envelopeSender()).isNullOrEmpty();
        assertThat(text).contains("bob@partner.example: partner.example offered no STARTTLS")
            .contains("Status: 5.7.30");
        assertThat(sink.received()).noneMatch(mail -> mail.envelopeRecipients().contains("bob@partner.example"));
    }

    @Test
    void mailToADomainWithAVerifyPolicyShouldBeBouncedWhileOtherDomainsRelayAsBefore(GuiceJamesServer server) throws Exception {
        String subject = "policy " + UUID.randomUUID();
        try (SmtpClient client = SmtpClient.connect(server.getProbe(SmtpListenersProbe.class).mx())) {
            client.command("EHLO client.partner.example");
            assertThat(client.command("MAIL FROM:<" + SENDER + ">")).startsWith("250");
            assertThat(client.command("RCPT TO:<joe@bank.example>")).startsWith("250");
            assertThat(client.command("RCPT TO:<oz@other.example>")).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            assertThat(client.command("From: " + SENDER + "\r\nSubject: " + subject + "\r\n\r\nFigures.\r\n.")).startsWith("250");
            client.command("QUIT");
        }

        SmtpSink.ReceivedMail relayed = sink.awaitMail(mail -> mail.envelopeRecipients().contains("oz@other.example")
            && mail.subject().equals(subject));
        assertThat(relayed.envelopeRecipients()).containsExactly("oz@other.example");
        SmtpSink.ReceivedMail dsn = sink.awaitMail(mail -> mail.envelopeRecipients().contains(SENDER)
            && new String(mail.data(), StandardCharsets.UTF_8).contains(subject));
        assertThat(new String(dsn.data(), StandardCharsets.UTF_8)).contains("joe@bank.example: bank.example offered no STARTTLS")
            .contains("Status: 5.7.10");
        assertThat(sink.received()).noneMatch(mail -> mail.envelopeRecipients().contains("joe@bank.example"));
    }

    @Test
    void mailToASlowMxShouldHoldDeliveryThreadsOnlyWhileOtherMailFlowsThroughTheSpooler(GuiceJamesServer server) throws Exception {
        String subject = "slow " + UUID.randomUUID();
        int stalled = SPOOLER_THREADS + 1;
        try (StallingSmtpServer slowMx = StallingSmtpServer.start("127.0.0.2", sink.port())) {
            for (int i = 0; i < stalled; i++) {
                send(server, "erin" + i + "@slow.example", subject + " to the slow MX");
            }
            Awaitility.await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(slowMx.open()).as("RequireTls connections waiting for a greeting").isEqualTo(stalled));

            send(server, "oz@other.example", subject + " relayed meanwhile");

            SmtpSink.ReceivedMail relayed = sink.awaitMail(mail -> mail.subject().equals(subject + " relayed meanwhile"));
            assertThat(relayed.envelopeRecipients()).containsExactly("oz@other.example");
            assertThat(slowMx.open()).as("more mails wait for the slow MX than the spooler has threads, and still wait")
                .isEqualTo(stalled);
        }
    }

    private static void send(GuiceJamesServer server, String recipient, String subject) throws IOException {
        try (SmtpClient client = SmtpClient.connect(server.getProbe(SmtpListenersProbe.class).mx())) {
            client.command("EHLO client.partner.example");
            assertThat(client.command("MAIL FROM:<" + SENDER + ">")).startsWith("250");
            assertThat(client.command("RCPT TO:<" + recipient + ">")).startsWith("250");
            assertThat(client.command("DATA")).startsWith("354");
            assertThat(client.command("From: " + SENDER + "\r\nSubject: " + subject + "\r\n\r\nFigures.\r\n.")).startsWith("250");
            client.command("QUIT");
        }
    }

    private String swaks(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("swaks", "--helo", "client.partner.example", "--timeout", "20"));
        command.addAll(List.of(arguments));
        Path output = directory.resolve("swaks-" + UUID.randomUUID() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("swaks finished").isTrue();
        return Files.readString(output);
    }

    /** A raw SMTP client: one command line (or a DATA body ending in a dot line) in, the whole reply out. */
    private static final class SmtpClient implements AutoCloseable {
        private Socket socket;
        private BufferedReader in;
        private OutputStream out;

        static SmtpClient connect(int port) throws IOException {
            SmtpClient client = new SmtpClient();
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            client.use(socket);
            assertThat(client.reply()).startsWith("220");
            return client;
        }

        private void use(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = socket.getOutputStream();
        }

        void startTls(javax.net.ssl.SSLSocketFactory factory) throws IOException {
            SSLSocket tls = (SSLSocket) factory.createSocket(socket, "127.0.0.1", socket.getPort(), true);
            tls.setSoTimeout(30_000);
            tls.startHandshake();
            use(tls);
        }

        String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply();
        }

        private String reply() throws IOException {
            StringBuilder reply = new StringBuilder();
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("connection closed after: " + reply);
                }
                reply.append(line).append('\n');
            } while (line.length() > 3 && line.charAt(3) == '-');
            return reply.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
