package dev.tresor.keys.webadmin;

import static dev.tresor.keys.webadmin.ErrorResponses.conflict;

import java.time.Clock;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.task.TaskManager;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.tasks.TaskFromRequest;
import org.apache.james.webadmin.utils.JsonTransformer;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.ExpiryNotices;
import dev.tresor.keys.james.RenewalTask;
import spark.Request;
import spark.Service;

/**
 * {@code POST /tresor/lifecycle/renewals[?tenant=acme]}: runs the renewal job now ({@link RenewalTask}, for every
 * tenant with a CA or the one named), as a James task: 201 with {@code {"taskId": ...}} and a {@code Location} header,
 * the job's details then on {@code GET /tasks/{taskId}}. 404 for an unknown tenant, 409 for one without CA.
 *
 * <p>A route of its own, outside {@code /tresor/tenants}: it acts on every tenant, so in Tresor's distribution only an
 * admin token reaches it (a tenant-scoped token reaches only {@code /tresor/tenants/{its tenant}}).
 */
public final class RenewalRoutes implements Routes {
    public static final String RENEWALS = "/tresor/lifecycle/renewals";

    private final KeyRepository repository;
    private final TaskManager taskManager;
    private final Clock clock;
    private final ExpiryNotices notices;
    private final JsonTransformer json;

    @Inject
    public RenewalRoutes(KeyRepository repository, TaskManager taskManager, Clock clock, ExpiryNotices notices,
                         JsonTransformer json) {
        this.repository = repository;
        this.taskManager = taskManager;
        this.clock = clock;
        this.notices = notices;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return RENEWALS;
    }

    @Override
    public void define(Service service) {
        TaskFromRequest renewal = this::renewal;
        service.post(RENEWALS, renewal.asRoute(taskManager), json);
    }

    private RenewalTask renewal(Request request) {
        Optional<TenantId> tenant = RequestParameters.query(request, "tenant")
            .map(name -> RequestParameters.tenant("tenant", name));
        tenant.ifPresent(this::checkHasCa);
        return new RenewalTask(repository.lifecycle(), tenant, clock, Optional.of(notices));
    }

    private void checkHasCa(TenantId tenant) {
        if (!repository.tenants().exists(tenant)) {
            throw RequestParameters.unknownTenant(tenant);
        }
        if (repository.lifecycle().ca(tenant).isEmpty()) {
            throw conflict("Tenant '" + tenant.asString() + "' has no CA: nothing to renew");
        }
    }
}
