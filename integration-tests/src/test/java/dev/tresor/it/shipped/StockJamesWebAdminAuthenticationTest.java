package dev.tresor.it.shipped;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What holds in a stock James 3.8.1 with the drop-in bundle and the sample {@code webadmin.properties}
 * ({@code jwt.enabled=true}): James's own {@code JwtFilter} guards every route, Tresor's included, and an extension
 * cannot replace it (James builds extension modules into a child injector, after WebAdmin's filter is bound). So admin
 * tokens work, and a tenant-scoped token is refused everywhere (401), its own tenant's routes included: the bundle
 * never lets a tenant token through, it only lacks the distribution's tenant scope.
 */
class StockJamesWebAdminAuthenticationTest {
    @RegisterExtension
    static ShippedServer stockJames = ShippedServer.stockJamesWithBundle();

    private static String acmeToken;

    @BeforeAll
    static void aTenantAndItsToken() {
        stockJames.webAdmin().put("/tresor/tenants/acme").then().statusCode(201);
        acmeToken = stockJames.token("tenant", "acme");
    }

    @Test
    void anAdminTokenShouldReachJamesAndTresorRoutes() {
        stockJames.webAdmin().get("/domains").then().statusCode(200);
        stockJames.webAdmin().get("/tresor/tenants/acme").then().statusCode(200);
    }

    @Test
    void aTenantTokenShouldBeRefusedEverywhere() {
        stockJames.webAdmin(acmeToken).get("/tresor/tenants/acme").then().statusCode(401);
        stockJames.webAdmin(acmeToken).get("/tresor/tenants").then().statusCode(401);
        stockJames.webAdmin(acmeToken).get("/domains").then().statusCode(401);
    }

    @Test
    void noTokenShouldBeUnauthorized() {
        stockJames.webAdminWithoutToken().get("/tresor/tenants/acme").then().statusCode(401);
        stockJames.webAdminWithoutToken().get("/domains").then().statusCode(401);
    }
}
