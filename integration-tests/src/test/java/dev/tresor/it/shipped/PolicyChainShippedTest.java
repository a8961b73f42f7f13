package dev.tresor.it.shipped;

import static dev.tresor.it.shipped.SampleTenant.ALICE;
import static dev.tresor.it.shipped.SampleTenant.BOB;
import static dev.tresor.it.shipped.SampleTenant.CAROL;
import static dev.tresor.it.shipped.SampleTenant.ERIN;
import static dev.tresor.it.shipped.SampleTenant.FRANK;
import static dev.tresor.it.shipped.SampleTenant.PASSWORD;
import static dev.tresor.it.shipped.SampleTenant.PAUL;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.it.SmtpSink;
import dev.tresor.it.shipped.ShippedServer.SmtpRoute;

/**
 * The policy chain of the shipped sample configuration, driven from outside: policies set over WebAdmin, mail
 * submitted over SMTP, what leaves read at the sink (and opened with openssl, gpg), what is refused found in the
 * quarantine, in the sender's inbox (the notice) and in the server log. One server for every path.
 *
 * <p>The acme tenant ({@link SampleTenant}): Bob's certificate, Paul's OpenPGP key, Carol's PDF password, nothing for
 * Erin, all at partner.example, whose policy is {@code mandatory}; elsewhere.example has no policy (opportunistic),
 * a PDF password for Dave and nothing for Ed.
 */
class PolicyChainShippedTest {
    private static final String DAVE = "dave@elsewhere.example";
    private static final String ED = "ed@elsewhere.example";
    private static final String QUARANTINE = "var/mail/tresor-quarantine/acme";

    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    @TempDir
    static Path directory;

    private static SampleTenant acme;

    @BeforeAll
    static void setUpTenantKeysAndPolicies() throws Exception {
        acme = SampleTenant.createIn(server, directory);
        server.webAdmin().body("{\"encryption\":\"mandatory\",\"mechanisms\":\"smime,pgp,pdf\"}")
            .put("/tresor/tenants/acme/policies/partners/partner.example").then().statusCode(204);
        server.webAdmin().body("{\"password\":\"agreed with Dave\"}")
            .put("/tresor/tenants/acme/pdf-passwords/" + DAVE).then().statusCode(204);
    }

    @AfterAll
    static void stopAgent() {
        if (acme != null) {
            acme.close();
        }
    }

