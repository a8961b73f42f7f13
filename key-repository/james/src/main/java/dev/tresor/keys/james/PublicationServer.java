package dev.tresor.keys.james;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.core.Domain;
import org.apache.james.lifecycle.api.Startable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.PgpFingerprint;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.io.Certificates;
import dev.tresor.keys.lifecycle.TenantCa;

/**
 * Tresor's public HTTP server: what partners and their mail clients fetch to check and find the tenants' keys. It
 * serves only public material, so it asks no authentication; it listens on {@code publication.bind}:
 * {@code publication.port} of {@code keyrepository.properties} (0: off), apart from WebAdmin, so that WebAdmin need
 * never be exposed.
 *
 * <table>
 * <caption>Routes (GET and HEAD unless said otherwise)</caption>
 * <tr><td>/{tenant}/ca.crl</td><td>the tenant CA's CRL, DER, {@code application/pkix-crl}</td></tr>
 * <tr><td>/{tenant}/ca.crt</td><td>the tenant CA's certificate, DER, {@code application/pkix-cert}</td></tr>
 * <tr><td>POST /{tenant}/ocsp, GET /{tenant}/ocsp/{base64 request}</td><td>OCSP (RFC 6960, the GET form of its
 *     appendix A.1), {@code application/ocsp-response}; a POST body of at most 16 KiB</td></tr>
 * <tr><td>/certificates/{address}</td><td>PEM of the active certificates the address's tenant holds a private key
 *     for: its own users' certificates, never a partner's</td></tr>
 * <tr><td>/.well-known/openpgpkey/{domain}/hu/{hash}[?l=local], /.well-known/openpgpkey/hu/{hash}[?l=local]</td>
 *     <td>OpenPGP Web Key Directory, advanced and direct method (the domain from the Host header): the binary public
 *     keys the domain's tenant holds a secret key for, {@code application/octet-stream}</td></tr>
 * <tr><td>/.well-known/openpgpkey/[{domain}/]policy</td><td>the WKD policy: empty</td></tr>
 * </table>
 *
 * <p>The URLs of the first three are the ones {@link dev.tresor.keys.lifecycle.CaSettings} writes into every
 * certificate a tenant CA issues, relative to its {@code publicationUrl}. Answers other than 200 are short plain text:
 * 404 for anything unknown (an unknown tenant looks like a tenant without CA), 405 for another method, 400 for a
 * malformed request, 413/414 for one too large; never a stack trace. Requests are served by a small pool of its own
 * ({@value #THREADS} threads, at most {@value #QUEUED} waiting; beyond that the accepting thread serves the request
 * itself, which slows down accepting rather than failing), never by James's. The JDK server has no read timeout of
 * its own: exposed to the Internet, put it behind a reverse proxy (which also gives WKD its https).
 */
@Singleton
public final class PublicationServer implements Startable {
    static final int MAX_OCSP_REQUEST = 16 * 1024;
    static final int MAX_URI = 8 * 1024;
    private static final int THREADS = 4;
    private static final int QUEUED = 200;
    private static final int PAGE_SIZE = 500;
    private static final String WELL_KNOWN = "/.well-known/openpgpkey/";
    private static final String CERTIFICATES = "/certificates/";
    private static final Logger LOGGER = LoggerFactory.getLogger(PublicationServer.class);

    private final KeyRepository repository;
    private final TenantResolver tenants;
    private final KeyRepositoryConfiguration.Publication configuration;
    private Optional<HttpServer> server = Optional.empty();
    private Optional<ExecutorService> executor = Optional.empty();

    @Inject
    public PublicationServer(KeyRepository repository, TenantResolver tenants, KeyRepositoryConfiguration configuration) {
        this(repository, tenants, configuration.publication());
    }

    PublicationServer(KeyRepository repository, TenantResolver tenants,
                      KeyRepositoryConfiguration.Publication configuration) {
        this.repository = repository;
        this.tenants = tenants;
        this.configuration = configuration;
    }

