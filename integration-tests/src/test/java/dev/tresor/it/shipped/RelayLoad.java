package dev.tresor.it.shipped;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.IOException;
import java.io.Writer;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;

import org.apache.commons.net.smtp.AuthenticatingSMTPClient;
import org.apache.commons.net.smtp.SMTPReply;

/**
 * An SMTP load generator: {@code sessions} clients, each on one submission session (port 587, STARTTLS, AUTH PLAIN as
 * the sender, as a local user's mail client sends) that it keeps for mail after mail, send {@code count} mails of
 * about {@code size} bytes to one recipient, as fast as the server takes them.
 * Each mail has its own Message-ID ({@code <run-index@load.tresor.test>}), so that what arrives can be counted against
 * what the server accepted.
 *
 * <p>A client whose connection breaks or who gets a 4xx reconnects and sends the same mail again (same Message-ID)
 * until the server answers 250 or 5xx, or the run gives up: across a server's crash and restart the load goes on.
 * A mail counts as accepted only once the server answered 250 to its DATA; a 5xx to the session (EHLO, STARTTLS,
 * AUTH) or to the transaction refuses the mail, and the client goes on with the next.
 */
final class RelayLoad {
    private static final String CLIENT_HOST_NAME = "load.partner.example";
    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(200);

    private final int port;
    private final SSLContext tls;
    private final String from;
    private final String password;
    private final String to;
    private final int sessions;
    private final String body;

    /** Clients of the server's submission listener, authenticated as {@code from}; mails of about {@code size} bytes. */
    RelayLoad(ShippedServer server, String from, String password, String to, int sessions, int size) {
        this.port = server.port(ShippedServer.SUBMISSION);
        this.tls = server.trustingTheServer();
        this.from = from;
        this.password = password;
        this.to = to;
        this.sessions = sessions;
        this.body = body(size);
    }

    /** What a run did, as far as the clients can tell. */
    static final class Outcome {
        private final Set<String> accepted;
        private final Map<String, String> refused;
        private final int failedAttempts;
        private final Duration elapsed;

        Outcome(Set<String> accepted, Map<String, String> refused, int failedAttempts, Duration elapsed) {
            this.accepted = Set.copyOf(accepted);
            this.refused = Map.copyOf(refused);
            this.failedAttempts = failedAttempts;
            this.elapsed = elapsed;
        }

        /** The Message-IDs the server answered 250 for. */
        Set<String> accepted() {
            return accepted;
        }

        /** Message-ID to the server's 5xx reply, or to why the client gave up on it. */
        Map<String, String> refused() {
            return refused;
        }

        /** Transactions that broke off or got a 4xx, and were tried again. */
        int failedAttempts() {
            return failedAttempts;
        }

        Duration elapsed() {
            return elapsed;
        }
    }

    /** A run under way. */
    final class Run {
        private final String runId;
        private final int count;
        private final long giveUpAt;
        private final AtomicInteger next = new AtomicInteger();
        private final Set<String> accepted = ConcurrentHashMap.newKeySet();
        private final Map<String, String> refused = new ConcurrentHashMap<>();
        private final AtomicInteger failedAttempts = new AtomicInteger();
        private final AtomicLong started = new AtomicLong(System.nanoTime());
        private final List<Thread> clients = new ArrayList<>();

        private Run(String runId, int count, Duration giveUpAfter) {
            this.runId = runId;
            this.count = count;
            this.giveUpAt = System.nanoTime() + giveUpAfter.toNanos();
            for (int i = 0; i < sessions; i++) {
                Thread client = new Thread(this::sendUntilDone, "smtp load " + runId + " #" + i);
                client.setDaemon(true);
                clients.add(client);
            }
            clients.forEach(Thread::start);
        }

        /** How many mails the server has accepted so far. */
        int acceptedSoFar() {
            return accepted.size();
        }

        boolean isDone() {
            return clients.stream().noneMatch(Thread::isAlive);
        }

        /** Waits for every client to finish (all mails accepted or refused, or the run gave up). */
        Outcome await() throws InterruptedException {
            for (Thread client : clients) {
                client.join();
            }
            return new Outcome(accepted, refused, failedAttempts.get(), Duration.ofNanos(System.nanoTime() - started.get()));
        }