    @Test
    void aMandatoryPartnerWithACertificateShouldGetSmime() throws Exception {
        String subject = "policy to bob " + UUID.randomUUID();

        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, ALICE, PASSWORD, List.of(BOB),
            ShippedMail.plainText(ALICE, BOB, subject, "Mandatory and S/MIME."));

        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(new String(relayed.data(), US_ASCII)).doesNotContain("Mandatory and S/MIME.");
        assertThat(acme.bobDecryptsAndVerifies(relayed)).contains("Mandatory and S/MIME.");
    }

    @Test
    void aMandatoryPartnerWithOnlyAnOpenPgpKeyShouldGetPgpMimeWithoutAnSmimeSignatureInside() throws Exception {
        String subject = "policy to paul " + UUID.randomUUID();

        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, ALICE, PASSWORD, List.of(PAUL),
            ShippedMail.plainText(ALICE, PAUL, subject, "Mandatory and OpenPGP."));

        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(new String(relayed.data(), US_ASCII)).contains("application/pgp-encrypted")
            .doesNotContain("Mandatory and OpenPGP.");
        assertThat(acme.paulDecrypts(relayed)).contains("Mandatory and OpenPGP.").doesNotContain("pkcs7-signature");
    }

    @Test
    void aMandatoryPartnerWithOnlyAPdfPasswordShouldGetAPdf() throws Exception {
        String subject = "policy to carol " + UUID.randomUUID();

        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, FRANK, PASSWORD, List.of(CAROL),
            ShippedMail.plainText(FRANK, CAROL, subject, "Mandatory and PDF."));

        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(relayed.message().getHeader("X-Tresor-Protection")).containsExactly("pdf");
        assertThat(new String(relayed.data(), UTF_8)).doesNotContain("Mandatory and PDF.");
    }

    @Test
    void aMandatoryPartnerWithNothingShouldBeRefusedWithTheReasonAndNothingSent() throws Exception {
        String subject = "policy to erin " + UUID.randomUUID();
        String messageId = "<" + UUID.randomUUID() + "@acme.example>";

        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, ALICE, PASSWORD, List.of(ERIN),
            withMessageId(messageId, ShippedMail.plainText(ALICE, ERIN, subject, "Must never leave in clear.")));

        // held in the quarantine, with the reason and the policy
        String held = awaitQuarantined(subject);
        assertThat(held).contains(ERIN).contains("mandatory (partner:partner.example)")
            .contains("no usable S/MIME certificate, nor usable OpenPGP key, nor PDF password for " + ERIN);
        // the sender is told, in plain words
        String notice = server.awaitImapMessage(ALICE, PASSWORD, message -> message.contains("Not sent:")
            && message.contains("for " + ERIN));
        assertThat(notice).doesNotContain("Exception").doesNotContain("\tat ");
        // one structured log line
        assertThat(Files.readString(server.log())).contains("policy-decision outcome=refused tenant=\"acme\" "
            + "policy=\"mandatory (partner:partner.example)\" recipients=\"" + ERIN + "\"")
            .contains("message-id=\"" + messageId + "\"");
        // and nothing at the sink
        assertThat(server.sink().received()).noneMatch(mail -> mail.subject().equals(subject));
    }

    @Test
    void anOpportunisticPartnerWithoutKeysShouldGetClearTextAndTheLogSaysSo() throws Exception {
        String subject = "policy to ed " + UUID.randomUUID();
        String messageId = "<" + UUID.randomUUID() + "@acme.example>";

        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, FRANK, PASSWORD, List.of(ED),
            withMessageId(messageId, ShippedMail.plainText(FRANK, ED, subject, "Opportunistic, nothing to protect with.")));

        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(new String(relayed.data(), US_ASCII)).contains("Opportunistic, nothing to protect with.");
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(server.log()))
            .contains("policy-decision outcome=sent-unprotected tenant=\"acme\" policy=\"opportunistic (default)\" "
                + "recipients=\"" + ED + "\"")
            .contains("message-id=\"" + messageId + "\""));
    }

    @Test
    void theSecureSubjectTagShouldProtectAnOpportunisticPartnerAndBeRemoved() throws Exception {
        String subject = "policy tagged " + UUID.randomUUID();

        // Dave (opportunistic, a PDF password) gets a PDF, under the subject without the tag
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, FRANK, PASSWORD, List.of(DAVE),
            ShippedMail.plainText(FRANK, DAVE, "[secure] " + subject, "Escalated by the tag."));
        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(relayed.message().getSubject()).isEqualTo(subject);
        assertThat(relayed.message().getHeader("X-Tresor-Protection")).containsExactly("pdf");
        assertThat(new String(relayed.data(), UTF_8)).doesNotContain("Escalated by the tag.");

        // Ed (opportunistic, nothing) would get clear text without the tag: with it, nothing leaves
        String toEd = "policy tagged to ed " + UUID.randomUUID();
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, FRANK, PASSWORD, List.of(ED),
            ShippedMail.plainText(FRANK, ED, "[secure] " + toEd, "Escalated, and no key."));
        assertThat(awaitQuarantined(toEd)).contains("escalated by the subject tag [secure]");
        assertThat(server.sink().received()).noneMatch(mail -> mail.subject().contains(toEd));
    }

    /** The quarantined mail whose message contains the text, as WebAdmin details it (attributes included). */
    private static String awaitQuarantined(String text) {
        String[] found = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
            for (String key : server.mailRepositoryKeys(QUARANTINE)) {
                if (new String(server.mailRepositoryMessage(QUARANTINE, key), UTF_8).contains(text)) {
                    found[0] = server.mailRepositoryMail(QUARANTINE, key);
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static byte[] withMessageId(String messageId, byte[] message) {
        return ("Message-ID: " + messageId + "\r\n" + new String(message, US_ASCII)).getBytes(US_ASCII);
    }
}
