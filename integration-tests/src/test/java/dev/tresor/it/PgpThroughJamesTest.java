package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Multipart;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.DataProbeImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.io.ExternalTool;
import dev.tresor.keys.io.GnuPg;

/**
 * OpenPGP end to end through a real James with the sample chain: an authenticated local sender's mail leaves signed
 * and encrypted as PGP/MIME with her Autocrypt header (gpg, as the partner, opens it), and a partner's mail that gpg
 * signed and encrypted arrives decrypted with a valid verdict (read over IMAP). Keys are made by gpg and imported over
 * WebAdmin, as an admin would.
 */
class PgpThroughJamesTest {
    private static final String ALICE = "alice@" + TresorJames.LOCAL_DOMAIN;
    private static final String PASSWORD = "secret";
    private static final String BOB = "bob@partner.example";

    static SmtpSink sink = new SmtpSink();
    static TresorJames tresor = new TresorJames(sink);

    @RegisterExtension
    static JamesServerExtension james = tresor.extension();

    @TempDir
    static Path directory;

    private static GnuPg gpg;
    private static String aliceKey;
    private static String bobKey;

    @BeforeAll
    static void setUpTenantAndKeys(GuiceJamesServer server) throws Exception {
        server.getProbe(DataProbeImpl.class).fluent()
            .addDomain(TresorJames.LOCAL_DOMAIN)
            .addUser(ALICE, PASSWORD);
        // one gpg home plays both sides: Alice's key goes to the gateway, Bob's stays here
        gpg = new GnuPg(Files.createTempDirectory("tresor-it-gnupg"));
        aliceKey = gpg.generateKey("Alice <" + ALICE + ">", "ed25519", "sign,cert", "never");
        gpg.addSubkey(aliceKey, "cv25519", "encr");
        bobKey = gpg.generateKey("Bob <" + BOB + ">", "rsa3072", "sign,cert", "never");
        gpg.addSubkey(bobKey, "rsa3072", "encr");

        TresorJames.webAdmin(server).put("/tresor/tenants/acme").then().statusCode(201);
        TresorJames.webAdmin(server).put("/tresor/tenants/acme/domains/" + TresorJames.LOCAL_DOMAIN).then().statusCode(204);
        TresorJames.webAdmin(server).contentType("application/pgp-keys").header("X-Tresor-Pgp-Passphrase", GnuPg.PASSPHRASE)
            .body(gpg.exportSecret(aliceKey)).post("/tresor/tenants/acme/pgp-keys").then().statusCode(201);
        TresorJames.webAdmin(server).contentType("application/pgp-keys").body(gpg.exportPublic(bobKey))
            .post("/tresor/tenants/acme/pgp-keys").then().statusCode(201);
    }

    @AfterAll
    static void stopAgent() {
        if (gpg != null) {
            gpg.close();
        }
    }

    @Test
    void authenticatedMailToAPartnerShouldLeaveSignedAndEncryptedWithAnAutocryptHeader(GuiceJamesServer server) throws Exception {
        String subject = "pgp " + UUID.randomUUID();
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress(ALICE));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(BOB));
        message.setSubject(subject);
        message.setText("The merger closes on Friday.\n");
        message.saveChanges();

        submit(server, message, ALICE);

        MimeMessage relayed = sink.awaitMailWithSubject(subject).message();
        assertThat(new String(raw(relayed), StandardCharsets.US_ASCII))
            .contains("multipart/encrypted").contains("application/pgp-encrypted").doesNotContain("merger");
        assertThat(relayed.getHeader("Autocrypt", null)).startsWith("addr=" + ALICE + "; keydata=");
        byte[] armored = ((Multipart) relayed.getContent()).getBodyPart(1).getInputStream().readAllBytes();
        Path status = directory.resolve("status.txt");
        String decrypted = new String(gpg("--status-file", status.toString(), "--decrypt", write("relayed.asc", armored)),
            StandardCharsets.UTF_8);
        assertThat(Files.readString(status)).contains("DECRYPTION_OKAY");
        // SignPgp signed first (PGP/MIME multipart/signed), EncryptPgp then encrypted that whole entity
        assertThat(decrypted).contains("multipart/signed").contains("application/pgp-signature").contains("The merger closes on Friday.");
    }

    @Test
    void aPartnersSignedAndEncryptedMailShouldArriveDecryptedAndVerified(GuiceJamesServer server) throws Exception {
        String subject = "inbound " + UUID.randomUUID();
        String entity = "Content-Type: text/plain; charset=us-ascii\r\n\r\nOur offer stands.\r\n";
        byte[] armored = gpg("--armor", "--trust-model", "always", "--local-user", bobKey, "--recipient", aliceKey, "--sign",
            "--encrypt", write("offer.txt", entity.getBytes(StandardCharsets.US_ASCII)));
        String boundary = "pgp-boundary";
        MimeMessage encrypted = new MimeMessage(Session.getInstance(new Properties()), new java.io.ByteArrayInputStream((
            "From: " + BOB + "\r\nTo: " + ALICE + "\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
            + "X-Tresor-Pgp-Signature: valid; forged\r\n"
            + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"" + boundary + "\"\r\n\r\n"
            + "--" + boundary + "\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n"
            + "--" + boundary + "\r\nContent-Type: application/octet-stream\r\n\r\n" + new String(armored, StandardCharsets.US_ASCII)
            + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)));

        sendToMx(server, encrypted, ALICE);

        String delivered = tresor.readFirstMessageOverImaps(server, ALICE, PASSWORD);
        assertThat(delivered).contains("Subject: " + subject)
            .contains("Our offer stands.")
            .contains("X-Tresor-Decryption: decrypted (OpenPGP")
            .contains("X-Tresor-Pgp-Signature: valid")
            .doesNotContain("forged")
            .doesNotContain("BEGIN PGP MESSAGE");
    }

    private static byte[] gpg(String... arguments) {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", gpg.home().toString(), "--batch", "--yes", "--no-tty",
            "--pinentry-mode", "loopback", "--passphrase", GnuPg.PASSPHRASE, "--output", "-"));
        command.addAll(Arrays.asList(arguments));
        return ExternalTool.run(directory, command.toArray(new String[0]));
    }

    private static String write(String name, byte[] bytes) throws Exception {
        Path file = directory.resolve(name);
        Files.write(file, bytes);
        return file.toString();
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
