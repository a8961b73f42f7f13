package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.MimeMessage;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.DataProbeImpl;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A mail whose MIME parts nest 2,000 levels deep, sent to the real distribution with the sample chain: javax.mail
 * saves messages recursively, so before IsNestedTooDeeply the first mailet that saved it overflowed the spooler
 * thread's stack and the mail vanished, leaving the spool stuck. Now it lands whole in a repository with its reason,
 * the spool empties, and the next mail is delivered as usual.
 */
class DeepNestingThroughJamesTest {
    private static final String ALICE = "alice@" + TresorJames.LOCAL_DOMAIN;
    private static final String ALICE_PASSWORD = "alice-secret";
    private static final String PARTNER = "bob@partner.example";
    private static final String MALFORMED = "var%2Fmail%2Ftresor-malformed%2F";
    private static final String ERROR = "var%2Fmail%2Ferror%2F";

    static SmtpSink sink = new SmtpSink();
    static TresorJames tresor = new TresorJames(sink);

    @RegisterExtension
    static JamesServerExtension james = tresor.extension();

    @BeforeAll
    static void createMailbox(GuiceJamesServer server) throws Exception {
        server.getProbe(DataProbeImpl.class).fluent()
            .addDomain(TresorJames.LOCAL_DOMAIN)
            .addUser(ALICE, ALICE_PASSWORD);
    }

    @Test
    void aMailNested2000LevelsDeepShouldLandInTheMalformedRepositoryAndTheSpoolShouldEmpty(GuiceJamesServer server) throws Exception {
        String deepSubject = "deep " + UUID.randomUUID();

        send(server, nestedMail(deepSubject, 2000, ALICE));

        Awaitility.await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
            assertThat(mailKeys(server, MALFORMED)).hasSize(1));
        Awaitility.await().atMost(Duration.ofMinutes(1)).untilAsserted(() ->
            assertThat(spoolSize(server)).isZero());
        String key = mailKeys(server, MALFORMED).get(0);
        String details = TresorJames.webAdmin(server)
            .queryParam("additionalFields", "attributes")
            .get("/mailRepositories/" + MALFORMED + "/mails/" + key)
            .then().statusCode(200).extract().asString();
        assertThat(details).contains("tresor.failure.reason").contains("nested deeper than 100 levels");
        assertThat(mailKeys(server, ERROR)).isEmpty();

        String nextSubject = "after " + UUID.randomUUID();
        send(server, nestedMail(nextSubject, 3, PARTNER));
        assertThat(sink.awaitMailWithSubject(nextSubject).message().getSubject()).isEqualTo(nextSubject);
        assertThat(sink.received()).noneMatch(mail -> deepSubject.equals(subjectOf(mail)));
    }

    private static String subjectOf(SmtpSink.ReceivedMail mail) {
        try {
            return mail.subject();
        } catch (Exception e) {
            return null;
        }
    }

    /** A mail from a partner whose text part sits inside {@code depth} nested multipart/mixed. */
    private static MimeMessage nestedMail(String subject, int depth, String to) throws Exception {
        StringBuilder mail = new StringBuilder("From: partner-sender@partner.example\r\nTo: " + to + "\r\nSubject: " + subject
            + "\r\nMessage-ID: <" + UUID.randomUUID() + "@partner.example>\r\nMIME-Version: 1.0\r\n");
        for (int i = 0; i < depth; i++) {
            mail.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i).append("\r\n");
        }
        mail.append("Content-Type: text/plain\r\n\r\nhello from the bottom\r\n");
        for (int i = depth - 1; i >= 0; i--) {
            mail.append("--b").append(i).append("--\r\n");
        }
        return new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(mail.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    /** Sends the parsed message as it is: writeTo copies an unchanged message without saving it. */
    private static void send(GuiceJamesServer server, MimeMessage message) throws Exception {
        Properties properties = tresor.clientProperties("smtp", server.getProbe(SmtpListenersProbe.class).mx());
        try (Transport transport = Session.getInstance(properties).getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getRecipients(Message.RecipientType.TO));
        }
    }

    private static List<String> mailKeys(GuiceJamesServer server, String repository) {
        return TresorJames.webAdmin(server).get("/mailRepositories/" + repository + "/mails")
            .then().statusCode(200).extract().jsonPath().getList("$", String.class);
    }

    private static int spoolSize(GuiceJamesServer server) {
        return TresorJames.webAdmin(server).get("/mailQueues/spool")
            .then().statusCode(200).extract().jsonPath().getInt("size");
    }
}
