package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.badRequest;
import static dev.tresor.keys.webadmin.KeyRepositoryRoutes.TENANT_PATH;
import static dev.tresor.keys.webadmin.RequestParameters.existingTenant;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.webadmin.utils.JsonTransformer;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import spark.Request;
import spark.Response;
import spark.Service;

/** A tenant's audit log: {@code from <= time < to}, newest first; by default the last 24 hours, 100 events. */
final class AuditRoutes {
    private static final String AUDIT = TENANT_PATH + "/audit";
    private static final Duration DEFAULT_PERIOD = Duration.ofHours(24);
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 10_000;

    private final KeyRepository repository;
    private final Clock clock;
    private final JsonTransformer json;

    AuditRoutes(KeyRepository repository, Clock clock, JsonTransformer json) {
        this.repository = repository;
        this.clock = clock;
        this.json = json;
    }

    void define(Service service) {
        service.get(AUDIT, this::query, json);
    }

    private List<AuditEventResponse> query(Request request, Response response) {
        TenantId tenant = existingTenant(request, repository.tenants());
        // "to" is exclusive: one millisecond past now includes what happened this very instant
        Instant to = RequestParameters.instant(request, "to").orElseGet(() -> clock.instant().plusMillis(1));
        Instant from = RequestParameters.instant(request, "from").orElseGet(() -> to.minus(DEFAULT_PERIOD));
        if (!from.isBefore(to)) {
            throw badRequest("Invalid period: from (" + from + ") must be before to (" + to + ")");
        }
        int limit = RequestParameters.limit(request, DEFAULT_LIMIT, MAX_LIMIT);
        return repository.audit().query(tenant, from, to, limit).stream()
            .map(AuditEventResponse::new)
            .collect(Collectors.toUnmodifiableList());
    }
}
