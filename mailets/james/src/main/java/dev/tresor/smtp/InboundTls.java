package dev.tresor.smtp;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * How a mail reached us over SMTP, when it came over TLS: the negotiated protocol and cipher suite.
 *
 * <p>James 3.8.1 records no TLS facts on the mail, so {@link RecordInboundTlsHook} stores them in the mail attribute
 * {@value #ATTRIBUTE} as a map {@code {"protocol": "TLSv1.3", "cipher": "TLS_AES_256_GCM_SHA384"}}. A mail without
 * the attribute came in clear text (or from inside James). Only the SMTP hook writes it, so mail from outside cannot
 * claim it.
 */
public final class InboundTls {
    public static final String ATTRIBUTE = "tresor.tls.inbound";
    public static final AttributeName ATTRIBUTE_NAME = AttributeName.of(ATTRIBUTE);

    private static final String PROTOCOL_KEY = "protocol";
    private static final String CIPHER_KEY = "cipher";

    private final TlsProtocol protocol;
    private final String cipherSuite;

    private InboundTls(TlsProtocol protocol, String cipherSuite) {
        this.protocol = Objects.requireNonNull(protocol);
        this.cipherSuite = Objects.requireNonNull(cipherSuite);
    }

    public static InboundTls of(TlsProtocol protocol, String cipherSuite) {
        return new InboundTls(protocol, cipherSuite);
    }

    public static InboundTls of(SSLSession sslSession) {
        return new InboundTls(TlsProtocol.parse(sslSession.getProtocol()), sslSession.getCipherSuite());
    }

    /**
     * The TLS facts recorded on this mail, if it arrived over TLS. A value that is not the map this class writes is
     * treated as absent: it cannot be ours.
     */
    public static Optional<InboundTls> of(Mail mail) {
        return mail.getAttribute(ATTRIBUTE_NAME)
            .flatMap(attribute -> attribute.getValue().asMapAttributeValueOf(String.class))
            .map(AttributeValue::value)
            .flatMap(InboundTls::fromMap);
    }

    private static Optional<InboundTls> fromMap(Map<String, AttributeValue<String>> map) {
        AttributeValue<String> protocol = map.get(PROTOCOL_KEY);
        AttributeValue<String> cipher = map.get(CIPHER_KEY);
        if (protocol == null || cipher == null) {
            return Optional.empty();
        }
        return Optional.of(new InboundTls(TlsProtocol.parse(protocol.value()), cipher.value()));
    }

    public Attribute asAttribute() {
        return new Attribute(ATTRIBUTE_NAME, AttributeValue.of(Map.of(
            PROTOCOL_KEY, AttributeValue.of(protocol.asString()),
            CIPHER_KEY, AttributeValue.of(cipherSuite))));
    }

    public TlsProtocol protocol() {
        return protocol;
    }

    public String cipherSuite() {
        return cipherSuite;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof InboundTls) {
            InboundTls that = (InboundTls) o;
            return protocol.equals(that.protocol) && cipherSuite.equals(that.cipherSuite);
        }
        return false;
    }

    @Override
    public int hashCode() {
        return Objects.hash(protocol, cipherSuite);
    }

    @Override
    public String toString() {
        return protocol.asString() + " " + cipherSuite;
    }

    /**
     * A TLS protocol version as the JSSE names it. Versions we do not know sort below TLS 1.0, so that a minimum-version
     * rule never admits them by accident.
     */
    public static final class TlsProtocol implements Comparable<TlsProtocol> {
        public static final TlsProtocol TLS_1_2 = new TlsProtocol("TLSv1.2", 3);
        public static final TlsProtocol TLS_1_3 = new TlsProtocol("TLSv1.3", 4);
        private static final Map<String, TlsProtocol> KNOWN = Map.of(
            "tlsv1", new TlsProtocol("TLSv1", 1),
            "tlsv1.1", new TlsProtocol("TLSv1.1", 2),
            "tlsv1.2", TLS_1_2,
            "tlsv1.3", TLS_1_3);

        private final String name;
        private final int rank;

        private TlsProtocol(String name, int rank) {
            this.name = name;
            this.rank = rank;
        }

        public static TlsProtocol parse(String name) {
            TlsProtocol known = KNOWN.get(name.toLowerCase(Locale.ROOT));
            if (known != null) {
                return known;
            }
            return new TlsProtocol(name, 0);
        }

        /** Only the versions a mail admin may require as a minimum: TLS 1.2 and TLS 1.3. */
        public static Optional<TlsProtocol> parseRequirable(String name) {
            TlsProtocol protocol = parse(name.trim());
            if (protocol.equals(TLS_1_2) || protocol.equals(TLS_1_3)) {
                return Optional.of(protocol);
            }
            return Optional.empty();
        }

        public String asString() {
            return name;
        }

        public boolean isAtLeast(TlsProtocol other) {
            return compareTo(other) >= 0;
        }

        @Override
        public int compareTo(TlsProtocol other) {
            return Integer.compare(rank, other.rank);
        }

        @Override
        public boolean equals(Object o) {
            if (o instanceof TlsProtocol) {
                TlsProtocol that = (TlsProtocol) o;
                return name.equals(that.name) && rank == that.rank;
            }
            return false;
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, rank);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
