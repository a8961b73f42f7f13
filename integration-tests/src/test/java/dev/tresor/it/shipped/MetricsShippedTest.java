package dev.tresor.it.shipped;

import static dev.tresor.it.shipped.SampleTenant.ALICE;
import static dev.tresor.it.shipped.SampleTenant.BOB;
import static dev.tresor.it.shipped.SampleTenant.PASSWORD;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.it.shipped.ShippedServer.SmtpRoute;

/**
 * What happened and why, as an admin of the shipped server sees it: Tresor's counters at WebAdmin's
 * {@code GET /metrics} (Prometheus text, enabled by the sample {@code webadmin.properties}) beside James's own timer
 * per mailet, and one {@code key=value} log line per fail-closed decision.
 */
class MetricsShippedTest {
    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    @TempDir
    static Path directory;

    @Test
    void aSignedMailAndAMailHeldBackShouldBeCountedAtTheMetricsEndpointAndTheHoldLogged() throws Exception {
        // given Alice with her S/MIME key, and Bob's certificate, in tenant acme
        SampleTenant.createSmimePairIn(server, directory);

        // when Alice submits a mail to Bob (signed and encrypted), and someone else sends one as Alice over MX,
        // which the sample chain must sign as hers, cannot, and holds in the quarantine
        String signed = "counted " + UUID.randomUUID();
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, ALICE, PASSWORD, List.of(BOB),
            ShippedMail.plainText(ALICE, BOB, signed, "Signed and counted."));
        server.awaitRelayed(signed);
        String messageId = "<" + UUID.randomUUID() + "@forger.example>";
        server.sendToMxAccepted(SmtpRoute.MX_PLAIN, ALICE, List.of(BOB),
            withMessageId(messageId, ShippedMail.plainText(ALICE, BOB, "held " + UUID.randomUUID(), "Not from Alice.")));

        // then the metrics endpoint counts both outcomes, per mechanism and per processor (James counts with meters,
        // which Prometheus's text format shows with the suffix _total)
        String metrics = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(MetricsShippedTest::metrics, text -> value(text, "tresor_failed_closed_total").isPresent());
        assertThat(value(metrics, "tresor_smime_sign_ok_total")).contains(1.0);
        assertThat(value(metrics, "tresor_smime_encrypt_ok_total")).contains(1.0);
        assertThat(value(metrics, "tresor_smime_sign_failed_total")).contains(1.0);
        assertThat(value(metrics, "tresor_failed_closed_total")).contains(1.0);
        assertThat(value(metrics, "tresor_failed_closed_to_tresor_quarantine_total")).contains(1.0);
        // the key cache's gauges, and James's own timer per mailet, named after its class
        assertThat(value(metrics, "tresor_key_cache_lookups")).hasValueSatisfying(lookups -> assertThat(lookups).isPositive());
        assertThat(value(metrics, "SignSmime_count")).hasValueSatisfying(count -> assertThat(count).isGreaterThanOrEqualTo(2.0));

        // and the server log holds one structured line for the held mail, with its Message-ID and the reason
        String line = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
            .until(() -> failClosedLine(messageId), Optional::isPresent).get();
        assertThat(line).contains("fail-closed mailet=dev.tresor.mailets.SignSmime operation=smime_sign mail=")
            .contains(" message_id=" + messageId + " ")
            .contains(" policy=- processor=tresor-quarantine reason=\"Not signed: ");
    }

    private static String metrics() {
        return server.webAdmin().accept("text/plain").get("/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of an unlabelled sample in Prometheus text format. */
    private static Optional<Double> value(String metrics, String name) {
        Matcher sample = Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return sample.find() ? Optional.of(Double.parseDouble(sample.group(1))) : Optional.empty();
    }

    private static Optional<String> failClosedLine(String messageId) throws Exception {
        return Files.readAllLines(server.log(), UTF_8).stream()
            .filter(line -> line.contains("fail-closed ") && line.contains(messageId))
            .findFirst();
    }

    private static byte[] withMessageId(String messageId, byte[] message) {
        return ("Message-ID: " + messageId + "\r\n" + new String(message, US_ASCII)).getBytes(US_ASCII);
    }
}
