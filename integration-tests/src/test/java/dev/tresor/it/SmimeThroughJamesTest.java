package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.DataProbeImpl;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * S/MIME end to end through a real James with the sample chain: an authenticated local sender's mail is signed and
 * encrypted on the way out (openssl opens and verifies what the relay target receives), a partner's mail that openssl
 * signed and encrypted is decrypted and verified on the way in (read over IMAP), a partner's mail with protected headers
 * is read with its real Subject, and a forged verdict never survives.
 * Keys are made by openssl and imported over WebAdmin, as an admin would.
 */
class SmimeThroughJamesTest {
    private static final String ALICE = "alice@" + TresorJames.LOCAL_DOMAIN;
    private static final String DAVE = "dave@" + TresorJames.LOCAL_DOMAIN;
    private static final String PASSWORD = "secret";
    private static final String BOB = "bob@partner.example";
    private static final String P12_PASSWORD = "p12 secret";

    static SmtpSink sink = new SmtpSink();
    static TresorJames tresor = new TresorJames(sink);

    @RegisterExtension
    static JamesServerExtension james = tresor.extension();

    @TempDir
    static Path directory;

    private static OpenSslIdentities openssl;

    @BeforeAll
    static void setUpTenantAndKeys(GuiceJamesServer server) throws Exception {
        server.getProbe(DataProbeImpl.class).fluent()
            .addDomain(TresorJames.LOCAL_DOMAIN)
            .addUser(ALICE, PASSWORD)
            .addUser(DAVE, PASSWORD);
        openssl = new OpenSslIdentities(directory);
        openssl.selfSigned("alice", "/CN=Alice/O=Acme", ALICE);
        openssl.selfSigned("dave", "/CN=Dave/O=Acme", DAVE);
        openssl.selfSigned("bob", "/CN=Bob/O=Partner", BOB);

        TresorJames.webAdmin(server).put("/tresor/tenants/acme").then().statusCode(201);
        TresorJames.webAdmin(server).put("/tresor/tenants/acme/domains/" + TresorJames.LOCAL_DOMAIN).then().statusCode(204);
        for (String user : new String[] {"alice", "dave"}) {
            TresorJames.webAdmin(server).contentType("application/x-pkcs12").header("X-Tresor-Pkcs12-Password", P12_PASSWORD)
                .body(Files.readAllBytes(openssl.pkcs12(user, P12_PASSWORD)))
                .post("/tresor/tenants/acme/keys").then().statusCode(201);
        }
        TresorJames.webAdmin(server).contentType("application/x-pem-file").body(Files.readAllBytes(openssl.certificate("bob")))
            .post("/tresor/tenants/acme/certificates").then().statusCode(201);
        TresorJames.webAdmin(server).contentType("application/x-pem-file").body(Files.readAllBytes(openssl.certificate("bob")))
            .post("/tresor/tenants/acme/trust-anchors").then().statusCode(201);
    }

