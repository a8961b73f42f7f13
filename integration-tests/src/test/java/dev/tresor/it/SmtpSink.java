package dev.tresor.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *
 * <p>For load ({@link #keepingHeadersOnly()}) it keeps only each message's header block. It can {@link #hold()} every
 * transaction before reading its DATA, so that a test decides when mail may leave the gateway. A transaction counts as
 * received once its whole DATA was read, as the 250 the sink answers then says.
 */
public final class SmtpSink implements GuiceModuleTestExtension {
    private static final Pattern MESSAGE_ID = Pattern.compile("(?im)^Message-ID:\\s*(<[^>\\s]*>)");


    /** One SMTP transaction as the sink received it. */
    public static final class ReceivedMail {
        private final String envelopeSender;
        private final List<String> envelopeRecipients;
        private final byte[] data;
        private final int size;

        ReceivedMail(String envelopeSender, List<String> envelopeRecipients, byte[] data, int size) {
            this.envelopeSender = envelopeSender;
            this.envelopeRecipients = List.copyOf(envelopeRecipients);
            this.data = data.clone();
            this.size = size;
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

        /** The size of the whole message as received, also when the sink kept only its header block. */
        public int size() {
            return size;
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

    private final boolean keepMessages;
    private final List<ReceivedMail> received = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private SMTPServer server;

    /** A sink that keeps every message it receives ({@link #received()}). */
    public SmtpSink() {
        this(true);
    }

    private SmtpSink(boolean keepMessages) {
        this.keepMessages = keepMessages;
    }

    /** A sink for thousands of mails: {@link #received()} holds only the header block of each (no body). */
    public static SmtpSink keepingHeadersOnly() {
        return new SmtpSink(false);
    }

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

    /** How many transactions the sink completed (250 after DATA). */
    public int transactions() {
        return received.size();
    }

    /** How many times each Message-ID (angle brackets included) arrived; mails without one are left out. */
    public Map<String, Integer> messageIds() {
        Map<String, Integer> counts = new HashMap<>();
        for (ReceivedMail mail : received) {
            messageId(mail.data).ifPresent(id -> counts.merge(id, 1, Integer::sum));
        }
        return counts;
    }

    /** From now on every transaction waits, before its DATA is read, until {@link #release()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    /** Lets held and later transactions go on. */
    public void release() {
        gate.countDown();
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
            private int size;

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
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("The sink stopped while holding a transaction", e);
                }
                // a sender gone while held makes this read fail: the transaction does not count
                data = in.readAllBytes();
                size = data.length;
                if (!keepMessages) {
                    data = Arrays.copyOf(data, headerBlockLength(data));
                }
                return null;
            }

            @Override
            public void done() {
                if (data != null) {
                    received.add(new ReceivedMail(sender, recipients, data, size));
                }
            }
        };
    }

    /** The Message-ID of the top-level header block, read without parsing the body. */
    public static Optional<String> messageId(byte[] message) {
        String text = new String(message, 0, headerBlockLength(message), StandardCharsets.ISO_8859_1);
        Matcher matcher = MESSAGE_ID.matcher(text.replaceAll("\r?\n[ \t]+", " "));
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** The length of the header block with the empty line that ends it, or of the whole message when it has none. */
    private static int headerBlockLength(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n' && message[i + 1] == '\n') {
                return i + 2;
            }
            if (message[i] == '\n' && message[i + 1] == '\r' && i + 2 < message.length && message[i + 2] == '\n') {
                return i + 3;
            }
        }
        return message.length;
    }
}
