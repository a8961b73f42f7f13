package dev.tresor.distribution.webadmin;

import java.io.FileNotFoundException;
import java.util.List;
import java.util.Set;

import javax.inject.Named;
import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.jwt.JwtTokenVerifier;
import org.apache.james.utils.ClassName;
import org.apache.james.utils.GuiceGenericLoader;
import org.apache.james.utils.NamingScheme;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.PublicRoutes;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.authentication.AuthenticationFilter;
import org.apache.james.webadmin.authentication.NoAuthenticationFilter;
import org.apache.james.webadmin.routes.HealthCheckRoutes;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.fge.lambdas.Throwing;
import com.google.common.collect.ImmutableList;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import spark.Service;

/**
 * Replaces two bindings of James's {@code WebAdminServerModule} (install it with
 * {@code Modules.override(webAdmin).with(new WebAdminAuthenticationModule())}):
 * <ul>
 *     <li>the authentication filter: with {@code jwt.enabled=true} in {@code webadmin.properties},
 *         {@link TenantScopedJwtFilter}, which accepts James's admin tokens and Tresor's tenant-scoped ones; otherwise
 *         no authentication, as James. James's own switch and key location stay the configuration ({@code jwt.enabled},
 *         {@code jwt.publickeypem.url});</li>
 *     <li>the route list: James's, in James's order ({@code Routes} bound by modules, then {@code extensions.routes}),
 *         except that only the health check stays public. James serves a {@link PublicRoutes} (its metrics, say)
 *         without asking for a token, so a tenant token, or none, would read it; here it needs a token like every
 *         other route (an admin token: it is not under a tenant).</li>
 * </ul>
 *
 * <p>Only a server that composes its own modules can do this: a stock James builds its {@code guice.extension.module}s
 * into a child injector, after WebAdmin's filter is bound, so the drop-in bundle keeps James's {@code JwtFilter}
 * (admin tokens only; a tenant token is answered 401 everywhere).
 */
public final class WebAdminAuthenticationModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebAdminAuthenticationModule.class);

    @Provides
    @Singleton
    AuthenticationFilter authenticationFilter(PropertiesProvider properties,
                                              @Named("webadmin") JwtTokenVerifier.Factory verifierFactory)
        throws ConfigurationException {
        try {
            if (properties.getConfiguration("webadmin").getBoolean("jwt.enabled", false)) {
                return new TenantScopedJwtFilter(verifierFactory);
            }
            return new NoAuthenticationFilter();
        } catch (FileNotFoundException e) {
            return new NoAuthenticationFilter();
        }
    }

    @Provides
    @Singleton
    @Named("webAdminRoutes")
    List<Routes> routes(GuiceGenericLoader loader, WebAdminConfiguration configuration, Set<Routes> bound) {
        List<Routes> extensions = configuration.getAdditionalRoutes().stream()
            .map(ClassName::new)
            .map(Throwing.function(loader.<Routes>withNamingSheme(NamingScheme.IDENTITY)::instantiate))
            .peek(routes -> LOGGER.info("Loading WebAdmin route extension {}", routes.getClass().getCanonicalName()))
            .collect(ImmutableList.toImmutableList());
        return onlyHealthCheckPublic(ImmutableList.<Routes>builder().addAll(bound).addAll(extensions).build());
    }

    static List<Routes> onlyHealthCheckPublic(List<Routes> routes) {
        return routes.stream()
            .map(route -> route instanceof PublicRoutes && !(route instanceof HealthCheckRoutes)
                ? authenticated(route)
                : route)
            .collect(ImmutableList.toImmutableList());
    }

    /** The same routes, no longer a {@link PublicRoutes}: James puts its authentication filter before them. */
    private static Routes authenticated(Routes publicRoutes) {
        return new Routes() {
            @Override
            public String getBasePath() {
                return publicRoutes.getBasePath();
            }

            @Override
            public void define(Service service) {
                publicRoutes.define(service);
            }
        };
    }
}
