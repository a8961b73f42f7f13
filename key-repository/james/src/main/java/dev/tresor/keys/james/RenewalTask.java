package dev.tresor.keys.james;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.james.task.Task;
import org.apache.james.task.TaskExecutionDetails;
import org.apache.james.task.TaskType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.lifecycle.ExpiringKey;
import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.KeyLifecycle;
import dev.tresor.keys.lifecycle.Renewal;
import dev.tresor.keys.lifecycle.TenantCa;

/**
 * The renewal job, as a James {@link Task} (so {@code GET /tasks/{id}} shows what it did): for every tenant with a CA
 * (or the one given) it renews the issued keys that are due ({@link KeyLifecycle#renew}, audited with the actor
 * {@value #ACTOR}), refreshes the CRL ({@link KeyLifecycle#crl}) and lists the keys from outside (imported,
 * harvested) that expire within the CA's {@code expiryWarningDays}: Tresor cannot renew those, an admin must. When
 * the CA's settings name a {@code notify} address, those keys are mailed to it ({@link ExpiryNotices}, each key at
 * most once a day).
 *
 * <p>One tenant's failure is logged and reported, and the job goes on with the next; an issued key still due after
 * its tenant's renewal is reported as overdue. The task ends {@code COMPLETED} when nothing failed, else
 * {@code PARTIAL}. Its details, readable while it runs: {@link Report}.
 */
public final class RenewalTask implements Task {
    public static final TaskType TYPE = TaskType.of("tresor-key-renewal");
    public static final String ACTOR = "renewal-job";
    private static final Logger LOGGER = LoggerFactory.getLogger(RenewalTask.class);

    private final KeyLifecycle lifecycle;
    private final Optional<TenantId> tenant;
    private final Clock clock;
    private final Optional<ExpiryNotices> notices;
    private final Report report;

    /** A run that reports expiring keys from outside without mailing anyone. */
    public RenewalTask(KeyLifecycle lifecycle, Optional<TenantId> tenant, Clock clock) {
        this(lifecycle, tenant, clock, Optional.empty());
    }

    public RenewalTask(KeyLifecycle lifecycle, Optional<TenantId> tenant, Clock clock, Optional<ExpiryNotices> notices) {
        this.lifecycle = lifecycle;
        this.tenant = tenant;
        this.clock = clock;
        this.notices = notices;
        this.report = new Report(tenant.map(TenantId::asString), clock.instant());
    }

    @Override
    public Result run() {
        List<TenantId> tenants;
        try {
            tenants = tenant.map(List::of).orElseGet(lifecycle::tenantsWithCa);
        } catch (RuntimeException e) {
            LOGGER.error("Key renewal: cannot list the tenants with a CA", e);
            report.failed("*", "cannot list the tenants with a CA: " + e.getMessage());
            return Result.PARTIAL;
        }
        for (TenantId each : tenants) {
            visit(each);
        }
        LOGGER.info("Key renewal: {} tenant(s), {} key(s) renewed, {} failure(s), {} key(s) from outside expiring soon",
            tenants.size(), report.renewed().size(), report.failures().size(), report.expiring().size());
        return report.failures().isEmpty() ? Result.COMPLETED : Result.PARTIAL;
    }

    private void visit(TenantId tenant) {
        Optional<TenantCa> ca;
        try {
            ca = lifecycle.ca(tenant);
        } catch (RuntimeException e) {
            fail(tenant, "cannot read the tenant's CA", e);
            return;
        }
        if (ca.isEmpty()) {
            report.failed(tenant.asString(), "the tenant has no CA");
            return;
        }
        CaSettings settings = ca.get().settings();
        try {
            lifecycle.renew(tenant, ACTOR).forEach(renewal -> report.renewed(renewal));
        } catch (RuntimeException e) {
            fail(tenant, "renewal failed", e);
        }
        try {
            lifecycle.crl(tenant);
        } catch (RuntimeException e) {
            fail(tenant, "the CRL could not be refreshed", e);
        }
        try {
            overdue(lifecycle, tenant, settings, clock.instant(), Duration.ZERO)
                .forEach(key -> report.failed(tenant.asString(), "not renewed: " + key.kind().asString() + " "
                    + key.id() + " of " + key.address().asString() + ", expires " + key.notAfter()));
        } catch (RuntimeException e) {
            fail(tenant, "cannot read the issued keys", e);
        }
        List<ExpiringKey> outside;
        try {
            outside = lifecycle.expiring(tenant, settings.expiryWarningDays()).stream()
                .filter(key -> key.origin() != Origin.ISSUED)
                .collect(Collectors.toList());
        } catch (RuntimeException e) {
            fail(tenant, "cannot list the expiring keys", e);
            return;
        }
        outside.forEach(key -> report.expiring(tenant, key));
        if (!outside.isEmpty() && notices.isPresent() && settings.notifyAddress().isPresent()) {
            try {
                notices.get().notify(tenant, settings.notifyAddress().get(), outside);
            } catch (RuntimeException e) {
                fail(tenant, "the expiry notice to " + settings.notifyAddress().get().asString() + " failed", e);
            }
        }
    }

