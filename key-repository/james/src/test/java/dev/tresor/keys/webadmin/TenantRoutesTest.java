package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.TenantId;
import io.restassured.http.ContentType;

/** The WebAdmin routes of tenants, their domains and federation grants ({@link TenantRoutes}). */
class TenantRoutesTest extends RoutesFixture {
    @Nested
    class Tenants {
        @Test
        void putShouldCreateTheTenantThenReportItExisted() {
            when().put(ACME).then().statusCode(HttpStatus.CREATED_201);
            when().put(ACME).then().statusCode(HttpStatus.NO_CONTENT_204);

            assertThat(repository.tenants().exists(ACME_ID)).isTrue();
        }

        @Test
        void putShouldRefuseAnInvalidTenantIdWithTheRule() {
            when().put("Acme!")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("type", is("InvalidArgument"))
                .body("message", startsWith("Invalid tenant id 'Acme!': use 1 to 64 lower-case letters"));
        }

        @Test
        void listShouldShowTenantsInOrder() {
            when().put("zeta");
            when().put(ACME);

            when().get()
            .then()
                .statusCode(HttpStatus.OK_200)
                .contentType(ContentType.JSON)
                .body(".", contains(ACME, "zeta"));
        }

        @Test
        void getShouldShowDomainsAndFederationGrantors() {
            when().put(ACME);
            when().put("partner");
            when().put(ACME + "/domains/acme.example");
            when().put("partner/federation/" + ACME);

            when().get(ACME)
            .then()
                .statusCode(HttpStatus.OK_200)
                .body("tenant", is(ACME))
                .body("domains", contains("acme.example"))
                .body("federationGrantors", contains("partner"));
        }

        @Test
        void getShouldAnswerNotFoundForAnUnknownTenant() {
            when().get("nobody")
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Unknown tenant 'nobody'"));
        }
    }

    @Nested
    class Domains {
        @BeforeEach
        void createTenant() {
            when().put(ACME);
        }

        @Test
        void putShouldMapTheNormalisedDomainToTheTenant() {
            when().put(ACME + "/domains/Bücher.Example").then().statusCode(HttpStatus.NO_CONTENT_204);

            assertThat(repository.tenants().tenantOf("xn--bcher-kva.example")).isEqualTo(ACME_ID);
            when().get(ACME + "/domains").then().body(".", contains("xn--bcher-kva.example"));
        }

        @Test
        void twoDomainsShouldBothBeListed() {
            when().put(ACME + "/domains/acme.example");
            when().put(ACME + "/domains/acme-corp.example");

            when().get(ACME + "/domains")
            .then()
                .statusCode(HttpStatus.OK_200)
                .body(".", hasSize(2));
        }

        @Test
        void putShouldRefuseSomethingThatIsNoDomain() {
            when().put(ACME + "/domains/not a domain")
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", startsWith("Invalid domain 'not a domain'"));
        }

        @Test
        void putShouldAnswerNotFoundForAnUnknownTenant() {
            when().put("nobody/domains/acme.example")
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Unknown tenant 'nobody'"));
        }

        @Test
        void deleteShouldUnmapTheDomain() {
            when().put(ACME + "/domains/acme.example");

            when().delete(ACME + "/domains/acme.example").then().statusCode(HttpStatus.NO_CONTENT_204);

            assertThat(repository.tenants().domains(ACME_ID)).isEmpty();
        }

        @Test
        void deleteShouldNotTouchTheDomainOfAnotherTenant() {
            when().put("other");
            when().put("other/domains/other.example");

            when().delete(ACME + "/domains/other.example")
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Domain 'other.example' is not mapped to tenant 'acme'"));
            assertThat(repository.tenants().tenantOf("other.example")).isEqualTo(TenantId.of("other"));
        }
    }

    @Nested
    class Federation {
        @BeforeEach
        void createTenants() {
            when().put(ACME);
            when().put("partner");
        }

        @Test
        void putShouldLetTheGranteeUseTheGrantorsCertificates() {
            when().put("partner/federation/" + ACME).then().statusCode(HttpStatus.NO_CONTENT_204);

            assertThat(repository.tenants().federatedWith(ACME_ID)).containsExactly(TenantId.of("partner"));
        }

        @Test
        void deleteShouldRevokeTheGrant() {
            when().put("partner/federation/" + ACME);

            when().delete("partner/federation/" + ACME).then().statusCode(HttpStatus.NO_CONTENT_204);

            assertThat(repository.tenants().federatedWith(ACME_ID)).isEmpty();
        }

        @Test
        void deleteShouldAnswerNotFoundWithoutAGrant() {
            when().delete("partner/federation/" + ACME)
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Tenant 'partner' has not granted federation to 'acme'"));
        }

        @Test
        void putShouldAnswerNotFoundForAnUnknownGrantee() {
            when().put("partner/federation/nobody")
            .then()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .body("message", is("Unknown tenant 'nobody'"));
        }

        @Test
        void putShouldRefuseATenantGrantingItself() {
            when().put(ACME + "/federation/" + ACME)
            .then()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .body("message", is("A tenant cannot grant federation to itself ('acme')"));
        }
    }
}
