package dev.tresor.distribution.webadmin;

import java.io.FileNotFoundException;

import javax.inject.Named;
import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.jwt.JwtTokenVerifier;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.authentication.AuthenticationFilter;
import org.apache.james.webadmin.authentication.NoAuthenticationFilter;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * Replaces the authentication filter of James's {@code WebAdminServerModule} (install it with
 * {@code Modules.override(webAdmin).with(new WebAdminAuthenticationModule())}): with {@code jwt.enabled=true} in
 * {@code webadmin.properties}, {@link TenantScopedJwtFilter}, which accepts James's admin tokens and Tresor's
 * tenant-scoped ones; otherwise no authentication, as James. James's own switch and key location stay the
 * configuration ({@code jwt.enabled}, {@code jwt.publickeypem.url}).
 *
 * <p>Only a server that composes its own modules can do this: a stock James builds its {@code guice.extension.module}s
 * into a child injector, after WebAdmin's filter is bound, so the drop-in bundle keeps James's {@code JwtFilter}
 * (admin tokens only; a tenant token is answered 401 everywhere).
 */
public final class WebAdminAuthenticationModule extends AbstractModule {
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
}
