package dev.tresor.pgp;

import static dev.tresor.smime.SmimeFixtures.bytes;
import static dev.tresor.smime.SmimeFixtures.parse;
import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.stream.Stream;

import javax.mail.Multipart;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.tresor.keys.EmailAddress;
import dev.tresor.mime.ByteSink;

/**
 * gpg 2.2 as the partner, both ways, for RSA-3072 keys and Ed25519/Curve25519 keys: it opens our PGP/MIME and accepts
 * our signatures; we open and verify what {@code gpg --armor --sign --encrypt} and {@code --detach-sign} produce.
 */
class PgpInteropTest {
    private static final PgpFixtures KEYS = PgpFixtures.get();

    @TempDir
    Path directory;

    private PgpTestTenants tenants;

    @BeforeEach
    void setUp() {
        tenants = new PgpTestTenants(directory);
    }

    /** (ours, partner's): an acme.example key with its secret part, a partner.example key whose secret stays with gpg. */
    static Stream<Arguments> keyTypes() {
        return Stream.of(Arguments.of("RSA-3072", KEYS.aliceRsa, KEYS.bobRsa),
            Arguments.of("Ed25519/Curve25519", KEYS.anna25519, KEYS.bea25519));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyTypes")
    void gpgShouldDecryptOurPgpMimeAndVerifyTheSignatureInside(String type, PgpFixtures.Key ours, PgpFixtures.Key partner)
        throws Exception {
        tenants.addSecret(tenants.acme, ours);
        tenants.addPublic(tenants.acme, partner);
        MimeMessage message = textMail(ours.address, partner.address, "The merger closes on Friday.\n");

        MimeMessage encrypted = new PgpEncryptor(Clock.systemUTC()).encrypt(message,
            tenants.encryptionKeys(tenants.acme, partner.address), Optional.of(tenants.signingKey(tenants.acme, ours.address)));

        byte[] armored = encryptedPart(encrypted);
        try (PgpFixtures.Gpg gpg = PgpFixtures.gpg(directory, partner)) {
            gpg.importKeys(ours.publicKey);
            String decrypted = new String(gpg.decrypt(armored), StandardCharsets.UTF_8);
            String status = gpg.decryptStatus(armored);

            assertThat(decrypted).startsWith("Content-Type: text/plain; charset=utf-8\r\n")
                .endsWith("\r\n\r\nThe merger closes on Friday.\r\n");
            assertThat(gpg.decrypt(bytes(encrypted))).as("gpg finds the armored message in the whole .eml too")
                .isEqualTo(decrypted.getBytes(StandardCharsets.UTF_8));
            assertThat(status).contains("[GNUPG:] DECRYPTION_OKAY", "[GNUPG:] GOODSIG", "[GNUPG:] VALIDSIG")
                .contains("[GNUPG:] DECRYPTION_INFO 2 9").doesNotContain("BADSIG");
        }
        assertThat(encrypted.getContentType()).contains("multipart/encrypted").contains("application/pgp-encrypted");
        assertThat(encrypted.getHeader("Subject", null)).isEqualTo("Quarterly figures");
        assertThat(new String(bytes(encrypted), StandardCharsets.US_ASCII)).doesNotContain("merger");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyTypes")
    void gpgShouldVerifyOurDetachedSignature(String type, PgpFixtures.Key ours, PgpFixtures.Key partner) throws Exception {
        tenants.addSecret(tenants.acme, ours);
        MimeMessage message = textMail(ours.address, partner.address, "Grüße aus Köln\nsecond line\n");

        MimeMessage signed = new PgpSigner(PgpSigner.Hash.SHA256, Clock.systemUTC()).sign(message,
            tenants.signingKey(tenants.acme, ours.address));

        Parts parts = Parts.of(signed);
        try (PgpFixtures.Gpg gpg = PgpFixtures.gpgWithPublicKeys(directory, ours)) {
            String status = gpg.verifyDetached(parts.signature, parts.signedContent);

            assertThat(status).contains("[GNUPG:] GOODSIG", "[GNUPG:] VALIDSIG " + ours.fingerprint)
                .doesNotContain("BADSIG");
            assertThat(status).containsPattern("VALIDSIG \\S+ \\S+ \\d+ 0 4 0 \\d+ 8 ");
        }
        assertThat(signed.getContentType()).contains("micalg=pgp-sha256").contains("application/pgp-signature");
        assertThat(new String(parts.signedContent, StandardCharsets.US_ASCII))
            .as("8-bit text is signed 7-bit, as it will travel").contains("Content-Transfer-Encoding: quoted-printable");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyTypes")
    void weShouldDecryptAndVerifyWhatGpgSignedAndEncrypted(String type, PgpFixtures.Key ours, PgpFixtures.Key partner)
        throws Exception {
        tenants.addSecret(tenants.acme, ours);
        tenants.addPublic(tenants.acme, partner);
        byte[] entity = ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Signed and sealed by gpg: Grüße\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] armored;
        try (PgpFixtures.Gpg gpg = PgpFixtures.gpg(directory, partner)) {
            gpg.importKeys(ours.publicKey);
            armored = gpg.encrypt(entity, partner.fingerprint, ours.fingerprint);
        }
        MimeMessage received = pgpMime(partner.address, ours.address, armored);

        PgpDecryptor.Decrypted decrypted = new PgpDecryptor(DecryptionLimits.DEFAULT).decrypt(received, tenants.keys(tenants.acme));
        PgpVerdict verdict = new PgpVerifier().verify(decrypted.content(), Optional.of(EmailAddress.of(partner.address)),
            tenants.keys(tenants.acme));

        assertThat(decrypted.message().getContent()).isEqualTo("Signed and sealed by gpg: Grüße\r\n");
        assertThat(decrypted.message().getHeader("Subject", null)).isEqualTo("From gpg");
        assertThat(decrypted.key().entry().fingerprint().asString()).isEqualTo(ours.fingerprint);
        assertThat(decrypted.protection()).contains("SEIPD v1 (MDC)");
        assertThat(verdict.status()).as(verdict.toString()).isEqualTo(PgpVerdict.Status.VALID);
        assertThat(verdict.signer().orElseThrow().asString()).isEqualTo(partner.fingerprint);
        assertThat(verdict.userId()).contains(partner == KEYS.bobRsa ? "Bob <bob@partner.example>" : "Bea <bea@partner.example>");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyTypes")
    void weShouldVerifyGpgsDetachedAndInlineSignatures(String type, PgpFixtures.Key ours, PgpFixtures.Key partner)
        throws Exception {
        tenants.addPublic(tenants.acme, partner);
        String entity = "Content-Type: text/plain; charset=us-ascii\r\n\r\nSigned by gpg.\r\n";
        byte[] detached;
        byte[] inline;
        try (PgpFixtures.Gpg gpg = PgpFixtures.gpg(directory, partner)) {
            detached = gpg.detachSign(entity.getBytes(StandardCharsets.US_ASCII), partner.fingerprint);
            inline = gpg.sign("Inline signed text.\r\n".getBytes(StandardCharsets.US_ASCII), partner.fingerprint);
        }
        String boundary = "sig-boundary";
        MimeMessage multipartSigned = parse(("From: " + partner.address + "\r\nTo: " + ours.address + "\r\nSubject: signed\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\";"
            + " boundary=\"" + boundary + "\"\r\n\r\n--" + boundary + "\r\n" + entity + "\r\n--" + boundary + "\r\n"
            + "Content-Type: application/pgp-signature\r\n\r\n" + new String(detached, StandardCharsets.US_ASCII)
            + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        MimeMessage inlineSigned = parse(("From: " + partner.address + "\r\nTo: " + ours.address + "\r\nSubject: inline\r\n"
            + "Content-Type: text/plain\r\n\r\n" + new String(inline, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII));
        Optional<EmailAddress> from = Optional.of(EmailAddress.of(partner.address));

        PgpVerdict detachedVerdict = new PgpVerifier().verify(multipartSigned, from, tenants.keys(tenants.acme));
        PgpVerdict inlineVerdict = new PgpVerifier().verify(inlineSigned, from, tenants.keys(tenants.acme));

        assertThat(PgpForm.of(multipartSigned)).isEqualTo(PgpForm.SIGNED_MIME);
        assertThat(PgpForm.of(inlineSigned)).isEqualTo(PgpForm.SIGNED_INLINE);
        assertThat(detachedVerdict.status()).as(detachedVerdict.toString()).isEqualTo(PgpVerdict.Status.VALID);
        assertThat(inlineVerdict.status()).as(inlineVerdict.toString()).isEqualTo(PgpVerdict.Status.VALID);
        assertThat(new PgpVerifier().verify(multipartSigned, Optional.of(EmailAddress.of("mallory@partner.example")),
            tenants.keys(tenants.acme)).status()).isEqualTo(PgpVerdict.Status.INVALID);
        assertThat(new PgpVerifier().verify(multipartSigned, from, tenants.keys(tenants.globex)).status())
            .as("globex does not hold the partner's key").isEqualTo(PgpVerdict.Status.UNKNOWN_KEY);
    }

    static MimeMessage pgpMime(String from, String to, byte[] armored) throws Exception {
        String boundary = "enc-boundary";
        return parse(("From: " + from + "\r\nTo: " + to + "\r\nSubject: From gpg\r\nMessage-ID: <gpg-1@partner.example>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\""
            + boundary + "\"\r\n\r\n--" + boundary + "\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--"
            + boundary + "\r\nContent-Type: application/octet-stream\r\n\r\n" + new String(armored, StandardCharsets.US_ASCII)
            + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The armored OpenPGP message of a PGP/MIME encrypted message. */
    static byte[] encryptedPart(MimeMessage encrypted) throws Exception {
        Multipart multipart = (Multipart) encrypted.getContent();
        assertThat(multipart.getCount()).isEqualTo(2);
        assertThat(multipart.getBodyPart(0).getContentType()).startsWith("application/pgp-encrypted");
        assertThat(new String(multipart.getBodyPart(0).getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim())
            .isEqualTo("Version: 1");
        ByteSink armored = new ByteSink(1024);
        armored.readFrom(multipart.getBodyPart(1).getInputStream());
        return armored.toByteArray();
    }

    /** The two parts of a multipart/signed message as gpg is given them: exact first part bytes, and the signature. */
    static final class Parts {
        final byte[] signedContent;
        final byte[] signature;

        private Parts(byte[] signedContent, byte[] signature) {
            this.signedContent = signedContent;
            this.signature = signature;
        }

        static Parts of(MimeMessage signed) throws Exception {
            String raw = new String(bytes(signed), StandardCharsets.ISO_8859_1);
            String boundary = new javax.mail.internet.ContentType(signed.getContentType()).getParameter("boundary");
            String delimiter = "\r\n--" + boundary;
            int first = raw.indexOf("--" + boundary + "\r\n") + boundary.length() + 4;
            int second = raw.indexOf(delimiter, first);
            byte[] content = raw.substring(first, second).getBytes(StandardCharsets.ISO_8859_1);
            int signatureStart = raw.indexOf("-----BEGIN PGP SIGNATURE-----", second);
            int signatureEnd = raw.indexOf("-----END PGP SIGNATURE-----", signatureStart) + 27;
            return new Parts(content, raw.substring(signatureStart, signatureEnd).getBytes(StandardCharsets.US_ASCII));
        }
    }
}
