package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.DataProbeImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.pdf.PdfTools;

/**
 * PdfWrap in the sample chain of a real James: one mail from an authenticated sender to three partners leaves as
 * S/MIME for the one with a certificate, as a PDF locked with the agreed password for the one with a pre-shared
 * password, and unchanged for the third (the sample wraps only partners with a password).
 */
class PdfWrapThroughJamesTest {
    private static final String ALICE = "alice@" + TresorJames.LOCAL_DOMAIN;
    private static final String PASSWORD = "secret";
    private static final String BOB = "bob@partner.example";
    private static final String CAROL = "carol@partner.example";
    private static final String ERIN = "erin@partner.example";
    private static final String CAROLS_PDF_PASSWORD = "agreed with Carol";

    static SmtpSink sink = new SmtpSink();
    static TresorJames tresor = new TresorJames(sink);

    @RegisterExtension
    static JamesServerExtension james = tresor.extension();

    @TempDir
    static Path directory;

    @BeforeAll
    static void setUpTenant(GuiceJamesServer server) throws Exception {
        server.getProbe(DataProbeImpl.class).fluent().addDomain(TresorJames.LOCAL_DOMAIN).addUser(ALICE, PASSWORD);
        OpenSslIdentities openssl = new OpenSslIdentities(directory);
        openssl.selfSigned("bob", "/CN=Bob/O=Partner", BOB);
        TresorJames.webAdmin(server).put("/tresor/tenants/acme").then().statusCode(201);
        TresorJames.webAdmin(server).put("/tresor/tenants/acme/domains/" + TresorJames.LOCAL_DOMAIN).then().statusCode(204);
        TresorJames.webAdmin(server).contentType("application/x-pem-file").body(Files.readAllBytes(openssl.certificate("bob")))
            .post("/tresor/tenants/acme/certificates").then().statusCode(201);
        TresorJames.webAdmin(server).body("{\"password\":\"" + CAROLS_PDF_PASSWORD + "\"}")
            .put("/tresor/tenants/acme/pdf-passwords/" + CAROL).then().statusCode(204);
    }

    @Test
    void eachPartnerShouldGetTheProtectionTheTenantHasFor(GuiceJamesServer server) throws Exception {
        String subject = "pdf " + UUID.randomUUID();
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(ALICE));
        message.setRecipients(Message.RecipientType.TO, new InternetAddress[] {new InternetAddress(BOB), new InternetAddress(CAROL),
            new InternetAddress(ERIN)});
        message.setSubject(subject);
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Die Übernahme schließt am Freitag ab.\n", "UTF-8");
        MimeBodyPart attachment = new MimeBodyPart();
        attachment.setContent("Q3;1200\n", "text/csv");
        attachment.setFileName("figures.csv");
        message.setContent(new MimeMultipart(text, attachment));
        message.saveChanges();

        submit(server, message);

        SmtpSink.ReceivedMail toBob = sink.awaitMail(mail -> mail.subject().equals(subject) && mail.envelopeRecipients().equals(List.of(BOB)));
        SmtpSink.ReceivedMail toCarol = sink.awaitMail(mail -> mail.subject().equals(subject) && mail.envelopeRecipients().equals(List.of(CAROL)));
        SmtpSink.ReceivedMail toErin = sink.awaitMail(mail -> mail.subject().equals(subject) && mail.envelopeRecipients().equals(List.of(ERIN)));
        assertThat(new String(toBob.data(), StandardCharsets.US_ASCII)).contains("smime-type=enveloped-data");
        assertThat(new String(toErin.data(), StandardCharsets.ISO_8859_1)).contains("figures.csv").doesNotContain("X-Tresor-Protection");
        String carols = new String(toCarol.data(), StandardCharsets.ISO_8859_1);
        assertThat(carols).contains("X-Tresor-Protection: pdf").doesNotContain("figures.csv").doesNotContain(CAROLS_PDF_PASSWORD);

        Path pdf = directory.resolve("carol.pdf");
        Files.write(pdf, pdfOf(toCarol.message()));
        assertThat(PdfTools.succeed(directory, "qpdf", "--show-encryption", "--password=" + CAROLS_PDF_PASSWORD, pdf.toString()))
            .contains("R = 6");
        assertThat(PdfTools.succeed(directory, "pdftotext", "-upw", CAROLS_PDF_PASSWORD, pdf.toString(), "-"))
            .contains("Die Übernahme schließt am Freitag ab.").contains("From: " + ALICE);
        assertThat(PdfTools.succeed(directory, "pdfdetach", "-list", "-upw", CAROLS_PDF_PASSWORD, pdf.toString())).contains("figures.csv");
        assertThat(PdfTools.run(directory, "pdftotext", pdf.toString(), "-").exitCode).isNotZero();
    }

    private static byte[] pdfOf(MimeMessage message) throws Exception {
        MimeMultipart parts = (MimeMultipart) message.getContent();
        ByteArrayOutputStream pdf = new ByteArrayOutputStream();
        try (InputStream in = parts.getBodyPart(1).getInputStream()) {
            in.transferTo(pdf);
        }
        return pdf.toByteArray();
    }

    private static void submit(GuiceJamesServer server, MimeMessage message) throws Exception {
        Properties properties = tresor.clientProperties("smtp", server.getProbe(SmtpListenersProbe.class).submission());
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.starttls.required", "true");
        try (Transport transport = Session.getInstance(properties).getTransport("smtp")) {
            transport.connect(ALICE, PASSWORD);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }
}
