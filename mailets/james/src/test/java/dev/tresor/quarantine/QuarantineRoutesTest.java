package dev.tresor.quarantine;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.WebAdminUtils;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.eclipse.jetty.http.HttpStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.FailureReason;
import dev.tresor.attributes.PolicyDecision;
import dev.tresor.attributes.QuarantineRelease;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.repository.TestKeyRepository;
import dev.tresor.smime.SmimeFixtures;
import io.restassured.RestAssured;

class QuarantineRoutesTest {
    private static final String REASON = "no certificate, OpenPGP key or PDF password for bob@partner.example";

    @TempDir
    Path directory;

    private TestKeyRepository vaults;
    private TenantId acme;
    private TenantId beta;
    private TenantQuarantine quarantine;
    private MemoryMailQueueFactory queues;
    private WebAdminServer server;

    @BeforeEach
    void startWebAdmin() {
        vaults = TestKeyRepository.create(directory, Clock.systemUTC());
        acme = vaults.tenant("acme", "acme.example");
        beta = vaults.tenant("beta", "beta.example");
        quarantine = MemoryQuarantines.create();
        queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
        queues.createQueue(MailQueueFactory.SPOOL);
        server = WebAdminUtils.createWebAdminServer(new QuarantineRoutes(vaults.repository(), quarantine, queues,
            Clock.systemUTC(), new JsonTransformer())).start();
        RestAssured.requestSpecification = WebAdminUtils.buildRequestSpecification(server)
            .setBasePath(QuarantineRoutes.BASE).build();
    }

    @AfterEach
    void stopWebAdmin() {
        server.destroy();
    }

    @Test
    void theListShouldShowEachHeldMailOfTheTenantOnlyWithItsReasonAndPolicy() throws Exception {
        String id = hold(acme, "alice@acme.example", "bob@partner.example");
        hold(beta, "carol@beta.example", "dave@partner.example");

        when().get("acme/quarantine").then()
            .statusCode(HttpStatus.OK_200)
            .body("", hasSize(1))
            .body("[0].id", is(id))
            .body("[0].sender", is("alice@acme.example"))
            .body("[0].recipients", contains("bob@partner.example"))
            .body("[0].subject", is("Quarterly figures"))
            .body("[0].reason", is(REASON))
            .body("[0].policy", is("mandatory (partner:partner.example)"));
    }

    @Test
    void oneMailShouldShowItsHeadersAndTheRawMessageOnRequest() throws Exception {
        String id = hold(acme, "alice@acme.example", "bob@partner.example");

        when().get("acme/quarantine/" + id).then()
            .statusCode(HttpStatus.OK_200)
            .body("headers.Subject", contains("Quarterly figures"))
            .body("releaseTo", is("relay"))
            .body("reason", is(REASON));
        when().get("acme/quarantine/" + id + "?raw").then()
            .statusCode(HttpStatus.OK_200)
            .contentType("message/rfc822")
            .body(containsString("Quarterly figures are attached"));
    }

    @Test
    void releaseShouldPutTheMailBackInTheSpoolAtItsProcessorAndAuditIt() throws Exception {
        String id = hold(acme, "alice@acme.example", "bob@partner.example");

        when().post("acme/quarantine/" + id + "?action=release").then().statusCode(HttpStatus.NO_CONTENT_204);

        List<Mail> spooled = spooled();
        assertThat(spooled).singleElement().satisfies(mail -> {
            assertThat(mail.getState()).isEqualTo("relay");
            assertThat(mail.getRecipients()).extracting(Object::toString).containsExactly("bob@partner.example");
            assertThat(FailureReason.of(mail)).isEmpty();
            assertThat(QuarantineRelease.wasReleased(mail)).isTrue();
        });
        assertThat(quarantine.list(acme)).isEmpty();
        assertThat(vaults.keyUses(acme)).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(AuditEvent.Operation.RELEASE);
            assertThat(event.detail()).contains("released by admin to processor relay");
            assertThat(event.messageId()).contains("<t1@tresor.test>");
        });
    }

    @Test
    void releaseMayNameTheProcessor() throws Exception {
        String id = hold(acme, "mallory@partner.example", "bob@acme.example");

        when().post("acme/quarantine/" + id + "?action=release&processor=local-delivery").then()
            .statusCode(HttpStatus.NO_CONTENT_204);

        assertThat(spooled()).extracting(Mail::getState).containsExactly("local-delivery");
    }

    @Test
    void deleteShouldRemoveTheMailForGoodAndAuditIt() throws Exception {
        String id = hold(acme, "alice@acme.example", "bob@partner.example");

        when().delete("acme/quarantine/" + id).then().statusCode(HttpStatus.NO_CONTENT_204);

        assertThat(quarantine.list(acme)).isEmpty();
        assertThat(spooled()).isEmpty();
        assertThat(vaults.keyUses(acme)).extracting(AuditEvent::operation)
            .containsExactly(AuditEvent.Operation.DELETE_QUARANTINED);
    }

    @Test
    void anotherTenantsMailUnknownIdsTenantsAndActionsShouldBeRefused() throws Exception {
        String betasMail = hold(beta, "carol@beta.example", "dave@partner.example");

        when().get("acme/quarantine/" + betasMail).then().statusCode(HttpStatus.NOT_FOUND_404);
        when().post("acme/quarantine/" + betasMail + "?action=release").then().statusCode(HttpStatus.NOT_FOUND_404);
        when().delete("acme/quarantine/" + betasMail).then().statusCode(HttpStatus.NOT_FOUND_404);
        when().get("nobody/quarantine").then().statusCode(HttpStatus.NOT_FOUND_404);
        given().post("beta/quarantine/" + betasMail + "?action=send").then().statusCode(HttpStatus.BAD_REQUEST_400);
        assertThat(quarantine.list(beta)).hasSize(1);
        assertThat(spooled()).isEmpty();
    }

    private String hold(TenantId tenant, String sender, String recipient) throws Exception {
        Mail mail = FakeMail.builder().name("held-" + Instant.now().toEpochMilli() + "-" + tenant.asString())
            .mimeMessage(SmimeFixtures.textMail(sender, recipient, "Quarterly figures are attached.\n"))
            .sender(sender).recipient(recipient).state("tresor-quarantine").build();
        FailureReason.set(mail, REASON);
        PolicyDecision.set(mail, "mandatory (partner:partner.example)");
        QuarantineRelease.setReleaseTo(mail, "relay");
        MailKey key = quarantine.hold(tenant, mail, "memory");
        return key.asString();
    }

    private List<Mail> spooled() throws Exception {
        ManageableMailQueue spool = queues.getQueue(MailQueueFactory.SPOOL).orElseThrow();
        List<Mail> mails = new ArrayList<>();
        spool.browse().forEachRemaining(item -> mails.add(item.getMail()));
        return mails;
    }
}
