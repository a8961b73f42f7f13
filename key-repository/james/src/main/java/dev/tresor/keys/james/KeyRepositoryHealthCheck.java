package dev.tresor.keys.james;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.TreeSet;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.jdbc.PostgresChangeListener;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.spi.CertificateRecord;
import dev.tresor.keys.spi.KeyStorage;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reports on James's {@code /healthcheck}: <em>unhealthy</em> when the key storage does not answer or the master key
 * in use cannot unwrap a stored tenant key (another node rotated the master key, say), <em>degraded</em>
 * when active certificates with a private key (the ones Tresor signs and decrypts with) expire within
 * {@code healthcheck.expiringWithinDays}, listing them, or when this node does not hear the changes other nodes
 * make to a shared PostgreSQL storage (its {@link PostgresChangeListener} is not connected: until it is, every
 * certificate lookup goes to the database, which is correct but slower), <em>healthy</em> otherwise. Certificates
 * already expired, or revoked or superseded, are not reported: they are kept on purpose, to decrypt old mail.
 */
public final class KeyRepositoryHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("Tresor key repository");
    /** Expired keys come first in the storage's answer and are skipped: ask for enough to reach the expiring ones. */
    private static final int SCANNED = 1000;
    private static final int LISTED = 10;

    private final KeyStorage storage;
    private final KeyProtection protection;
    private final Duration warningPeriod;
    private final Clock clock;
    private final Supplier<Optional<PostgresChangeListener.State>> changeListener;

    @Inject
    public KeyRepositoryHealthCheck(KeyStorage storage, KeyProtection protection, KeyRepositoryConfiguration configuration,
                                    Clock clock, ConfiguredKeyStorage configured) {
        this(storage, protection, configuration.expiryWarning(), clock,
            () -> configured.changeListener().map(PostgresChangeListener::state));
    }

    KeyRepositoryHealthCheck(KeyStorage storage, KeyProtection protection, Duration warningPeriod, Clock clock) {
        this(storage, protection, warningPeriod, clock, Optional::empty);
    }

    KeyRepositoryHealthCheck(KeyStorage storage, KeyProtection protection, Duration warningPeriod, Clock clock,
                             Supplier<Optional<PostgresChangeListener.State>> changeListener) {
        this.storage = storage;
        this.protection = protection;
        this.warningPeriod = warningPeriod;
        this.clock = clock;
        this.changeListener = changeListener;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::checkNow)
            .subscribeOn(Schedulers.boundedElastic())
            .onErrorResume(e -> Mono.just(Result.unhealthy(COMPONENT, "The key storage does not answer: " + e.getMessage(), e)));
    }

    private Result checkNow() {
        Instant now = clock.instant();
        storage.tenants().allTenants();
        List<String> unwrappable = protection.unwrappableTenantKeyProblems();
        if (!unwrappable.isEmpty()) {
            return Result.unhealthy(COMPONENT, CheckedKeyProtection.describe(protection, unwrappable)
                + ": no private key of those tenants can be used. Configure the master key they were stored under.");
        }
        List<String> degraded = new ArrayList<>();
        changeListener.get()
            .filter(state -> !state.listening())
            .ifPresent(state -> degraded.add("Not hearing the key changes of other nodes since " + state.since()
                + state.problem().map(problem -> " (" + problem + ")").orElse("")
                + ": every certificate lookup reads the database until the listening connection is back"));
        if (!warningPeriod.isZero()) {
            List<CertificateRecord> expiring = storage.certificates()
                .certificatesWithPrivateKeyExpiringBefore(now.plus(warningPeriod), SCANNED)
                .stream()
                .filter(certificate -> certificate.status() == KeyStatus.ACTIVE)
                .filter(certificate -> certificate.notAfter().isAfter(now))
                .collect(Collectors.toUnmodifiableList());
            if (!expiring.isEmpty()) {
                degraded.add(describe(expiring));
            }
        }
        return degraded.isEmpty() ? Result.healthy(COMPONENT) : Result.degraded(COMPONENT, String.join(". ", degraded));
    }

    private String describe(List<CertificateRecord> expiring) {
        String listed = expiring.stream()
            .limit(LISTED)
            .map(KeyRepositoryHealthCheck::describe)
            .collect(Collectors.joining("; "));
        String more = expiring.size() > LISTED ? "; and " + (expiring.size() - LISTED) + " more" : "";
        return expiring.size() + " certificate(s) with a private key expire within " + warningPeriod.toDays()
            + " days; renew them, then mark the old ones superseded: " + listed + more;
    }

    private static String describe(CertificateRecord certificate) {
        return "tenant " + certificate.tenant().asString() + ", " + String.join(", ", new TreeSet<>(certificate.addresses()))
            + ", expires " + LocalDate.ofInstant(certificate.notAfter(), ZoneOffset.UTC) + " (" + certificate.fingerprint().asString() + ")";
    }
}