    private void fail(TenantId tenant, String what, RuntimeException e) {
        LOGGER.error("Key renewal of tenant {}: {}", tenant.asString(), what, e);
        report.failed(tenant.asString(), what + ": " + e.getMessage());
    }

    /**
     * The tenant's active issued keys that should have been renewed {@code grace} ago: {@code renewBeforeDays} before
     * they expire. Right after a renewal run ({@code grace} zero) these are the keys whose renewal failed.
     */
    static List<IssuedKey> overdue(KeyLifecycle lifecycle, TenantId tenant, CaSettings settings, Instant now,
                                   Duration grace) {
        List<IssuedKey> overdue = new ArrayList<>();
        for (IssuedKey key : lifecycle.issued(tenant, Optional.empty())) {
            Instant due = key.notAfter().minus(Duration.ofDays(settings.renewBeforeDays())).plus(grace);
            if (key.status() == KeyStatus.ACTIVE && key.renewedBy().isEmpty() && !now.isBefore(due)
                && now.isBefore(key.notAfter().plus(grace))) {
                overdue.add(key);
            }
        }
        return overdue;
    }

    @Override
    public TaskType type() {
        return TYPE;
    }

    Optional<TenantId> tenant() {
        return tenant;
    }

    @Override
    public Optional<TaskExecutionDetails.AdditionalInformation> details() {
        return Optional.of(report.snapshot(clock.instant()));
    }

    /**
     * What a run did so far: the tenant it was limited to, the keys renewed ({@code tenant, kind, address, superseded,
     * replacement}), the failures ({@code tenant, reason}) and the keys from outside expiring soon ({@code tenant,
     * kind, fingerprint, addresses, origin, notAfter}). Immutable once taken by {@link #snapshot}.
     */
    public static final class Report implements TaskExecutionDetails.AdditionalInformation {
        private final Optional<String> tenant;
        private final List<Map<String, String>> renewed;
        private final List<Map<String, String>> failures;
        private final List<Map<String, String>> expiring;
        private final Instant timestamp;

        public Report(Optional<String> tenant, List<Map<String, String>> renewed, List<Map<String, String>> failures,
                      List<Map<String, String>> expiring, Instant timestamp) {
            this.tenant = tenant;
            this.renewed = renewed;
            this.failures = failures;
            this.expiring = expiring;
            this.timestamp = timestamp;
        }

        private Report(Optional<String> tenant, Instant timestamp) {
            this(tenant, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), timestamp);
        }

        public Optional<String> tenant() {
            return tenant;
        }

        public List<Map<String, String>> renewed() {
            return renewed;
        }

        public List<Map<String, String>> failures() {
            return failures;
        }

        public List<Map<String, String>> expiring() {
            return expiring;
        }

        @Override
        public Instant timestamp() {
            return timestamp;
        }

        private synchronized void renewed(Renewal renewal) {
            renewed.add(entries("tenant", renewal.replacement().tenant().asString(),
                "kind", renewal.replacement().kind().asString(),
                "address", renewal.replacement().address().asString(),
                "superseded", renewal.superseded().id(),
                "replacement", renewal.replacement().id()));
        }

        private synchronized void failed(String tenant, String reason) {
            failures.add(entries("tenant", tenant, "reason", reason));
        }

        private synchronized void expiring(TenantId tenant, ExpiringKey key) {
            expiring.add(entries("tenant", tenant.asString(),
                "kind", key.kind().asString(),
                "fingerprint", key.fingerprint(),
                "addresses", key.addresses().stream().map(EmailAddress::asString).collect(Collectors.joining(",")),
                "origin", key.origin().name().toLowerCase(Locale.ROOT),
                "notAfter", key.notAfter().toString()));
        }

        private synchronized Report snapshot(Instant now) {
            return new Report(tenant, List.copyOf(renewed), List.copyOf(failures), List.copyOf(expiring), now);
        }

        private static Map<String, String> entries(String... keysAndValues) {
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                map.put(keysAndValues[i], keysAndValues[i + 1]);
            }
            return Collections.unmodifiableMap(map);
        }
    }
}
