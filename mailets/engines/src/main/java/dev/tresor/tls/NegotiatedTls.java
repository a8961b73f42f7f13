package dev.tresor.tls;

import java.security.cert.X509Certificate;

/** The TLS session a mail left over: which host, protocol and cipher, and the server's certificate. */
public final class NegotiatedTls {
    private final String host;
    private final String protocol;
    private final String cipherSuite;
    private final X509Certificate serverCertificate;

    NegotiatedTls(String host, String protocol, String cipherSuite, X509Certificate serverCertificate) {
        this.host = host;
        this.protocol = protocol;
        this.cipherSuite = cipherSuite;
        this.serverCertificate = serverCertificate;
    }

    public String host() {
        return host;
    }

    public String protocol() {
        return protocol;
    }

    public String cipherSuite() {
        return cipherSuite;
    }

    public X509Certificate serverCertificate() {
        return serverCertificate;
    }

    @Override
    public String toString() {
        return host + " " + protocol + " " + cipherSuite;
    }
}
