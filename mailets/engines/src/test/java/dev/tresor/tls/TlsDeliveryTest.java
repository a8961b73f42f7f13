package dev.tresor.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BiConsumer;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.TlsPolicy;

/** The SMTP client against hostile or broken servers: each gets a clear, temporary failure, never a hang. */
class TlsDeliveryTest {
    private ServerSocket listener;
    private Thread serverThread;
    private volatile Socket lastClient;

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.close();
        }
        if (serverThread != null) {
            serverThread.join(5000);
        }
    }

    /** A one-connection server that runs {@code script} with the client's input and output. */
    private int server(BiConsumer<InputStream, OutputStream> script) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        serverThread = new Thread(() -> {
            try (Socket client = listener.accept()) {
                lastClient = client;
                script.accept(client.getInputStream(), client.getOutputStream());
            } catch (IOException | java.io.UncheckedIOException e) {
                // the client hung up, as the tests expect it to
            }
        });
        serverThread.start();
        return listener.getLocalPort();
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DeliveryResult deliver(int port, String policy, Duration readTimeout, Duration sessionLimit) throws Exception {
        return deliver(port, policy, readTimeout, sessionLimit, null, false);
    }

    private DeliveryResult deliver(int port, String policy, Duration readTimeout, Duration sessionLimit,
                                   java.security.KeyStore trusted, boolean requireTls) throws Exception {
        TlsDelivery delivery = delivery(port, readTimeout, sessionLimit, trusted);
        long start = System.nanoTime();
        DeliveryResult result = send(delivery, policy, requireTls);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        return result;
    }

    private static DeliveryResult send(TlsDelivery delivery, String policy, boolean requireTls) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setText("hello");
        message.saveChanges();
        return delivery.deliver(Optional.of("a@acme.example"), List.of("b@hostile.example"), "hostile.example",
            message, TlsPolicy.parse(policy), requireTls);
    }

    private static TlsDelivery delivery(int port, Duration readTimeout, Duration sessionLimit, java.security.KeyStore trusted)
        throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        MxResolver resolver = new MxResolver() {
            @Override
            public List<String> mxHosts(String domain) {
                return List.of("mx.hostile.example");
            }

            @Override
            public List<InetAddress> addresses(String host) {
                return List.of(InetAddress.getLoopbackAddress());
            }
        };
        return new TlsDelivery(resolver, new DeliveryOptions(port, "gateway.test", Duration.ofSeconds(2),
            readTimeout, sessionLimit, (X509TrustManager) factory.getTrustManagers()[0]));
    }

    private static DeliveryResult.Outcome only(DeliveryResult result) {
        return result.outcomes().get("b@hostile.example");
    }

    @Test
    void aServerThatNeverAnswersShouldTimeOut() throws Exception {
        int port = server((in, out) -> sleep(4000));

        DeliveryResult.Outcome outcome = only(deliver(port, "encrypt", Duration.ofMillis(500), Duration.ofMinutes(1)));

        assertThat(outcome.status()).isEqualTo(DeliveryResult.Status.TEMPORARY_FAILURE);
        assertThat(outcome.detail()).startsWith("timeout talking to mx.hostile.example");
    }

    @Test
    void stopShouldCutAConversationInProgressAndRefuseNewOnes() throws Exception {
        int port = server((in, out) -> {
            try {
                while (in.read() >= 0) {
                    // never answers, holds the connection until the client goes
                }
            } catch (IOException e) {
                // the client cut the connection
            }
        });
        TlsDelivery delivery = delivery(port, Duration.ofMinutes(1), Duration.ofMinutes(1), null);
        java.util.concurrent.CompletableFuture<DeliveryResult> inProgress = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return send(delivery, "encrypt", false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (lastClient == null && System.nanoTime() < deadline) {
            sleep(10);
        }

        delivery.stop();

        DeliveryResult.Outcome cut = only(inProgress.get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertThat(cut.status()).isEqualTo(DeliveryResult.Status.TEMPORARY_FAILURE);
        assertThat(cut.detail()).startsWith("cannot talk to mx.hostile.example");
        DeliveryResult.Outcome refused = only(send(delivery, "encrypt", false));
        assertThat(refused.status()).isEqualTo(DeliveryResult.Status.TEMPORARY_FAILURE);
        assertThat(refused.detail()).isEqualTo("delivery to mx.hostile.example stopped: the mail server is shutting down");
    }

    @Test
    void aServerDribblingBytesShouldHitTheSessionLimit() throws Exception {
        int port = server((in, out) -> {
            for (int i = 0; i < 40; i++) {
                write(out, "2");
                sleep(100);
            }
        });

        DeliveryResult.Outcome outcome = only(deliver(port, "encrypt", Duration.ofSeconds(1), Duration.ofMillis(800)));

        assertThat(outcome.status()).isEqualTo(DeliveryResult.Status.TEMPORARY_FAILURE);
        assertThat(outcome.detail()).contains("took longer than its time limit");
    }

    @Test
    void garbageAndOversizedRepliesShouldBeProtocolErrors() throws Exception {
        int port = server((in, out) -> write(out, "220 mx.hostile.example " + "x".repeat(5000) + "\r\n"));
        assertThat(only(deliver(port, "encrypt", Duration.ofSeconds(2), Duration.ofMinutes(1))).detail())
            .isEqualTo("mx.hostile.example broke the SMTP protocol: SMTP reply line longer than 2048 bytes");
        stop();

        port = server((in, out) -> write(out, "hello there\r\n"));
        assertThat(only(deliver(port, "encrypt", Duration.ofSeconds(2), Duration.ofMinutes(1))).detail())
            .isEqualTo("mx.hostile.example broke the SMTP protocol: malformed SMTP reply line 'hello there'");
        stop();

        port = server((in, out) -> write(out, "220-mx.hostile.example\r\n250 mixed\r\n"));
        assertThat(only(deliver(port, "encrypt", Duration.ofSeconds(2), Duration.ofMinutes(1))).detail())
            .isEqualTo("mx.hostile.example broke the SMTP protocol: SMTP reply mixes codes 220 and 250");
    }

    @Test
    void plainTextSentAheadOfTheHandshakeShouldBeRefused() throws Exception {
        int port = server((in, out) -> {
            write(out, "220 mx.hostile.example\r\n");
            readLine(in);
            write(out, "250-mx.hostile.example\r\n250 STARTTLS\r\n");
            readLine(in);
            write(out, "220 go ahead\r\n250 injected\r\n");
            sleep(1000);
        });

        DeliveryResult.Outcome outcome = only(deliver(port, "encrypt", Duration.ofSeconds(2), Duration.ofMinutes(1)));

        assertThat(outcome.status()).isEqualTo(DeliveryResult.Status.TEMPORARY_FAILURE);
        assertThat(outcome.detail()).contains("sent data before the TLS handshake");
    }

    @Test
    void aBrokenTlsHandshakeShouldNeverLeadToClearTextEvenUnderMay() throws Exception {
        StringBuilder commands = new StringBuilder();
        int port = server((in, out) -> {
            write(out, "220 mx.hostile.example\r\n");
            commands.append(readCommand(in));
            write(out, "250-mx.hostile.example\r\n250 STARTTLS\r\n");
            commands.append(readCommand(in));
            write(out, "220 go ahead\r\n");
            sleep(200);
            write(out, "this is not a TLS server hello\r\n");
            commands.append(readCommand(in));
        });

        DeliveryResult.Outcome outcome = only(deliver(port, "may", Duration.ofSeconds(2), Duration.ofMinutes(1)));

        assertThat(outcome.status()).isEqualTo(DeliveryResult.Status.TEMPORARY_FAILURE);
        assertThat(outcome.detail()).startsWith("TLS handshake with mx.hostile.example failed");
        serverThread.join(5000);
        assertThat(commands.toString()).startsWith("EHLO gateway.test\nSTARTTLS\n").doesNotContain("MAIL FROM");
    }

    @Test
    void requireTlsShouldBePassedOnInMailFromToANextHopThatAdvertisesIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path pkiDirectory)
        throws Exception {
        TlsTestPki pki = new TlsTestPki(pkiDirectory);
        javax.net.ssl.SSLContext serverTls = pki.server("next-hop", "mx.hostile.example");
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", pki.certificate("ca"));
        StringBuilder commands = new StringBuilder();
        int port = server((in, out) -> {
            try {
                write(out, "220 mx.hostile.example\r\n");
                commands.append(readCommand(in));
                write(out, "250-mx.hostile.example\r\n250 STARTTLS\r\n");
                commands.append(readCommand(in));
                write(out, "220 go ahead\r\n");
                javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) serverTls.getSocketFactory()
                    .createSocket(lastClient, null, lastClient.getPort(), true);
                tls.setUseClientMode(false);
                tls.startHandshake();
                InputStream tlsIn = tls.getInputStream();
                OutputStream tlsOut = tls.getOutputStream();
                commands.append(readCommand(tlsIn));
                write(tlsOut, "250-mx.hostile.example\r\n250 REQUIRETLS\r\n");
                commands.append(readCommand(tlsIn));
                write(tlsOut, "250 ok\r\n");
                commands.append(readCommand(tlsIn));
                write(tlsOut, "250 ok\r\n");
                commands.append(readCommand(tlsIn));
                write(tlsOut, "354 go\r\n");
                String line;
                do {
                    line = readCommand(tlsIn);
                } while (!line.equals(".\n"));
                write(tlsOut, "250 queued\r\n");
                commands.append(readCommand(tlsIn));
                write(tlsOut, "221 bye\r\n");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        DeliveryResult result = deliver(port, "may", Duration.ofSeconds(5), Duration.ofMinutes(1), trusted, true);

        assertThat(only(result).status()).as(only(result).detail()).isEqualTo(DeliveryResult.Status.DELIVERED);
        assertThat(result.tls()).hasValueSatisfying(tls -> assertThat(tls.host()).isEqualTo("mx.hostile.example"));
        serverThread.join(5000);
        assertThat(commands.toString()).isEqualTo("EHLO gateway.test\nSTARTTLS\nEHLO gateway.test\n"
            + "MAIL FROM:<a@acme.example> REQUIRETLS\nRCPT TO:<b@hostile.example>\nDATA\nQUIT\n");
    }

    @Test
    void aPermanentRefusalShouldBePermanentAndATransientOneTemporary() throws Exception {
        int port = server((in, out) -> write(out, "554 no service for you\r\n"));
        DeliveryResult.Outcome refused = only(deliver(port, "encrypt", Duration.ofSeconds(2), Duration.ofMinutes(1)));
        assertThat(refused.status()).isEqualTo(DeliveryResult.Status.PERMANENT_FAILURE);
        assertThat(refused.detail()).isEqualTo("mx.hostile.example refused greeting: 554 no service for you");
        stop();

        port = server((in, out) -> write(out, "421 busy\r\n"));
        assertThat(only(deliver(port, "encrypt", Duration.ofSeconds(2), Duration.ofMinutes(1))).status())
            .isEqualTo(DeliveryResult.Status.TEMPORARY_FAILURE);
    }

    /** The next command line, or what arrived before the connection ended (TLS bytes are not text). */
    private static String readCommand(InputStream in) {
        StringBuilder line = new StringBuilder();
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b >= 32 && b < 127) {
                    line.append((char) b);
                }
            }
        } catch (IOException e) {
            // the client hung up
        }
        return line.append('\n').toString();
    }

    private static void readLine(InputStream in) {
        try {
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                // skip the command
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
