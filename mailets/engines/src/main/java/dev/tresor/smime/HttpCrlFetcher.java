package dev.tresor.smime;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.Locale;

import dev.tresor.mime.ByteSink;

/**
 * Fetches CRLs over plain http (RFC 5280, 4.2.1.13: CRLs are signed, so transport security adds nothing, and https
 * could need a CRL itself). Timeouts and a size limit keep a slow or hostile server from stalling the mail spooler.
 */
public final class HttpCrlFetcher implements CrlFetcher {
    private static final int MAX_CRL_BYTES = 20 * 1024 * 1024;

    private final Duration timeout;

    public HttpCrlFetcher(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public X509CRL fetch(URI distributionPoint) throws IOException {
        if (!"http".equals(distributionPoint.getScheme() == null ? "" : distributionPoint.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IOException("not an http URL: " + distributionPoint);
        }
        HttpURLConnection connection = (HttpURLConnection) distributionPoint.toURL().openConnection();
        connection.setConnectTimeout((int) timeout.toMillis());
        connection.setReadTimeout((int) timeout.toMillis());
        connection.setInstanceFollowRedirects(false);
        try {
            int code = connection.getResponseCode();
            if (code != HttpURLConnection.HTTP_OK) {
                throw new IOException("HTTP " + code + " from " + distributionPoint);
            }
            ByteSink body = new ByteSink(Math.max(4096, Math.min(MAX_CRL_BYTES, connection.getContentLength())));
            try (InputStream in = connection.getInputStream()) {
                readLimited(in, body);
            }
            return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(body.asInputStream());
        } catch (CRLException | CertificateException | ClassCastException e) {
            throw new IOException("not a CRL at " + distributionPoint + ": " + e.getMessage(), e);
        } finally {
            connection.disconnect();
        }
    }

    private static void readLimited(InputStream in, ByteSink body) throws IOException {
        while (true) {
            byte[] buffer = body.reserve(8192);
            int read = in.read(buffer, body.size(), 8192);
            if (read < 0) {
                return;
            }
            body.advance(read);
            if (body.size() > MAX_CRL_BYTES) {
                throw new IOException("CRL larger than " + MAX_CRL_BYTES + " bytes");
            }
        }
    }
}
