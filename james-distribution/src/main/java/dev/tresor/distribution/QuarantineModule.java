package dev.tresor.distribution;

import org.apache.james.webadmin.Routes;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

import dev.tresor.quarantine.QuarantineRoutes;

/**
 * The tenants' quarantines over WebAdmin ({@link QuarantineRoutes}, under {@code /tresor/tenants/{tenant}/quarantine}).
 * The Quarantine mailet and the routes share James's mail repository store and spool; they need no binding of their
 * own. A stock James adds the routes with {@code extensions.routes} in webadmin.properties instead (conf/bundle/).
 */
final class QuarantineModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), Routes.class).addBinding().to(QuarantineRoutes.class);
    }
}
