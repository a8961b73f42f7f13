package dev.tresor.it.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.it.OpenSslIdentities;
import dev.tresor.it.SmtpSink;
import dev.tresor.it.shipped.ShippedServer.SmtpRoute;
import io.restassured.path.json.JsonPath;

/**
 * The tenant quarantine through the shipped server and its sample chain: held mail listed over WebAdmin with its
 * reason and policy, released, deleted; inbound policies that hold or reject unsigned mail; an outgoing mail that a
 * mandatory policy holds, released once the admin has imported the certificate.
 */
class QuarantineShippedTest {
    private static final String DOMAIN = "acme.example";
    private static final String FRANK = "frank@" + DOMAIN;
    private static final String PASSWORD = "user secret";
    private static final String ERIN = "erin@partner.example";
    private static final String BOB = "bob@partner.example";
    private static final String CAROL = "carol@supplier.example";
    private static final String QUARANTINE = "/tresor/tenants/acme/quarantine";
    private static final String NO_CERTIFICATE = "no usable S/MIME certificate";

    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    @TempDir
    static Path directory;

    private static OpenSslIdentities openssl;

    @BeforeAll
    static void setUpTenantAndPolicies() throws Exception {
        server.addDomain(DOMAIN);
        server.addUser(FRANK, PASSWORD);
        server.webAdmin().put("/tresor/tenants/acme").then().statusCode(201);
        server.webAdmin().put("/tresor/tenants/acme/domains/" + DOMAIN).then().statusCode(204);
        server.webAdmin().body("{\"requireSignature\": true, \"inboundAction\": \"quarantine\"}")
            .put("/tresor/tenants/acme/policies/partners/partner.example").then().statusCode(204);
        server.webAdmin().body("{\"requireSignature\": true, \"inboundAction\": \"reject\"}")
            .put("/tresor/tenants/acme/policies/partners/supplier.example").then().statusCode(204);
        server.webAdmin().body("{\"encryption\": \"mandatory\", \"mechanisms\": \"smime\"}")
            .put("/tresor/tenants/acme/policies/partners/" + ERIN).then().statusCode(204);
        openssl = new OpenSslIdentities(directory);
        openssl.selfSigned("erin", "/CN=Erin", ERIN);
    }

    @Test
    void unsignedMailFromARequireSignaturePartnerShouldBeQuarantinedListedWithTheReasonAndDeletable() throws Exception {
        String subject = "unsigned " + UUID.randomUUID();

        server.sendToMxAccepted(SmtpRoute.MX_PLAIN, BOB, List.of(FRANK), ShippedMail.plainText(BOB, FRANK, subject, "Offer."));

        Map<String, Object> held = awaitHeld(subject);
        assertThat(held).containsEntry("sender", BOB)
            .containsEntry("recipients", List.of(FRANK))
            .containsEntry("reason", "mail from bob@partner.example must be signed, but it carries no valid signature")
            .containsEntry("policy", "require-signature (partner:partner.example)");
        String id = (String) held.get("id");
        assertThat(server.webAdmin().get(QUARANTINE + "/" + id + "?raw").then().statusCode(200).extract().asString())
            .contains("Subject: " + subject);

        server.webAdmin().delete(QUARANTINE + "/" + id).then().statusCode(204);

        assertThat(list().getList("subject", String.class)).doesNotContain(subject);
        assertThat(server.imapMessages(FRANK, PASSWORD)).noneMatch(message -> message.contains(subject));
        assertThat(auditOperations()).contains("QUARANTINE", "DELETE_QUARANTINED");
    }

    @Test
    void unsignedMailFromARejectPartnerShouldBounceToTheSenderWithTheReasonAndNeverArrive() throws Exception {
        String subject = "rejected " + UUID.randomUUID();

        server.sendToMxAccepted(SmtpRoute.MX_PLAIN, CAROL, List.of(FRANK), ShippedMail.plainText(CAROL, FRANK, subject, "Offer."));

        SmtpSink.ReceivedMail bounce = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> server.sink().received().stream()
                .filter(mail -> mail.envelopeRecipients().contains(CAROL))
                .filter(mail -> new String(mail.data(), java.nio.charset.StandardCharsets.UTF_8).contains(subject))
                .findFirst(), java.util.Optional::isPresent).orElseThrow();
        String text = new String(bounce.data(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).contains("must be signed, but it carries no valid signature").doesNotContain("Offer.");
        assertThat(server.imapMessages(FRANK, PASSWORD)).noneMatch(message -> message.contains(subject));
        assertThat(list().getList("subject", String.class)).doesNotContain(subject);
    }

    @Test
    void aHeldOutgoingMailReleasedAfterTheCertificateIsImportedShouldLeaveEncryptedAndBeforeThatBeHeldAgain() throws Exception {
        String subject = "held for Erin " + UUID.randomUUID();
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, FRANK, PASSWORD, List.of(ERIN),
            ShippedMail.plainText(FRANK, ERIN, subject, "The figures, for Erin only."));
        Map<String, Object> held = awaitHeld(subject);
        assertThat(held).containsEntry("sender", FRANK).containsEntry("policy", "mandatory (partner:" + ERIN + ")");
        assertThat((String) held.get("reason")).contains(NO_CERTIFICATE).contains(ERIN);
        // Frank, a local sender, is told why, without the content
        String notice = server.awaitImapMessageContaining(FRANK, PASSWORD, "Message held: " + subject);
        assertThat(notice).contains(NO_CERTIFICATE).doesNotContain("for Erin only");

        // released before the cause is fixed: held again, never sent clear
        String firstId = (String) held.get("id");
        server.webAdmin().post(QUARANTINE + "/" + firstId + "?action=release").then().statusCode(204);
        String secondId = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> idOf(subject), id -> id != null && !id.equals(firstId));
        assertThat(server.sink().received()).noneMatch(mail -> mail.subject().equals(subject));

        // the admin imports Erin's certificate and releases: the mail leaves S/MIME encrypted
        server.webAdmin().contentType("application/x-pem-file").body(Files.readAllBytes(openssl.certificate("erin")))
            .post("/tresor/tenants/acme/certificates").then().statusCode(201);
        server.webAdmin().post(QUARANTINE + "/" + secondId + "?action=release").then().statusCode(204);

        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(relayed.message().getContentType()).contains("application/pkcs7-mime");
        assertThat(new String(relayed.data(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("for Erin only");
        assertThat(idOf(subject)).isNull();
        assertThat(auditOperations()).contains("RELEASE", "ENCRYPT");
    }

    private static JsonPath list() {
        return server.webAdmin().get(QUARANTINE).then().statusCode(200).extract().jsonPath();
    }

    private static String idOf(String subject) {
        List<Map<String, Object>> held = list().getList("findAll { it.subject == '" + subject + "' }");
        return held.isEmpty() ? null : (String) held.get(0).get("id");
    }

    private static Map<String, Object> awaitHeld(String subject) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> idOf(subject) != null);
        return list().<Map<String, Object>>getList("findAll { it.subject == '" + subject + "' }").get(0);
    }

    private static List<String> auditOperations() {
        return server.webAdmin().get("/tresor/tenants/acme/audit").then().statusCode(200).extract().jsonPath()
            .getList("operation", String.class);
    }
}