    @Test
    void authenticatedMailToAPartnerShouldLeaveSignedAndEncrypted(GuiceJamesServer server) throws Exception {
        String subject = "smime " + UUID.randomUUID();
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(ALICE));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(BOB));
        message.setSubject(subject);
        message.setText("The merger closes on Friday.\n");
        message.saveChanges();

        submit(server, message, ALICE);

        byte[] relayed = raw(sink.awaitMailWithSubject(subject).message());
        assertThat(new String(relayed, StandardCharsets.US_ASCII))
            .contains("application/pkcs7-mime; smime-type=enveloped-data")
            .doesNotContain("merger");
        Files.write(directory.resolve("relayed.eml"), relayed);
        openssl.run("cms", "-decrypt", "-recip", "bob-cert.pem", "-inkey", "bob-key.pem", "-in", "relayed.eml", "-out", "decrypted.eml");
        openssl.run("cms", "-verify", "-CAfile", "alice-cert.pem", "-in", "decrypted.eml", "-out", "content.txt");
        assertThat(Files.readString(directory.resolve("content.txt"))).contains("The merger closes on Friday.");
    }

    @Test
    void aPartnersSignedAndEncryptedMailShouldArriveDecryptedAndVerified(GuiceJamesServer server) throws Exception {
        String subject = "inbound " + UUID.randomUUID();
        Files.writeString(directory.resolve("inbound.txt"), "Content-Type: text/plain\r\n\r\nOur offer stands.\r\n");
        openssl.run("cms", "-sign", "-signer", "bob-cert.pem", "-inkey", "bob-key.pem", "-in", "inbound.txt", "-out", "signed.eml");
        openssl.run("cms", "-encrypt", "-aes256", "-recip", "dave-cert.pem", "-from", BOB, "-to", DAVE, "-subject", subject,
            "-in", "signed.eml", "-out", "encrypted.eml");
        MimeMessage encrypted = new MimeMessage(Session.getInstance(new Properties()),
            Files.newInputStream(directory.resolve("encrypted.eml")));

        sendToMx(server, encrypted, DAVE);

        String delivered = tresor.readFirstMessageOverImaps(server, DAVE, PASSWORD);
        assertThat(delivered).contains("Subject: " + subject)
            .contains("Our offer stands.")
            .contains("X-Tresor-Decryption: decrypted")
            .contains("X-Tresor-Signature: valid");
    }

    @Test
    void aForgedVerdictOnUnsignedMailShouldBeReplacedByNone(GuiceJamesServer server) throws Exception {
        MimeMessage forged = new MimeMessage(Session.getInstance(new Properties()));
        forged.setFrom(new InternetAddress("ceo@" + TresorJames.LOCAL_DOMAIN));
        forged.setRecipient(Message.RecipientType.TO, new InternetAddress(ALICE));
        forged.setSubject("forged " + UUID.randomUUID());
        forged.setText("Wire the money.");
        forged.setHeader("X-Tresor-Signature", "valid; signer=ceo@acme.example");
        forged.saveChanges();

        sendToMx(server, forged, ALICE);

        String delivered = tresor.readFirstMessageOverImaps(server, ALICE, PASSWORD);
        assertThat(delivered).contains("Wire the money.")
            .contains("X-Tresor-Signature: none")
            .doesNotContain("X-Tresor-Signature: valid");
    }

    @Test
    void aPartnersMailWithProtectedHeadersShouldBeReadWithItsRealSubject(GuiceJamesServer server) throws Exception {
        String carol = "carol@" + TresorJames.LOCAL_DOMAIN;
        server.getProbe(DataProbeImpl.class).fluent().addUser(carol, PASSWORD);
        openssl.selfSigned("carol", "/CN=Carol/O=Acme", carol);
        TresorJames.webAdmin(server).contentType("application/x-pkcs12").header("X-Tresor-Pkcs12-Password", P12_PASSWORD)
            .body(Files.readAllBytes(openssl.pkcs12("carol", P12_PASSWORD)))
            .post("/tresor/tenants/acme/keys").then().statusCode(201);
        String subject = "protected " + UUID.randomUUID();
        Files.writeString(directory.resolve("protected.txt"), "Content-Type: multipart/mixed; boundary=\"hp\";\r\n"
            + " protected-headers=\"v1\"\r\nFrom: " + BOB + "\r\nTo: " + carol + "\r\nSubject: " + subject + "\r\n"
            + "Message-ID: <" + UUID.randomUUID() + "@partner.example>\r\n\r\n"
            + "--hp\r\nContent-Type: text/rfc822-headers; protected-headers=\"v1\"\r\nContent-Disposition: inline\r\n\r\n"
            + "Subject: " + subject + "\r\n\r\n"
            + "--hp\r\nContent-Type: text/plain; charset=UTF-8; format=flowed\r\n\r\nOnly the two of us know the subject.\r\n"
            + "--hp--\r\n");
        openssl.run("cms", "-encrypt", "-binary", "-aes256", "-recip", "carol-cert.pem", "-from", BOB, "-to", carol,
            "-subject", "...", "-in", "protected.txt", "-out", "protected.eml");
        MimeMessage encrypted = new MimeMessage(Session.getInstance(new Properties()),
            Files.newInputStream(directory.resolve("protected.eml")));

        sendToMx(server, encrypted, carol);

        String delivered = tresor.readFirstMessageOverImaps(server, carol, PASSWORD);
        assertThat(delivered).contains("Subject: " + subject)
            .doesNotContain("Subject: ...")
            .doesNotContain("text/rfc822-headers")
            .contains("Only the two of us know the subject.")
            .contains("X-Tresor-Decryption: decrypted");
    }

    private static void submit(GuiceJamesServer server, MimeMessage message, String user) throws MessagingException {
        Properties properties = tresor.clientProperties("smtp", server.getProbe(SmtpListenersProbe.class).submission());
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.starttls.required", "true");
        try (Transport transport = Session.getInstance(properties).getTransport("smtp")) {
            transport.connect(user, PASSWORD);
            transport.sendMessage(message, message.getAllRecipients());
        }
    }

    private static void sendToMx(GuiceJamesServer server, MimeMessage message, String recipient) throws MessagingException {
        Properties properties = tresor.clientProperties("smtp", server.getProbe(SmtpListenersProbe.class).mx());
        try (Transport transport = Session.getInstance(properties).getTransport("smtp")) {
            transport.connect();
            transport.sendMessage(message, new InternetAddress[] {new InternetAddress(recipient)});
        }
    }

    private static byte[] raw(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }
}
