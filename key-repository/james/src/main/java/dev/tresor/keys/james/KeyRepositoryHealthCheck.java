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
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.jdbc.PostgresChangeListener;
import dev.tresor.keys.lifecycle.ExpiringKey;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.lifecycle.KeyLifecycle;
import dev.tresor.keys.lifecycle.TenantCa;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.spi.KeyStorage;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Reports on James's {@code /healthcheck}: <em>unhealthy</em> when the key storage does not answer or the master key
 * in use cannot unwrap a stored tenant key (another node rotated the master key, say); <em>degraded</em>, listing
 * them, when
 * <ul>
 *   <li>keys a tenant CA issued are past their renewal point ({@code renewBeforeDays} before they expire) by more than
 *       twice {@code lifecycle.renewal.interval} and still not renewed: the renewal job fails for them (its task
 *       details and the log say why);</li>
 *   <li>a tenant's own keys from outside (imported certificates with a private key, OpenPGP keys with a secret key)
 *       expire within {@code healthcheck.expiringWithinDays}: Tresor does not renew those, an admin must. Partners'
 *       keys are not reported: they come and go with the partners, and the renewal job lists them;</li>
 *   <li>this node does not hear the changes other nodes make to a shared PostgreSQL storage (its
 *       {@link PostgresChangeListener} is not connected: until it is, every certificate lookup goes to the database,
 *       which is correct but slower);</li>
 * </ul>
 * <em>healthy</em> otherwise. Keys already expired, or revoked or superseded, are not reported: they are kept on
 * purpose, to decrypt old mail. Keys Tresor issued are not reported for expiring soon: renewing them is its job.
 */
public final class KeyRepositoryHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("Tresor key repository");
    private static final int LISTED = 10;

    private final KeyStorage storage;
    private final KeyProtection protection;
    private final KeyRepository repository;
    private final Duration warningPeriod;
    private final Duration renewalGrace;
    private final Clock clock;
    private final Supplier<Optional<PostgresChangeListener.State>> changeListener;

    @Inject
    public KeyRepositoryHealthCheck(KeyStorage storage, KeyProtection protection, KeyRepository repository,
                                    KeyRepositoryConfiguration configuration, Clock clock,
                                    ConfiguredKeyStorage configured) {
        this(storage, protection, repository, configuration.expiryWarning(),
            configuration.renewalInterval().multipliedBy(2), clock,
            () -> configured.changeListener().map(PostgresChangeListener::state));
    }

    KeyRepositoryHealthCheck(KeyStorage storage, KeyProtection protection, KeyRepository repository,
                             Duration warningPeriod, Duration renewalGrace, Clock clock) {
        this(storage, protection, repository, warningPeriod, renewalGrace, clock, Optional::empty);
    }

    KeyRepositoryHealthCheck(KeyStorage storage, KeyProtection protection, KeyRepository repository,
                             Duration warningPeriod, Duration renewalGrace, Clock clock,
                             Supplier<Optional<PostgresChangeListener.State>> changeListener) {
        this.storage = storage;
        this.protection = protection;
        this.repository = repository;
        this.warningPeriod = warningPeriod;
        this.renewalGrace = renewalGrace;
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
        KeyLifecycle lifecycle = repository.lifecycle();
        List<String> overdue = overdueRenewals(lifecycle, now);
        if (!overdue.isEmpty()) {
            degraded.add(overdue.size() + " issued key(s) are past their renewal point and were not renewed (see the "
                + "failures of the last " + RenewalTask.TYPE.asString() + " task in GET /tasks, and James's log): "
                + list(overdue));
        }
        if (!warningPeriod.isZero()) {
            List<String> expiring = expiringFromOutside(lifecycle, now);
            if (!expiring.isEmpty()) {
                degraded.add(expiring.size() + " imported key(s) of the tenants' own users expire within "
                    + warningPeriod.toDays() + " days; Tresor renews only the keys it issued: import new ones, then "
                    + "mark the old ones superseded: " + list(expiring));
            }
        }
        changeListener.get()
            .filter(state -> !state.listening())
            .ifPresent(state -> degraded.add("Not hearing the key changes of other nodes since " + state.since()
                + state.problem().map(problem -> " (" + problem + ")").orElse("")
                + ": every certificate lookup reads the database until the listening connection is back"));
        return degraded.isEmpty() ? Result.healthy(COMPONENT) : Result.degraded(COMPONENT, String.join(". ", degraded));
    }

    private List<String> overdueRenewals(KeyLifecycle lifecycle, Instant now) {
        List<String> overdue = new ArrayList<>();
        for (TenantId tenant : lifecycle.tenantsWithCa()) {
            Optional<TenantCa> ca = lifecycle.ca(tenant);
            if (ca.isPresent()) {
                RenewalTask.overdue(lifecycle, tenant, ca.get().settings(), now, renewalGrace).stream()
                    .map(key -> "tenant " + tenant.asString() + ", " + key.kind().asString() + " " + key.id() + " of "
                        + key.address().asString() + ", expires " + day(key.notAfter()))
                    .forEach(overdue::add);
            }
        }
        return overdue;
    }

    private List<String> expiringFromOutside(KeyLifecycle lifecycle, Instant now) {
        int days = (int) Math.min(Integer.MAX_VALUE, warningPeriod.toDays());
        List<String> expiring = new ArrayList<>();
        for (TenantId tenant : repository.tenants().list()) {
            lifecycle.expiring(tenant, days).stream()
                .filter(key -> key.ownKey() && key.origin() != Origin.ISSUED && key.notAfter().isAfter(now))
                .map(key -> describe(tenant, key))
                .forEach(expiring::add);
        }
        return expiring;
    }

    private static String describe(TenantId tenant, ExpiringKey key) {
        return "tenant " + tenant.asString() + ", " + (key.kind() == KeyKind.SMIME ? "certificate " : "OpenPGP key ")
            + key.addresses().stream().map(EmailAddress::asString).sorted().collect(Collectors.joining(", "))
            + ", expires " + day(key.notAfter()) + " (" + key.fingerprint() + ")";
    }

    private static String list(List<String> items) {
        return items.stream().limit(LISTED).collect(Collectors.joining("; "))
            + (items.size() > LISTED ? "; and " + (items.size() - LISTED) + " more" : "");
    }

    private static LocalDate day(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }
}
