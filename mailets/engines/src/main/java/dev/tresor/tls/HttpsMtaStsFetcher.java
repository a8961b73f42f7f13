package dev.tresor.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * Fetches RFC 8461 policies: the {@code _mta-sts.<domain>} TXT record announces one ({@code v=STSv1; id=...}), then
 * an HTTPS GET of {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} with a PKIX-valid certificate for that
 * name (the JDK's host name check), no redirects, timeouts, at most {@value MtaStsPolicy#MAX_BYTES} bytes. Policies
 * are cached for their {@code max_age} and refetched when the TXT id changes; a cached policy that has not expired is
 * used when a refetch fails (RFC 8461 section 5.1).
 */
public final class HttpsMtaStsFetcher implements MtaStsSource {
    private final Function<String, Collection<String>> txtLookup;
    private final Function<String, URI> policyLocation;
    private final SSLSocketFactory tls;
    private final Duration timeout;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param txtLookup the TXT records of a name (James's {@code DNSService::findTXTRecords})
     * @param policyLocation where a domain's policy lives; {@link #standardLocation} but in tests
     */
    public HttpsMtaStsFetcher(Function<String, Collection<String>> txtLookup, Function<String, URI> policyLocation,
                              SSLSocketFactory tls, Duration timeout, Clock clock) {
        this.txtLookup = txtLookup;
        this.policyLocation = policyLocation;
        this.tls = tls;
        this.timeout = timeout;
        this.clock = clock;
    }

    public static URI standardLocation(String domain) {
        return URI.create("https://mta-sts." + domain.toLowerCase(Locale.ROOT) + "/.well-known/mta-sts.txt");
    }

    @Override
    public Optional<MtaStsPolicy> policy(String domain) throws MtaStsException {
        Optional<String> id = announcedId(domain);
        Cached cached = cache.get(domain);
        Instant now = clock.instant();
        boolean cachedValid = cached != null && now.isBefore(cached.expires);
        if (id.isEmpty()) {
            // no record: a policy seen before stays in force until it expires (RFC 8461 section 5.1)
            return cachedValid ? Optional.of(cached.policy) : Optional.empty();
        }
        if (cachedValid && cached.id.equals(id.get())) {
            return Optional.of(cached.policy);
        }
        try {
            MtaStsPolicy policy = MtaStsPolicy.parse(fetch(domain));
            cache.put(domain, new Cached(id.get(), policy, now.plus(policy.maxAge())));
            return Optional.of(policy);
        } catch (IOException | IllegalArgumentException e) {
            if (cachedValid) {
                return Optional.of(cached.policy);
            }
            throw new MtaStsException("MTA-STS policy of " + domain + " announced but unusable: " + e.getMessage(), e);
        }
    }

    private Optional<String> announcedId(String domain) throws MtaStsException {
        Collection<String> records;
        try {
            records = txtLookup.apply("_mta-sts." + domain);
        } catch (RuntimeException e) {
            throw new MtaStsException("TXT lookup of _mta-sts." + domain + " failed: " + e.getMessage(), e);
        }
        return records.stream()
            .map(record -> record.replace("\"", "").trim())
            .filter(record -> record.startsWith("v=STSv1"))
            .findFirst()
            .map(record -> {
                for (String field : record.split(";")) {
                    String trimmed = field.trim();
                    if (trimmed.startsWith("id=")) {
                        return trimmed.substring(3);
                    }
                }
                return "";
            });
    }

    private String fetch(String domain) throws IOException {
        URI location = policyLocation.apply(domain);
        if (!"https".equals(location.getScheme())) {
            throw new IOException("MTA-STS policies are fetched over HTTPS only, not " + location);
        }
        HttpsURLConnection connection = (HttpsURLConnection) location.toURL().openConnection();
        try {
            connection.setSSLSocketFactory(tls);
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout(Math.toIntExact(timeout.toMillis()));
            connection.setReadTimeout(Math.toIntExact(timeout.toMillis()));
            connection.setUseCaches(false);
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw new IOException("GET " + location + " answered HTTP " + status);
            }
            String type = Optional.ofNullable(connection.getContentType()).orElse("").toLowerCase(Locale.ROOT);
            if (!type.startsWith("text/plain")) {
                throw new IOException("GET " + location + " answered " + (type.isEmpty() ? "no content type" : type)
                    + ", not text/plain");
            }
            try (InputStream in = connection.getInputStream()) {
                return new String(readAtMost(in, MtaStsPolicy.MAX_BYTES, location), StandardCharsets.UTF_8);
            }
        } finally {
            connection.disconnect();
        }
    }

    private static byte[] readAtMost(InputStream in, int limit, URI location) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
            if (out.size() > limit) {
                throw new IOException("the policy at " + location + " is larger than " + limit + " bytes");
            }
        }
        return out.toByteArray();
    }

    private static final class Cached {
        final String id;
        final MtaStsPolicy policy;
        final Instant expires;

        Cached(String id, MtaStsPolicy policy, Instant expires) {
            this.id = id;
            this.policy = policy;
            this.expires = expires;
        }
    }
}
