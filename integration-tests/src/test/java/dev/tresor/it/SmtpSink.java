package dev.tresor.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.GuiceModuleTestExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;

/**
 * A real SMTP server on loopback (SubEthaSMTP) standing for "the Internet": James relays to it, and tests assert
 * exactly what left the gateway, envelope and bytes. Registered with {@link org.apache.james.JamesServerBuilder} it
 * is listening before James's configuration is written; elsewhere {@link #start()} and {@link #stop()} it.
 */
public final class SmtpSink implements GuiceModuleTestExtension {

    /** One SMTP transaction as the sink received it. */
    public static final class ReceivedMail {
        private final String envelopeSender;
        private final List<String> envelopeRecipients;
        private final byte[] data;

        ReceivedMail(String envelopeSender, List<String> envelopeRecipients, byte[] data) {
            this.envelopeSender = envelopeSender;
            this.envelopeRecipients = List.copyOf(envelopeRecipients);
            this.data = data.clone();
        }

        public String envelopeSender() {
            return envelopeSender;
        }

        public List<String> envelopeRecipients() {
            return envelopeRecipients;
        }

        public byte[] data() {
            return data.clone();
        }

        public MimeMessage message() {
            try {
                return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
            } catch (MessagingException e) {
                throw new IllegalStateException("The sink received a mail javax.mail cannot parse", e);
            }
        }

        public String subject() {
            try {
                return Optional.ofNullable(message().getSubject()).orElse("");
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final List<ReceivedMail> received = new CopyOnWriteArrayList<>();
    private SMTPServer server;

    @Override
    public void beforeAll(ExtensionContext extensionContext) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext extensionContext) {
        stop();
    }

    public void start() {
        start(0);
    }

    /**
     * Listens on the given loopback port (0: any free one), e.g. the port it had before {@link #stop()}, so that a
     * server configured to relay to it finds it again: a relay target that is down for a while, then back.
     */
    public void start(int port) {
        server = SMTPServer.port(port)
            .bindAddress(InetAddress.getLoopbackAddress())
            .hostName("sink.test")
            .messageHandlerFactory(this::newTransaction)
            .build();
        server.start();
    }

    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<ReceivedMail> received() {
        return List.copyOf(received);
    }

    /** Waits until a mail matching the predicate arrives, then returns it. */
    public ReceivedMail awaitMail(Predicate<ReceivedMail> predicate) {
        Awaitility.await().atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> received.stream().anyMatch(predicate));
        return received.stream().filter(predicate).findFirst().orElseThrow();
    }

    public ReceivedMail awaitMailWithSubject(String subject) {
        return awaitMail(mail -> mail.subject().equals(subject));
    }

    private MessageHandler newTransaction(MessageContext context) {
        return new MessageHandler() {
            private String sender;
            private final List<String> recipients = new ArrayList<>();
            private byte[] data;

            @Override
            public void from(String from) {
                sender = from;
            }

            @Override
            public void recipient(String recipient) {
                recipients.add(recipient);
            }

            @Override
            public String data(InputStream in) throws IOException {
                data = in.readAllBytes();
                return null;
            }

            @Override
            public void done() {
                if (data != null) {
                    received.add(new ReceivedMail(sender, recipients, data));
                }
            }
        };
    }
}
