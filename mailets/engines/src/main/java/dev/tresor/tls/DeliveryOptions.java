package dev.tresor.tls;

import java.time.Duration;
import java.util.Objects;

import javax.net.ssl.X509TrustManager;

/**
 * How RequireTls talks SMTP: the port of the next hops (25), the name it greets with, timeouts, and the trust
 * anchors that {@code verify} validates server certificates against (the JDK's by default).
 */
public final class DeliveryOptions {
    private final int port;
    private final String heloName;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration sessionLimit;
    private final X509TrustManager trustManager;

    public DeliveryOptions(int port, String heloName, Duration connectTimeout, Duration readTimeout, Duration sessionLimit,
                           X509TrustManager trustManager) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Invalid SMTP port " + port);
        }
        if (heloName.isBlank() || heloName.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw new IllegalArgumentException("Invalid HELO name '" + heloName + "'");
        }
        for (Duration timeout : new Duration[] {connectTimeout, readTimeout, sessionLimit}) {
            if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Invalid timeout " + timeout);
            }
        }
        this.port = port;
        this.heloName = heloName;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.sessionLimit = sessionLimit;
        this.trustManager = Objects.requireNonNull(trustManager);
    }

    public int port() {
        return port;
    }

    public String heloName() {
        return heloName;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public Duration sessionLimit() {
        return sessionLimit;
    }

    public X509TrustManager trustManager() {
        return trustManager;
    }
}
