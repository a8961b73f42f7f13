package dev.tresor.smime;

import java.io.IOException;
import java.net.URI;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps fetched CRLs by URL until their {@code nextUpdate} (a day at most), the least recently
 * used dropped beyond {@code maxEntries}. A failed fetch is remembered for a minute too, so that an
 * unreachable distribution point costs one timeout per minute rather than one per mail.
 */
public final class CachingCrlFetcher implements CrlFetcher {
    private static final Duration MAX_AGE = Duration.ofHours(24);
    private static final Duration FAILURE_MEMORY = Duration.ofMinutes(1);

    private final CrlFetcher origin;
    private final Clock clock;
    private final Map<URI, Cached> entries;

    private static final class Cached {
        private final X509CRL crl;
        private final IOException failure;
        private final Instant expires;

        private Cached(X509CRL crl, IOException failure, Instant expires) {
            this.crl = crl;
            this.failure = failure;
            this.expires = expires;
        }
    }

    public CachingCrlFetcher(CrlFetcher origin, Clock clock, int maxEntries) {
        this.origin = Objects.requireNonNull(origin);
        this.clock = Objects.requireNonNull(clock);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<URI, Cached> eldest) {
                return size() > maxEntries;
            }
        };
    }

    @Override
    public X509CRL fetch(URI distributionPoint) throws IOException {
        Instant now = clock.instant();
        Cached cached = cached(distributionPoint, now);
        if (cached == null) {
            cached = load(distributionPoint, now);
        }
        if (cached.failure != null) {
            throw new IOException(cached.failure.getMessage(), cached.failure);
        }
        return cached.crl;
    }

    private synchronized Cached cached(URI distributionPoint, Instant now) {
        Cached entry = entries.get(distributionPoint);
        if (entry != null && now.isBefore(entry.expires)) {
            return entry;
        }
        entries.remove(distributionPoint);
        return null;
    }

    /** Fetches outside the lock: one slow distribution point must not hold up the others. */
    private Cached load(URI distributionPoint, Instant now) {
        Cached entry;
        try {
            X509CRL crl = origin.fetch(distributionPoint);
            Instant nextUpdate = crl.getNextUpdate() == null ? now.plus(MAX_AGE) : crl.getNextUpdate().toInstant();
            entry = new Cached(crl, null, min(nextUpdate, now.plus(MAX_AGE)));
        } catch (IOException e) {
            entry = new Cached(null, e, now.plus(FAILURE_MEMORY));
        }
        synchronized (this) {
            entries.put(distributionPoint, entry);
        }
        return entry;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
