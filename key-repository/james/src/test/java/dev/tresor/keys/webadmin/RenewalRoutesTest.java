package dev.tresor.keys.webadmin;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;

import org.apache.james.json.DTOConverter;
import org.apache.james.task.Hostname;
import org.apache.james.task.MemoryTaskManager;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.apache.james.webadmin.routes.TasksRoutes;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.mailet.base.test.FakeMailContext;
import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.james.ExpiryNotices;
import dev.tresor.keys.james.RenewalTaskReportDTO;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;
import io.restassured.RestAssured;

/** {@code POST /tresor/lifecycle/renewals} and the renewal task as James's {@code /tasks} shows it. */
class RenewalRoutesTest {
    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path directory;

    private KeyRepository repository;
    private MemoryTaskManager taskManager;
    private WebAdminServer server;

    @BeforeEach
    void start() {
        TestClock clock = new TestClock(Instant.now());
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")),
            MemoryTenantKeyStore.create());
        repository = StoredKeyRepository.create(new MemoryKeyStorage(), protection, clock);
        repository.tenants().create(ACME);
        taskManager = new MemoryTaskManager(new Hostname("node-1"));
        JsonTransformer json = new JsonTransformer();
        server = WebAdminUtils.createWebAdminServer(
                new RenewalRoutes(repository, taskManager, clock,
                    new ExpiryNotices(FakeMailContext.defaultContext(), clock), json),
                new TasksRoutes(taskManager, json, new DTOConverter<>(Set.of(RenewalTaskReportDTO.module()))))
            .start();
        RestAssured.requestSpecification = WebAdminUtils.buildRequestSpecification(server).build();
    }

    @AfterEach
    void stop() {
        server.destroy();
        taskManager.stop();
    }

    @Test
    void aRenewalShouldBeATaskWhoseDetailsTasksShows() {
        repository.lifecycle().createCa(ACME, CaSettings.defaults("http://pki.example"), "test");

        String taskId = when().post(RenewalRoutes.RENEWALS)
            .then()
            .statusCode(HttpStatus.CREATED_201)
            .header("Location", containsString("/tasks/"))
            .body("taskId", notNullValue())
            .extract().jsonPath().getString("taskId");

        when().get("/tasks/" + taskId + "/await")
            .then()
            .statusCode(HttpStatus.OK_200)
            .body("type", is("tresor-key-renewal"))
            .body("status", is("completed"))
            .body("additionalInformation.type", is("tresor-key-renewal"))
            .body("additionalInformation.renewed", hasSize(0))
            .body("additionalInformation.failures", hasSize(0));
    }

    @Test
    void aRenewalOfOneTenantShouldNeedAnExistingTenantWithACa() {
        given().queryParam("tenant", "nobody").post(RenewalRoutes.RENEWALS)
            .then().statusCode(HttpStatus.NOT_FOUND_404);
        given().queryParam("tenant", "acme").post(RenewalRoutes.RENEWALS)
            .then().statusCode(HttpStatus.CONFLICT_409).body("message", containsString("has no CA"));
        given().queryParam("tenant", "Not A Tenant!").post(RenewalRoutes.RENEWALS)
            .then().statusCode(HttpStatus.BAD_REQUEST_400);
    }
}
