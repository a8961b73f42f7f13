package dev.tresor.keys.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import spark.Request;
import spark.RequestResponseFactory;

class TresorRequestLoggerTest {
    private final TresorRequestLogger logger = new TresorRequestLogger();

    @Test
    void everyKeyRepositoryRouteShouldBeLoggedWithoutItsBody() {
        assertThat(logger.applies(request("/tresor/tenants"))).isTrue();
        assertThat(logger.applies(request("/tresor/tenants/acme/keys/export"))).isTrue();
        assertThat(logger.applies(request("/tresor/tenants/acme/pdf-passwords/bob@partner.example"))).isTrue();
    }

    @Test
    void otherRoutesShouldBeLeftToJamessLogger() {
        assertThat(logger.applies(request("/users/bob@acme.example"))).isFalse();
        assertThat(logger.applies(request("/healthcheck"))).isFalse();
    }

    private static Request request(String path) {
        org.eclipse.jetty.server.Request servletRequest = new org.eclipse.jetty.server.Request(null, null);
        servletRequest.setPathInfo(path);
        return RequestResponseFactory.create(servletRequest);
    }
}
