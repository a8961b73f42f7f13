package dev.tresor.it.shipped;

import static dev.tresor.it.shipped.SampleTenant.ALICE;
import static dev.tresor.it.shipped.SampleTenant.BOB;
import static dev.tresor.it.shipped.SampleTenant.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.it.shipped.ShippedServer.SmtpRoute;

/**
 * The audit log of the shipped server is written in batches ({@code audit.flushInterval}); a normal stop (SIGTERM, as
 * a service manager stops it) writes what is still queued. With a 1 minute interval the records of the mails below
 * are still in memory when the stop comes (James takes some 12 s to stop): after the restart, each one is there, once.
 */
class AuditShippedTest {
    private static final int MAILS = 12;

    @RegisterExtension
    static ShippedServer server = new ShippedServer().changingConfiguration(conf ->
        Files.writeString(conf.resolve("keyrepository.properties"), "\naudit.flushInterval=1m\n", StandardOpenOption.APPEND));

    @TempDir
    static Path directory;

    @Test
    void everyKeyUseAuditedBeforeANormalStopShouldBeInTheAuditLogAfterTheRestart() throws Exception {
        // given Alice with her S/MIME key and Bob's certificate in tenant acme
        SampleTenant.createSmimePairIn(server, directory);
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        // when Alice sends mails to Bob, each signed and encrypted, and the server is stopped normally and restarted
        for (int i = 0; i < MAILS; i++) {
            String subject = "audited " + i + " " + UUID.randomUUID();
            server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, ALICE, PASSWORD, List.of(BOB),
                ShippedMail.plainText(ALICE, BOB, subject, "Signed, encrypted and audited."));
            server.awaitRelayed(subject);
        }
        server.restart();

        // then the audit log holds, per mail, one SIGN with Alice's key and one ENCRYPT for each certificate used: Bob's,
        // and Alice's own (the sample chain encrypts to the sender too, so that her sent copy stays readable)
        List<Map<String, Object>> events = server.webAdmin()
            .queryParam("from", start.toString()).queryParam("limit", 1000)
            .get("/tresor/tenants/acme/audit").then().statusCode(200).extract().jsonPath().getList(".");
        Map<Object, Long> perOperation = events.stream()
            .collect(Collectors.groupingBy(event -> event.get("operation"), Collectors.counting()));
        assertThat(perOperation).containsEntry("SIGN", (long) MAILS).containsEntry("ENCRYPT", 2L * MAILS);
        Map<Object, Long> encryptedFor = events.stream().filter(event -> event.get("operation").equals("ENCRYPT"))
            .collect(Collectors.groupingBy(event -> event.get("counterpart"), Collectors.counting()));
        assertThat(encryptedFor).containsOnly(Map.entry(BOB, (long) MAILS), Map.entry(ALICE, (long) MAILS));
        // and some of them were still queued at the stop: the stop wrote them
        Matcher written = Pattern.compile("Tresor audit log written \\((\\d+) records were queued\\)")
            .matcher(Files.readString(server.log()));
        assertThat(written.find()).isTrue();
        assertThat(Long.parseLong(written.group(1))).isPositive();
    }
}
