package dev.tresor.smime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.mime.Mime;

/** Messages and PEM files for S/MIME tests. */
public final class SmimeFixtures {
    private SmimeFixtures() {
    }

    public static MimeMessage parse(String raw) throws MessagingException {
        return parse(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static MimeMessage parse(byte[] raw) throws MessagingException {
        return new MimeMessage(Mime.SESSION, new javax.mail.util.SharedByteArrayInputStream(raw));
    }

    public static byte[] bytes(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** A plain text mail with CRLF line ends. */
    public static MimeMessage textMail(String from, String to, String body) throws MessagingException {
        return parse(("From: " + from + "\r\nTo: " + to + "\r\nSubject: Quarterly figures\r\nMessage-ID: <t1@tresor.test>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
            + body).replace("\r\n", "\n").replace("\n", "\r\n"));
    }

    /** A multipart mail with a text part and a random binary attachment of the given size (base64, CRLF). */
    public static MimeMessage mailWithAttachment(String from, String to, byte[] attachment) throws MessagingException {
        String base64 = Base64.getMimeEncoder().encodeToString(attachment);
        String raw = "From: " + from + "\r\nTo: " + to + "\r\nSubject: Report with attachment\r\nMessage-ID: <t2@tresor.test>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
            + "--outer\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease find the report attached.\r\n"
            + "--outer\r\nContent-Type: application/octet-stream; name=\"report.bin\"\r\n"
            + "Content-Disposition: attachment; filename=\"report.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64 + "\r\n--outer--\r\n";
        return parse(raw.getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    public static Path writePem(Path file, X509Certificate... certificates) throws Exception {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : certificates) {
            pem.append("-----BEGIN CERTIFICATE-----\n")
                .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded()))
                .append("\n-----END CERTIFICATE-----\n");
        }
        Files.writeString(file, pem.toString(), StandardCharsets.US_ASCII);
        return file;
    }

    public static Path writeKey(Path file, java.security.PrivateKey key) throws IOException {
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        return file;
    }

    /**
     * A key lookup that knows the one key, matched as the key repository matches: issuer and serial number, (the
     * envelopes of these tests never name a subject key identifier).
     */
    public static SmimeDecryptor.KeyLookup keyLookup(TestPki.Issued key) {
        return id -> id.issuer().isPresent()
            && id.issuer().get().equals(key.certificate().getIssuerX500Principal())
            && id.serialNumber().get().equals(key.certificate().getSerialNumber())
            ? List.of(new KeyPairEntry(entry(key), key.privateKey()))
            : List.of();
    }

    private static CertificateEntry entry(TestPki.Issued key) {
        return new CertificateEntry(TenantId.of("fixtures"), key.fingerprint(), key.certificate(), key.chain(), Set.of(),
            true, true, Origin.IMPORTED, KeyStatus.ACTIVE, Instant.now());
    }
}
