package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.UUID;

import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What a sender learns when a mailet of the sample chain fails on her mail: that it failed and a reference, never a
 * stack trace or an internal exception message. A real James on the sample configuration, with a mailet that throws
 * placed first in {@code root} for mail carrying a test header.
 */
class ErrorBouncesThroughJamesTest {
    private static final String SENDER = "partner-sender@partner.example";

    static SmtpSink sink = new SmtpSink();
    static TresorJames tresor = new TresorJames(sink, "partner.example")
        .changingMailetContainer(ErrorBouncesThroughJamesTest::throwOnTestHeader);

    @RegisterExtension
    static JamesServerExtension james = tresor.extension();

    @Test
    void theBounceOfAMailAMailetFailedOnShouldCarryNoStackTraceNorInternalMessage(GuiceJamesServer server) throws Exception {
        // given a partner's mail that a mailet fails on
        String subject = "broken mailet " + UUID.randomUUID();

        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(SENDER));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@" + TresorJames.LOCAL_DOMAIN));
        message.setSubject(subject);
        message.setHeader("X-Test-Throw", "yes");
        message.setText("Hello.");
        message.saveChanges();

        // when it is sent to us
        Properties properties = tresor.clientProperties("smtp", server.getProbe(SmtpListenersProbe.class).mx());
        try (Transport transport = Session.getInstance(properties).getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, message.getRecipients(Message.RecipientType.TO));
        }

        // then the sender's bounce says the mail failed, with a reference, and nothing of the server's internals
        SmtpSink.ReceivedMail bounce = sink.awaitMail(mail -> mail.envelopeRecipients().contains(SENDER)
            && new String(mail.data(), StandardCharsets.UTF_8).contains(subject));
        String text = new String(bounce.data(), StandardCharsets.UTF_8);
        assertThat(text)
            .contains("could not process this message because of an internal error")
            .contains("reference ")
            .doesNotContain(ThrowingMailet.INTERNAL_DETAIL)
            .doesNotContain("ThrowingMailet")
            .doesNotContain("Exception")
            .doesNotContainPattern("\\sat [a-z]+\\.[\\w.$]+\\(");
    }

    private static void throwOnTestHeader(Document mailetContainer) {
        NodeList processors = mailetContainer.getElementsByTagName("processor");
        for (int i = 0; i < processors.getLength(); i++) {
            Element processor = (Element) processors.item(i);
            if (processor.getAttribute("state").equals("root")) {
                Element mailet = mailetContainer.createElement("mailet");
                mailet.setAttribute("match", "HasHeader=X-Test-Throw");
                mailet.setAttribute("class", ThrowingMailet.class.getName());
                NodeList existing = processor.getElementsByTagName("mailet");
                processor.insertBefore(mailet, existing.item(1));
            }
        }
    }
}
