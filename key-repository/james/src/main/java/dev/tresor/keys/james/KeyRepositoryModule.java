package dev.tresor.keys.james;

import javax.inject.Named;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;
import org.apache.james.task.TaskExecutionDetails;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.dto.DTOModuleInjections;
import org.apache.james.webadmin.mdc.RequestLogger;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

import dev.tresor.keys.webadmin.KeyRepositoryRoutes;
import dev.tresor.keys.webadmin.RenewalRoutes;
import dev.tresor.keys.webadmin.TresorRequestLogger;

/**
 * The key repository in Tresor's distribution: {@link KeyRepositoryExtensionModule}'s bindings plus the WebAdmin routes
 * under {@code /tresor/tenants} and {@code /tresor/lifecycle}, the health check, a request logger that keeps these
 * routes' bodies (passwords, key files) out of James's log, the renewal job's schedule and the publication server
 * (started with James, stopped with it), and the renewal task's details on {@code GET /tasks/{id}}.
 */
public final class KeyRepositoryModule extends AbstractModule {

    @Override
    protected void configure() {
        install(new KeyRepositoryExtensionModule());
        Multibinder<Routes> routes = Multibinder.newSetBinder(binder(), Routes.class);
        routes.addBinding().to(KeyRepositoryRoutes.class);
        routes.addBinding().to(RenewalRoutes.class);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(KeyRepositoryHealthCheck.class);
        Multibinder.newSetBinder(binder(), RequestLogger.class).addBinding().to(TresorRequestLogger.class);
    }

    @ProvidesIntoSet
    InitializationOperation startPublicationServer(PublicationServer server) {
        return InitilizationOperationBuilder.forClass(PublicationServer.class).init(server::start);
    }

    @ProvidesIntoSet
    InitializationOperation startRenewalScheduler(RenewalScheduler scheduler) {
        return InitilizationOperationBuilder.forClass(RenewalScheduler.class).init(scheduler::start);
    }

    @Named(DTOModuleInjections.WEBADMIN_DTO)
    @ProvidesIntoSet
    AdditionalInformationDTOModule<? extends TaskExecutionDetails.AdditionalInformation, ? extends AdditionalInformationDTO> renewalReport() {
        return RenewalTaskReportDTO.module();
    }
}
