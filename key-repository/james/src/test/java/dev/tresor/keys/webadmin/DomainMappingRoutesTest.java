package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.AuditEvent.Operation;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;
import io.restassured.RestAssured;

/** A domain changes tenant only when an administrator says so, and never silently (issue 12, defect 3). */
class DomainMappingRoutesTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId OTHER = TenantId.of("other");

    @TempDir
    Path directory;

    private KeyRepository repository;
    private TestClock clock;
    private WebAdminServer server;

    @BeforeEach
    void startWebAdmin() {
        clock = new TestClock(Instant.now());
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
            MemoryTenantKeyStore.create());
        repository = StoredKeyRepository.create(new MemoryKeyStorage(), protection, clock);
        server = WebAdminUtils.createWebAdminServer(new KeyRepositoryRoutes(repository, clock, new JsonTransformer(), RoutesFixture.PUBLICATION_URL))
            .start();
        RestAssured.requestSpecification = WebAdminUtils.buildRequestSpecification(server)
            .setBasePath(KeyRepositoryRoutes.TENANTS)
            .build();
        when().put("acme");
        when().put("other");
        when().put("acme/domains/acme.example").then().statusCode(HttpStatus.NO_CONTENT_204);
    }

    @AfterEach
    void stopWebAdmin() {
        server.destroy();
    }

    @Test
    void mappingADomainAnotherTenantOwnsShouldBeRefusedWithTheOwnerAndTheWayToMoveIt() {
        when().put("other/domains/acme.example")
        .then()
            .statusCode(HttpStatus.CONFLICT_409)
            .body("statusCode", is(409))
            .body("type", is("WrongState"))
            .body("message", allOf(
                startsWith("Domain 'acme.example' belongs to tenant 'acme'"),
                containsString("PUT /tresor/tenants/other/domains/acme.example?from=acme"),
                containsString("DELETE /tresor/tenants/acme/domains/acme.example")));

        assertThat(repository.tenants().tenantOf("acme.example")).isEqualTo(ACME);
        assertThat(repository.tenants().domains(OTHER)).isEmpty();
    }

    @Test
    void mappingADomainInAnotherSpellingShouldBeRefusedToo() {
        when().put("other/domains/ACME.Example.").then().statusCode(HttpStatus.CONFLICT_409);

        assertThat(repository.tenants().tenantOf("acme.example")).isEqualTo(ACME);
    }

    @Test
    void mappingADomainAgainToItsOwnerShouldSucceedAndChangeNothing() {
        when().put("acme/domains/acme.example").then().statusCode(HttpStatus.NO_CONTENT_204);

        assertThat(repository.tenants().domains(ACME)).containsExactly("acme.example");
        assertThat(domainEvents(ACME)).hasSize(1);
    }

    @Test
    void aMoveNamingTheOwnerShouldMoveTheDomainAndBeAuditedInBothTenants() {
        when().put("other/domains/acme.example?from=acme").then().statusCode(HttpStatus.NO_CONTENT_204);

        assertThat(repository.tenants().tenantOf("acme.example")).isEqualTo(OTHER);
        assertThat(domainEvents(ACME)).extracting(AuditEvent::operation, AuditEvent::detail).contains(
            tuple(Operation.UNMAP_DOMAIN, Optional.of("domain acme.example moved to tenant other")));
        assertThat(domainEvents(OTHER)).extracting(AuditEvent::operation, AuditEvent::detail).containsExactly(
            tuple(Operation.MAP_DOMAIN, Optional.of("domain acme.example moved from tenant acme")));
    }

    @Test
    void theAuditLogRouteShouldShowTheMove() {
        when().put("other/domains/acme.example?from=acme");

        when().get("acme/audit")
        .then()
            .statusCode(HttpStatus.OK_200)
            .body("[0].operation", is("UNMAP_DOMAIN"))
            .body("[0].detail", is("domain acme.example moved to tenant other"));
    }

    @Test
    void aMoveNamingTheWrongOwnerShouldBeRefusedWithTheRealOne() {
        when().put("third");

        when().put("other/domains/acme.example?from=third")
        .then()
            .statusCode(HttpStatus.CONFLICT_409)
            .body("message", startsWith("Domain 'acme.example' belongs to tenant 'acme', not to 'third'"));

        assertThat(repository.tenants().tenantOf("acme.example")).isEqualTo(ACME);
    }

    @Test
    void aMoveOfAFreeDomainShouldBeRefused() {
        when().put("other/domains/free.example?from=acme")
        .then()
            .statusCode(HttpStatus.CONFLICT_409)
            .body("message", startsWith("Domain 'free.example' is not owned by tenant 'acme': no tenant owns it"));

        assertThat(repository.tenants().domains(OTHER)).isEmpty();
    }

    @Test
    void aMoveFromAMalformedTenantShouldBeABadRequest() {
        when().put("other/domains/acme.example?from=Not!A!Tenant")
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("message", startsWith("Invalid from: "));
    }

    @Test
    void deletingAndMappingAgainShouldBeAuditedInBothTenants() {
        when().delete("acme/domains/acme.example").then().statusCode(HttpStatus.NO_CONTENT_204);
        when().put("other/domains/acme.example").then().statusCode(HttpStatus.NO_CONTENT_204);

        assertThat(domainEvents(ACME)).extracting(AuditEvent::operation).containsExactly(Operation.UNMAP_DOMAIN,
            Operation.MAP_DOMAIN);
        assertThat(domainEvents(OTHER)).extracting(AuditEvent::operation).containsExactly(Operation.MAP_DOMAIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"not_a_domain", "a..example", ".example", "a%20b.example", "-acme.example",
        "acme-.example", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.example", "10.0.0.1",
        "acme.example%0A", "%20acme.example"})
    void malformedDomainsShouldBeRefusedWithTheRule(String domain) {
        given().urlEncodingEnabled(false)
        .when()
            .put("other/domains/" + domain)
        .then()
            .statusCode(HttpStatus.BAD_REQUEST_400)
            .body("type", is("InvalidArgument"))
            .body("message", allOf(startsWith("Invalid domain '"), containsString("use a host name such as example.com")));

        assertThat(repository.tenants().domains(OTHER)).isEmpty();
    }

    @Test
    void internationalisedDomainsShouldBeStoredInTheirCanonicalForm() {
        when().put("other/domains/Bücher.Example").then().statusCode(HttpStatus.NO_CONTENT_204);

        when().get("other/domains").then().body("[0]", is("xn--bcher-kva.example"));
    }

    private List<AuditEvent> domainEvents(TenantId tenant) {
        return repository.audit().query(tenant, Instant.EPOCH, clock.instant().plusSeconds(1), 100).stream()
            .filter(event -> event.operation() == Operation.MAP_DOMAIN || event.operation() == Operation.UNMAP_DOMAIN)
            .collect(Collectors.toList());
    }
}
