package dev.tresor.keys.james;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.mdc.RequestLogger;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

import dev.tresor.keys.webadmin.KeyRepositoryRoutes;
import dev.tresor.keys.webadmin.TresorRequestLogger;

/**
 * The key repository in Tresor's distribution: {@link KeyRepositoryExtensionModule}'s bindings plus the WebAdmin routes
 * under {@code /tresor/tenants}, the health check, and a request logger that keeps these routes' bodies (passwords,
 * key files) out of James's log.
 */
public final class KeyRepositoryModule extends AbstractModule {

    @Override
    protected void configure() {
        install(new KeyRepositoryExtensionModule());
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(KeyRepositoryRoutes.class);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(KeyRepositoryHealthCheck.class);
        Multibinder.newSetBinder(binder(), RequestLogger.class).addBinding().to(TresorRequestLogger.class);
    }
}
