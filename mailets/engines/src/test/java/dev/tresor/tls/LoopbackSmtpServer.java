package dev.tresor.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;

/**
 * A real SMTP server (SubEthaSMTP) on a loopback address, with or without STARTTLS, that records every mail it
 * receives together with the TLS protocol of the session that carried it, so tests can check that nothing arrived
 * in clear text.
 */
public final class LoopbackSmtpServer implements AutoCloseable {

    /** One mail as the server received it. */
    public static final class Received {
        private final String sender;
        private final List<String> recipients;
        private final byte[] data;
        private final Optional<String> tlsProtocol;

        Received(String sender, List<String> recipients, byte[] data, Optional<String> tlsProtocol) {
            this.sender = sender;
            this.recipients = List.copyOf(recipients);
            this.data = data.clone();
            this.tlsProtocol = tlsProtocol;
        }

        public String sender() {
            return sender;
        }

        public List<String> recipients() {
            return recipients;
        }

        public String text() {
            return new String(data, java.nio.charset.StandardCharsets.UTF_8);
        }

        /** Empty when the mail came in clear text. */
        public Optional<String> tlsProtocol() {
            return tlsProtocol;
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final SMTPServer server;

    private LoopbackSmtpServer(InetAddress address, int port, String hostName, Optional<SSLContext> startTls, String[] protocols) {
        SMTPServer.Builder builder = SMTPServer.port(port)
            .bindAddress(address)
            .hostName(hostName)
            .messageHandlerFactory(this::newTransaction);
        startTls.ifPresent(context -> builder.enableTLS().startTlsSocketFactory(socket -> {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket,
                socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            tls.setUseClientMode(false);
            if (protocols.length > 0) {
                tls.setEnabledProtocols(protocols);
            }
            return tls;
        }));
        this.server = builder.build();
        server.start();
    }

    /** @param protocols the only TLS versions the server accepts; all the JDK enables when none are given */
    public static LoopbackSmtpServer start(String address, int port, String hostName, Optional<SSLContext> startTls,
                                           String... protocols) {
        try {
            return new LoopbackSmtpServer(InetAddress.getByName(address), port, hostName, startTls, protocols);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public int port() {
        return server.getPortAllocated();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop();
    }

    private MessageHandler newTransaction(MessageContext context) {
        return new MessageHandler() {
            private String sender;
            private final List<String> recipients = new ArrayList<>();

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
                byte[] data = in.readAllBytes();
                received.add(new Received(sender, recipients, data, tlsProtocol(context)));
                return null;
            }

            @Override
            public void done() {
            }
        };
    }

    private static Optional<String> tlsProtocol(MessageContext context) {
        Session session = (Session) context;
        if (!session.isTLSStarted() || !(session.getSocket() instanceof SSLSocket)) {
            return Optional.empty();
        }
        return Optional.of(((SSLSocket) session.getSocket()).getSession().getProtocol());
    }
}
