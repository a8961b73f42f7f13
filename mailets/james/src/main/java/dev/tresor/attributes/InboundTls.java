package dev.tresor.attributes;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.tresor.keys.TlsVersion;

/**
 * How a mail reached us over SMTP, when it came over TLS: the negotiated protocol and cipher suite.
 *
 * <p>James 3.8.1 records no TLS facts on the mail, so {@code dev.tresor.smtp.RecordInboundTlsHook} stores them in the
 * mail attribute {@value #ATTRIBUTE} as a map {@code {"protocol": "TLSv1.3", "cipher": "TLS_AES_256_GCM_SHA384"}}. A
 * mail without the attribute came in clear text (or from inside James). Only the SMTP hook writes it, so mail from
 * outside cannot claim it. The {@code ReceivedOverTls} matcher reads it.
 *
 * <p>MarkInboundTls, behind that matcher, shows it to the recipient as the header {@value #HEADER}{@code : yes}.
 */
public final class InboundTls {
    public static final String ATTRIBUTE = "tresor.tls.inbound";
    public static final AttributeName NAME = AttributeName.of(ATTRIBUTE);
    public static final String HEADER = "X-Tresor-Inbound-TLS";
    public static final String HEADER_VALUE = "yes";

    private static final String PROTOCOL_KEY = "protocol";
    private static final String CIPHER_KEY = "cipher";

    /** The protocol's JSSE name: a known TLS version's as {@link TlsVersion} writes it, any other as negotiated. */
    private final String protocol;
    private final String cipherSuite;

    private InboundTls(String protocol, String cipherSuite) {
        this.protocol = TlsVersion.parse(Objects.requireNonNull(protocol)).map(TlsVersion::asString).orElse(protocol);
        this.cipherSuite = Objects.requireNonNull(cipherSuite);
    }

    public static InboundTls of(TlsVersion version, String cipherSuite) {
        return new InboundTls(version.asString(), cipherSuite);
    }

    public static InboundTls of(SSLSession sslSession) {
        return new InboundTls(sslSession.getProtocol(), sslSession.getCipherSuite());
    }

    /**
     * The TLS facts recorded on this mail, if it arrived over TLS. A value that is not the map this class writes is
     * treated as absent: it cannot be ours.
     */
    public static Optional<InboundTls> of(Mail mail) {
        return mail.getAttribute(NAME)
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
        return Optional.of(new InboundTls(protocol.value(), cipher.value()));
    }

    public Attribute asAttribute() {
        return new Attribute(NAME, AttributeValue.of(Map.of(
            PROTOCOL_KEY, AttributeValue.of(protocol),
            CIPHER_KEY, AttributeValue.of(cipherSuite))));
    }

    /** The protocol's JSSE name, such as {@code TLSv1.3}. */
    public String protocol() {
        return protocol;
    }

    /** Whether the protocol was {@code minimum} or newer; a protocol that is no TLS version never is. */
    public boolean isAtLeast(TlsVersion minimum) {
        return minimum.isMetBy(protocol);
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
        return protocol + " " + cipherSuite;
    }
}
