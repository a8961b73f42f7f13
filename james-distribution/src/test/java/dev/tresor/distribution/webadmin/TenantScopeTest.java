package dev.tresor.distribution.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tresor.keys.TenantId;

class TenantScopeTest {
    private final TenantScope acme = new TenantScope(TenantId.of("acme"));

    @ParameterizedTest
    @CsvSource({
        "GET, /tresor/tenants/acme",
        "GET, /tresor/tenants/acme/certificates",
        "POST, /tresor/tenants/acme/certificates",
        "PATCH, /tresor/tenants/acme/certificates/0a1b2c",
        "GET, /tresor/tenants/acme/lookup",
        "PUT, /tresor/tenants/acme/pdf-passwords/carol@partner.example",
        "PUT, /tresor/tenants/acme/pdf-passwords/carol%40partner.example",
        "PUT, /tresor/tenants/acme/pdf-passwords/j%C3%BCrgen@b%C3%BCro.example",
        "GET, /tresor/tenants/acme/domains",
        "PUT, /tresor/tenants/acme/federation/partner",
        "GET, /tresor/tenants/acme/policies/partner.example",
        "DELETE, /tresor/tenants/acme/quarantine/mail-1",
    })
    void aTenantTokenShouldReachItsOwnTenantsRoutes(String method, String path) {
        assertThat(acme.permits(method, path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/tresor/tenants",
        "/tresor/tenants/",
        "/tresor/tenants/globex",
        "/tresor/tenants/globex/certificates",
        "/tresor/tenants/acme2/certificates",
        "/tresor/tenants/acm",
        "/domains",
        "/domains/acme.example",
        "/users",
        "/mailRepositories",
        "/mailQueues",
        "/metrics",
        "/tasks",
        "/tresor",
        "/",
        "",
    })
    void aTenantTokenShouldReachNothingOutsideItsTenant(String path) {
        assertThat(acme.permits("GET", path)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/tresor/tenants/acme/../globex",
        "/tresor/tenants/acme/../globex/certificates",
        "/tresor/tenants/acme/./certificates",
        "/tresor/tenants/acme/%2e%2e/globex",
        "/tresor/tenants/acme/%2E%2E/globex",
        "/tresor/tenants/acme/.%2e/globex",
        "/tresor/tenants/acme/certificates%2F..%2F..%2Fglobex",
        "/tresor/tenants/acme%2F..%2Fglobex",
        "/tresor/tenants/acme%2fcertificates",
        "/tresor/tenants/acme/certificates%5C..%5Cglobex",
        "/tresor/tenants/acme/certificates\\..\\globex",
        "/tresor/tenants/acme/certificates;/../globex",
        "/tresor/tenants/acme;x=y/certificates",
        "/tresor/tenants/acme//certificates",
        "/tresor/tenants/acme/",
        "/tresor/tenants/acme/%252e%252e/globex",
        "/tresor/tenants/acme/certificates%",
        "/tresor/tenants/acme/certificates%2",
        "/tresor/tenants/acme/certificates%zz",
        "/tresor/tenants/acme/certificates%00",
        "/tresor/tenants/ACME/certificates",
        "/tresor/tenants/Acme",
        "/tresor/tenants/%61cme/certificates",
        "/tresor/tenants/acme%20/certificates",
        "/Tresor/tenants/acme",
        "/tresor/Tenants/acme",
        "//tresor/tenants/acme",
        "/tresor//tenants/acme",
        "/./tresor/tenants/acme",
        "/domains/../tresor/tenants/acme",
    })
    void aTenantTokenShouldNotReachAnythingThroughPathTricks(String path) {
        assertThat(acme.permits("GET", path)).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
        "PUT, /tresor/tenants/acme",
        "DELETE, /tresor/tenants/acme",
        "PUT, /tresor/tenants/acme/domains/acme.example",
        "put, /tresor/tenants/acme/domains/globex.example",
        "DELETE, /tresor/tenants/acme/domains/acme.example",
        "POST, /tresor/tenants/acme/domains",
    })
    void aTenantTokenShouldNotCreateItsTenantNorChangeWhichDomainsItOwns(String method, String path) {
        assertThat(acme.permits(method, path)).isFalse();
    }
}
