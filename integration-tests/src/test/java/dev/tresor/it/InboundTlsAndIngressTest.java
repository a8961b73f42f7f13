package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import java.util.UUID;

import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.DataProbeImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The foundation end to end through a real James with Tresor's sample chain: RecordInboundTlsHook (SMTP) records
 * TLS, ReceivedOverTls marks the mail, StripTresorHeaders removes forged verdicts. Mail is sent over SMTP, read over
 * IMAPS, and captured by a real SMTP server after relay.
 */
class InboundTlsAndIngressTest {
    private static final String ALICE = "alice@" + TresorJames.LOCAL_DOMAIN;
    private static final String ALICE_PASSWORD = "alice-secret";
    private static final String PARTNER = "bob@partner.example";
    private static final String TLS_HEADER = "X-Tresor-Inbound-TLS";

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
    void mailSentWithStartTlsShouldBeMarkedWhenRelayed(GuiceJamesServer server) throws Exception {
        String subject = uniqueSubject();

        sendOverSmtp(server, message(subject, PARTNER), true);

        MimeMessage relayed = sink.awaitMailWithSubject(subject).message();
        assertThat(relayed.getHeader(TLS_HEADER, null)).isEqualTo("yes");
    }

    @Test
    void mailSentInClearTextShouldNotBeMarked(GuiceJamesServer server) throws Exception {
        String subject = uniqueSubject();

        sendOverSmtp(server, message(subject, PARTNER), false);

        MimeMessage relayed = sink.awaitMailWithSubject(subject).message();
        assertThat(relayed.getHeader(TLS_HEADER)).isNull();
    }

    @Test
    void forgedTresorHeadersShouldBeGoneAfterIngress(GuiceJamesServer server) throws Exception {
        String subject = uniqueSubject();
        MimeMessage forged = message(subject, PARTNER);
        forged.setHeader(TLS_HEADER, "yes");
        forged.setHeader("X-Tresor-Signature", "valid; signer=ceo@acme.example");
        forged.saveChanges();

        sendOverSmtp(server, forged, false);

        MimeMessage relayed = sink.awaitMailWithSubject(subject).message();
        assertThat(relayed.getHeader(TLS_HEADER)).isNull();
        assertThat(relayed.getHeader("X-Tresor-Signature")).isNull();
        assertThat(relayed.getHeader("From", null)).isEqualTo("partner-sender@partner.example");
    }

    @Test
    void localRecipientShouldReadTheTlsMarkButNoForgedVerdictOverImap(GuiceJamesServer server) throws Exception {
        String subject = uniqueSubject();
        MimeMessage forged = message(subject, ALICE);
        forged.setHeader("X-Tresor-Signature", "valid");
        forged.saveChanges();

        sendOverSmtp(server, forged, true);

        String delivered = tresor.readFirstMessageOverImaps(server, ALICE, ALICE_PASSWORD);
        assertThat(delivered).contains("Subject: " + subject);
        assertThat(delivered).contains(TLS_HEADER + ": yes");
        assertThat(delivered).doesNotContain("X-Tresor-Signature: valid")
            .contains("X-Tresor-Signature: none");
    }

    @Test
    void submissionOverImplicitTlsShouldBeMarkedWhenRelayed(GuiceJamesServer server) throws Exception {
        String subject = uniqueSubject();
        MimeMessage message = message(subject, PARTNER);
        message.setFrom(new InternetAddress(ALICE));
        message.saveChanges();

        Properties properties = tresor.clientProperties("smtps", server.getProbe(SmtpListenersProbe.class).submissions());
        properties.put("mail.smtps.auth", "true");
        try (Transport transport = Session.getInstance(properties).getTransport("smtps")) {
            transport.connect(ALICE, ALICE_PASSWORD);
            transport.sendMessage(message, message.getAllRecipients());
        }

        SmtpSink.ReceivedMail relayed = sink.awaitMailWithSubject(subject);
        assertThat(relayed.envelopeSender()).isEqualTo(ALICE);
        assertThat(relayed.message().getHeader(TLS_HEADER, null)).isEqualTo("yes");
    }

    @Test
    void submissionShouldRefuseToRelayForAnUnauthenticatedClient(GuiceJamesServer server) throws Exception {
        MimeMessage message = message(uniqueSubject(), PARTNER);
        Properties properties = tresor.clientProperties("smtp", server.getProbe(SmtpListenersProbe.class).submission());
        properties.put("mail.smtp.starttls.required", "true");

        assertThatThrownBy(() -> {
            try (Transport transport = Session.getInstance(properties).getTransport("smtp")) {
                transport.connect();
                transport.sendMessage(message, message.getAllRecipients());
            }
        }).isInstanceOf(SendFailedException.class)
            .hasStackTraceContaining("530");
    }

    private static void sendOverSmtp(GuiceJamesServer server, MimeMessage message, boolean startTls) throws MessagingException {
        Properties properties = tresor.clientProperties("smtp", server.getProbe(SmtpListenersProbe.class).mx());
        properties.put("mail.smtp.starttls.enable", Boolean.toString(startTls));
        properties.put("mail.smtp.starttls.required", Boolean.toString(startTls));
        try (Transport transport = Session.getInstance(properties).getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getRecipients(Message.RecipientType.TO));
        }
    }

    private static MimeMessage message(String subject, String recipient) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("partner-sender@partner.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(recipient));
        message.setSubject(subject);
        message.setText("Hello from the foundation test.");
        message.saveChanges();
        return message;
    }

    private static String uniqueSubject() {
        return "test " + UUID.randomUUID();
    }
}