        private void sendUntilDone() {
            AuthenticatingSMTPClient client = null;
            for (int index = next.getAndIncrement(); index < count; index = next.getAndIncrement()) {
                String messageId = "<" + runId + "-" + index + "@load.tresor.test>";
                byte[] message = message(messageId, runId + " " + index);
                while (true) {
                    if (System.nanoTime() > giveUpAt) {
                        refused.put(messageId, "given up: the run's time ran out");
                        break;
                    }
                    try {
                        if (client == null) {
                            client = connect();
                        }
                        int reply = send(client, message);
                        if (reply == 250) {
                            accepted.add(messageId);
                            break;
                        }
                        if (SMTPReply.isNegativePermanent(reply)) {
                            refused.put(messageId, client.getReplyString().trim());
                            client.reset();
                            break;
                        }
                        failedAttempts.incrementAndGet();
                        client = disconnect(client);
                        pause();
                    } catch (SessionRefused e) {
                        refused.put(messageId, e.getMessage());
                        break;
                    } catch (IOException e) {
                        failedAttempts.incrementAndGet();
                        client = disconnect(client);
                        pause();
                    }
                }
            }
            disconnect(client);
        }

        private AuthenticatingSMTPClient connect() throws IOException {
            AuthenticatingSMTPClient client = new AuthenticatingSMTPClient(false, tls);
            client.setConnectTimeout(10_000);
            client.setDefaultTimeout(60_000);
            try {
                client.connect(InetAddress.getLoopbackAddress(), port);
                client.setSoTimeout(120_000);
                if (!SMTPReply.isPositiveCompletion(client.getReplyCode())
                    || !SMTPReply.isPositiveCompletion(client.ehlo(CLIENT_HOST_NAME))
                    || !client.execTLS()
                    || !SMTPReply.isPositiveCompletion(client.ehlo(CLIENT_HOST_NAME))
                    || !client.auth(AuthenticatingSMTPClient.AUTH_METHOD.PLAIN, from, password)) {
                    String reply = "session refused: " + client.getReplyString().trim();
                    throw SMTPReply.isNegativePermanent(client.getReplyCode()) ? new SessionRefused(reply)
                        : new IOException(reply);
                }
                return client;
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                disconnect(client);
                throw e instanceof IOException ? (IOException) e : new IOException(e);
            }
        }

        /** One transaction on an open session; returns the reply code of the command that ended it. */
        private int send(AuthenticatingSMTPClient client, byte[] message) throws IOException {
            if (!client.setSender(from) || !client.addRecipient(to)) {
                return client.getReplyCode();
            }
            Writer data = client.sendMessageData();
            if (data == null) {
                return client.getReplyCode();
            }
            data.write(new String(message, ISO_8859_1));
            data.close();
            client.completePendingCommand();
            return client.getReplyCode();
        }
    }

    /** The server answered 5xx to EHLO, STARTTLS or AUTH: sending the mail again would not help. */
    private static final class SessionRefused extends IOException {
        private static final long serialVersionUID = 1L;

        SessionRefused(String reply) {
            super(reply);
        }
    }

    /** Starts {@code count} mails on their way; Message-IDs are {@code <runId-index@load.tresor.test>}. */
    Run start(String runId, int count, Duration giveUpAfter) {
        return new Run(runId, count, giveUpAfter);
    }

    private byte[] message(String messageId, String subject) {
        return ("From: " + from + "\r\nTo: " + to + "\r\nSubject: load " + subject + "\r\nMessage-ID: " + messageId
            + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + body).getBytes(ISO_8859_1);
    }

    /** A text body of about {@code size} bytes in lines of 78 characters. */
    private static String body(int size) {
        StringBuilder body = new StringBuilder(size + 80);
        for (int line = 0; body.length() < size; line++) {
            String text = String.format("%06d the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs", line);
            body.append(text, 0, 76).append("\r\n");
        }
        return body.toString();
    }

    private static AuthenticatingSMTPClient disconnect(AuthenticatingSMTPClient client) {
        if (client != null && client.isConnected()) {
            try {
                client.disconnect();
            } catch (IOException e) {
                // the connection is already gone
            }
        }
        return null;
    }

    private static void pause() {
        try {
            Thread.sleep(RECONNECT_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
