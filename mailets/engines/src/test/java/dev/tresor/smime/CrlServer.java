package dev.tresor.smime;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.CRLException;
import java.security.cert.X509CRL;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

/** A real HTTP server on loopback publishing one CRL, counting the requests it served. */
public final class CrlServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicReference<byte[]> crl = new AtomicReference<>(new byte[0]);
    private final AtomicInteger requests = new AtomicInteger();

    private CrlServer(HttpServer server) {
        this.server = server;
    }

    public static CrlServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        CrlServer crlServer = new CrlServer(server);
        server.createContext("/ca.crl", exchange -> {
            crlServer.requests.incrementAndGet();
            byte[] body = crlServer.crl.get();
            exchange.getResponseHeaders().add("Content-Type", "application/pkix-crl");
            exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return crlServer;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/ca.crl";
    }

    public void publish(X509CRL list) throws CRLException {
        crl.set(list.getEncoded());
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
