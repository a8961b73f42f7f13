package dev.tresor.it.shipped;

import static dev.tresor.it.shipped.SampleTenant.ALICE;
import static dev.tresor.it.shipped.SampleTenant.BOB;
import static dev.tresor.it.shipped.SampleTenant.PASSWORD;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import javax.mail.Part;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.it.OpenSslIdentities;
import dev.tresor.it.SmtpSink;
import dev.tresor.it.shipped.ShippedServer.SmtpRoute;

/**
 * A 25 MB mail through the whole sample chain (policy, S/MIME signature and encryption, the durable queues,
 * RemoteDelivery) of the shipped server with a 512 MB heap: it arrives whole, and Bob's openssl opens it to the
 * same attachment, byte for byte.
 */
class LargeMailShippedTest {
    private static final int ATTACHMENT_BYTES = 18 * 1024 * 1024 + 512 * 1024; // ≈ 25 MB once base64-encoded

    @RegisterExtension
    static ShippedServer server = new ShippedServer().javaOptions("-Xms64m -Xmx512m");

    @TempDir
    static Path directory;

    @BeforeAll
    static void aliceAndBob() throws Exception {
        SampleTenant.createSmimePairIn(server, directory);
    }

    @Test
    void a25MegabyteMailShouldBeSignedEncryptedAndDeliveredWholeByAServerWith512MegabytesOfHeap() throws Exception {
        byte[] attachment = new byte[ATTACHMENT_BYTES];
        new Random(25).nextBytes(attachment);
        String subject = "large " + UUID.randomUUID();
        byte[] mail = mailWithAttachment(subject, attachment);
        assertThat(mail.length).isGreaterThan(25_000_000);

        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, ALICE, PASSWORD, List.of(BOB), mail);

        AtomicReference<SmtpSink.ReceivedMail> relayed = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Optional<SmtpSink.ReceivedMail> found = server.sink().received().stream()
                .filter(received -> received.subject().equals(subject)).findFirst();
            found.ifPresent(relayed::set);
            return found.isPresent() || !server.isRunning();
        });
        assertThat(server.isRunning()).isTrue();
        assertThat(server.logTail()).doesNotContain("OutOfMemoryError");
        assertThat(relayed.get()).as("relayed to the sink").isNotNull();
        assertThat(relayed.get().message().getContentType()).contains("application/pkcs7-mime");

        OpenSslIdentities openssl = new OpenSslIdentities(directory);
        Path encrypted = directory.resolve("large.eml");
        Files.write(encrypted, relayed.get().data());
        Path signed = directory.resolve("large-signed.eml");
        openssl.run("cms", "-decrypt", "-recip", openssl.certificate("bob").toString(), "-inkey",
            openssl.key("bob").toString(), "-in", encrypted.toString(), "-out", signed.toString());
        Path content = directory.resolve("large-content.eml");
        openssl.run("cms", "-verify", "-CAfile", openssl.certificate("alice").toString(), "-in", signed.toString(),
            "-out", content.toString());
        assertThat(sha256(attachmentOf(content))).isEqualTo(sha256(attachment));
    }

    private static byte[] mailWithAttachment(String subject, byte[] attachment) {
        ByteArrayOutputStream mail = new ByteArrayOutputStream(attachment.length * 4 / 3 + 4096);
        String boundary = "large-" + UUID.randomUUID();
        mail.writeBytes(("From: " + ALICE + "\r\nTo: " + BOB + "\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n--" + boundary + "\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n\r\nThe archive, as promised.\r\n--" + boundary + "\r\n"
            + "Content-Type: application/octet-stream; name=\"archive.bin\"\r\n"
            + "Content-Disposition: attachment; filename=\"archive.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            .getBytes(US_ASCII));
        mail.writeBytes(Base64.getMimeEncoder().encode(attachment));
        mail.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(US_ASCII));
        return mail.toByteArray();
    }

    private static byte[] attachmentOf(Path entity) throws Exception {
        try (InputStream in = Files.newInputStream(entity)) {
            MimeMessage message = new MimeMessage(Session.getInstance(new java.util.Properties()), in);
            MimeMultipart parts = (MimeMultipart) message.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                Part part = parts.getBodyPart(i);
                if ("archive.bin".equals(part.getFileName())) {
                    // not readAllBytes(): javax.mail's base64 decoder stream has answered it with 8,192 bytes only
                    ByteArrayOutputStream decoded = new ByteArrayOutputStream();
                    try (InputStream data = part.getInputStream()) {
                        data.transferTo(decoded);
                    }
                    return decoded.toByteArray();
                }
            }
        }
        throw new AssertionError("no attachment archive.bin in " + entity);
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