    /**
     * Starts listening, unless {@code publication.port} is 0 or it listens already.
     *
     * @throws IllegalStateException when the port cannot be bound (James's start then fails, naming it)
     */
    public synchronized void start() {
        if (server.isPresent() || !configuration.enabled()) {
            if (!configuration.enabled()) {
                LOGGER.info("Tresor publication server off (publication.port=0)");
            }
            return;
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(configuration.bind(), configuration.port()), 50);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start Tresor's publication server on " + configuration.bind() + ":"
                + configuration.port() + " (publication.bind, publication.port in keyrepository.properties): "
                + e.getMessage(), e);
        }
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(QUEUED), runnable -> {
                Thread thread = new Thread(runnable, "tresor-publication-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.CallerRunsPolicy());
        http.setExecutor(pool);
        http.createContext("/", this::handle);
        http.start();
        server = Optional.of(http);
        executor = Optional.of(pool);
        LOGGER.info("Tresor publication server on {}:{}, published as {}", configuration.bind(), port(),
            configuration.url());
    }

    @PreDestroy
    public synchronized void stop() {
        server.ifPresent(http -> http.stop(1));
        executor.ifPresent(ExecutorService::shutdownNow);
        server = Optional.empty();
        executor = Optional.empty();
    }

    /** The port it listens on; 0 when stopped. */
    public synchronized int port() {
        return server.map(http -> http.getAddress().getPort()).orElse(0);
    }

    private void handle(HttpExchange exchange) {
        try {
            try {
                route(exchange);
            } catch (RuntimeException e) {
                LOGGER.error("Tresor publication server: {} {} failed", exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), e);
                plain(exchange, 500, "Internal error");
            }
        } catch (IOException | RuntimeException e) {
            LOGGER.debug("Tresor publication server: the client went away, or the answer was sent already", e);
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String rawUri = exchange.getRequestURI().toString();
        if (rawUri.length() > MAX_URI) {
            plain(exchange, 414, "URI too long");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path == null) {
            plain(exchange, 400, "Malformed request");
            return;
        }
        if (path.startsWith(WELL_KNOWN)) {
            if (readOnly(exchange)) {
                webKeyDirectory(exchange, path.substring(WELL_KNOWN.length()));
            }
            return;
        }
        if (path.startsWith(CERTIFICATES)) {
            if (readOnly(exchange)) {
                certificates(exchange, path.substring(CERTIFICATES.length()));
            }
            return;
        }
        String[] segments = path.substring(1).split("/", 3);
        if (segments.length < 2) {
            notFound(exchange);
            return;
        }
        Optional<TenantId> tenant = tenant(segments[0]);
        if (tenant.isEmpty()) {
            notFound(exchange);
            return;
        }
        if (segments.length == 2 && segments[1].equals("ca.crl")) {
            if (readOnly(exchange)) {
                send(exchange, "application/pkix-crl", repository.lifecycle().crl(tenant.get()));
            }
        } else if (segments.length == 2 && segments[1].equals("ca.crt")) {
            if (readOnly(exchange)) {
                send(exchange, "application/pkix-cert", repository.lifecycle().ca(tenant.get())
                    .map(TenantCa::certificate).map(PublicationServer::der));
            }
        } else if (segments.length == 2 && segments[1].equals("ocsp")) {
            ocspPost(exchange, tenant.get());
        } else if (segments.length == 3 && segments[1].equals("ocsp")) {
            if (readOnly(exchange)) {
                ocspGet(exchange, tenant.get(), segments[2]);
            }
        } else {
            notFound(exchange);
        }
    }

    private void ocspPost(HttpExchange exchange, TenantId tenant) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            plain(exchange, 405, "Method not allowed: POST an OCSP request, or GET " + "/ocsp/{base64 request}");
            return;
        }
        Optional<byte[]> request = body(exchange, MAX_OCSP_REQUEST);
        if (request.isEmpty()) {
            plain(exchange, 413, "The OCSP request is larger than " + MAX_OCSP_REQUEST + " bytes");
            return;
        }
        send(exchange, "application/ocsp-response", repository.lifecycle().ocsp(tenant, request.get()));
    }

    /** RFC 6960 A.1: the URL-encoded base64 of the DER request; the path is URL-decoded already. */
    private void ocspGet(HttpExchange exchange, TenantId tenant, String encoded) throws IOException {
        byte[] request;
        try {
            request = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            try {
                request = Base64.getUrlDecoder().decode(encoded);
            } catch (IllegalArgumentException again) {
                plain(exchange, 400, "The OCSP request in the path is not base64");
                return;
            }
        }
        if (request.length > MAX_OCSP_REQUEST) {
            plain(exchange, 413, "The OCSP request is larger than " + MAX_OCSP_REQUEST + " bytes");
            return;
        }
        send(exchange, "application/ocsp-response", repository.lifecycle().ocsp(tenant, request));
    }

    private void certificates(HttpExchange exchange, String rawAddress) throws IOException {
        Optional<EmailAddress> address = address(rawAddress);
        Optional<TenantId> tenant = address.flatMap(this::tenantOf);
        if (tenant.isEmpty()) {
            notFound(exchange);
            return;
        }
        List<X509Certificate> own = repository.certificates()
            .encryptionCertificates(tenant.get(), address.get(), SelectionPolicy.ALL_VALID).stream()
            .filter(entry -> entry.tenant().equals(tenant.get()))
            .filter(entry -> repository.privateKeys().has(tenant.get(), entry.fingerprint()))
            .map(CertificateEntry::certificate)
            .collect(Collectors.toList());
        send(exchange, "application/pem-certificate-chain",
            own.isEmpty() ? Optional.empty() : Optional.of(Certificates.toPem(own)));
    }

    /** {@code {domain}/hu/{hash}}, {@code hu/{hash}}, {@code {domain}/policy} or {@code policy}. */
    private void webKeyDirectory(HttpExchange exchange, String rest) throws IOException {
        String[] segments = rest.split("/", -1);
        Optional<String> domain;
        int at;
        if (segments.length >= 1 && (segments[0].equals("hu") || segments[0].equals("policy"))) {
            domain = hostOf(exchange);
            at = 0;
        } else {
            domain = Optional.of(segments[0].toLowerCase(Locale.ROOT));
            at = 1;
        }
        if (domain.isEmpty()) {
            notFound(exchange);
            return;
        }
        if (segments.length == at + 1 && segments[at].equals("policy")) {
            send(exchange, "text/plain", Optional.of(new byte[0]));
        } else if (segments.length == at + 2 && segments[at].equals("hu")) {
            String local = query(exchange, "l").orElse(null);
            send(exchange, "application/octet-stream", webKeys(domain.get(), segments[at + 1], Optional.ofNullable(local)));
        } else {
            notFound(exchange);
        }
    }

    /** The binary public keys, concatenated, of the tenant's own active OpenPGP keys for the hashed address. */
    private Optional<byte[]> webKeys(String domain, String hash, Optional<String> local) {
        if (local.isPresent() && !WebKeyDirectory.hash(local.get()).equals(hash)) {
            return Optional.empty();
        }
        Optional<TenantId> tenant = address("x@" + domain).flatMap(this::tenantOf);
        if (tenant.isEmpty()) {
            return Optional.empty();
        }
        List<EmailAddress> addresses = local.isPresent()
            ? address(local.get() + "@" + domain).stream().collect(Collectors.toList())
            : ownAddresses(tenant.get(), domain, hash);
        ByteArrayOutputStream keys = new ByteArrayOutputStream();
        List<PgpFingerprint> sent = new ArrayList<>();
        for (EmailAddress address : addresses) {
            for (PgpKeyEntry key : repository.pgpKeys().encryptionKeys(tenant.get(), address, SelectionPolicy.ALL_VALID)) {
                if (key.tenant().equals(tenant.get()) && key.hasSecretKey() && !sent.contains(key.fingerprint())) {
                    keys.writeBytes(key.encoded());
                    sent.add(key.fingerprint());
                }
            }
        }
        return keys.size() == 0 ? Optional.empty() : Optional.of(keys.toByteArray());
    }

    /** The addresses of the domain whose local part has this hash, among the tenant's own active OpenPGP keys. */
    private List<EmailAddress> ownAddresses(TenantId tenant, String domain, String hash) {
        List<EmailAddress> found = new ArrayList<>();
        Optional<PgpFingerprint> after = Optional.empty();
        List<PgpKeyEntry> page;
        do {
            page = repository.pgpKeys().list(tenant, after, PAGE_SIZE);
            for (PgpKeyEntry key : page) {
                if (key.hasSecretKey() && key.status() == KeyStatus.ACTIVE) {
                    key.addresses().stream()
                        .filter(address -> address.domain().equals(domain))
                        .filter(address -> WebKeyDirectory.hash(address.localPart()).equals(hash))
                        .filter(address -> !found.contains(address))
                        .forEach(found::add);
                }
                after = Optional.of(key.fingerprint());
            }
        } while (page.size() == PAGE_SIZE);
        return found;
    }

    /** The tenant of the address's domain, if it exists; an ambiguous domain (see {@link TenantResolver}) has none. */
    private Optional<TenantId> tenantOf(EmailAddress address) {
        try {
            TenantId tenant = tenants.tenantOf(Domain.of(address.domain()));
            return repository.tenants().exists(tenant) ? Optional.of(tenant) : Optional.empty();
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOGGER.debug("Tresor publication server: no tenant for {}: {}", address.domain(), e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<TenantId> tenant(String name) {
        try {
            TenantId tenant = TenantId.of(name);
            return repository.tenants().exists(tenant) ? Optional.of(tenant) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<EmailAddress> address(String raw) {
        try {
            EmailAddress address = EmailAddress.of(raw);
            return address.localPart().isBlank() || address.domain().isBlank() ? Optional.empty() : Optional.of(address);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The Host header without its port, lower-cased: the domain of the WKD direct method. */
    private static Optional<String> hostOf(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null || host.isBlank() || host.startsWith("[")) {
            return Optional.empty();
        }
        int colon = host.indexOf(':');
        return Optional.of((colon < 0 ? host : host.substring(0, colon)).trim().toLowerCase(Locale.ROOT));
    }

    private static Optional<String> query(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return Optional.of(pair.substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    private static boolean readOnly(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        plain(exchange, 405, "Method not allowed");
        return false;
    }

    /** The body, or empty if it is longer than {@code limit}. */
    private static Optional<byte[]> body(HttpExchange exchange, int limit) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(limit + 1);
            return body.length > limit ? Optional.empty() : Optional.of(body);
        }
    }

    private static void send(HttpExchange exchange, String type, Optional<byte[]> content) throws IOException {
        if (content.isEmpty()) {
            notFound(exchange);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
        write(exchange, 200, content.get());
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        plain(exchange, 404, "Not found");
    }

    private static void plain(HttpExchange exchange, int status, String message) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        write(exchange, status, (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static void write(HttpExchange exchange, int status, byte[] content) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, content.length == 0 ? -1 : content.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(content);
        }
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("A stored CA certificate cannot be encoded", e);
        }
    }
}
