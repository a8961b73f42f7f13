package dev.tresor.it.shipped;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import dev.tresor.it.OpenSslIdentities;
import dev.tresor.it.SmtpSink;
import dev.tresor.keys.io.ExternalTool;
import dev.tresor.keys.io.GnuPg;

/**
 * The tenant acme of {@value #DOMAIN} with its users and partners, set up in a running server over WebAdmin as the
 * README tells an admin to, with keys made by openssl and gpg; and those tools playing the partners' side.
 * <ul>
 *     <li>Alice (local) has an S/MIME key (PKCS#12 from openssl) and an OpenPGP key (gpg); Frank (local) has none.</li>
 *     <li>Bob (partner) has a certificate, also a trust anchor of acme; Paul an OpenPGP key only; Carol a PDF
 *         password only; Erin nothing.</li>
 * </ul>
 */
final class SampleTenant implements AutoCloseable {
    static final String DOMAIN = "acme.example";
    static final String ALICE = "alice@" + DOMAIN;
    static final String FRANK = "frank@" + DOMAIN;
    static final String PASSWORD = "user secret";
    static final String BOB = "bob@partner.example";
    static final String PAUL = "paul@partner.example";
    static final String CAROL = "carol@partner.example";
    static final String ERIN = "erin@partner.example";
    static final String CAROLS_PDF_PASSWORD = "agreed with Carol";
    static final String BOBS_PDF_PASSWORD = "agreed with Bob";
    /** The header block of a plain text MIME entity, to put content behind. */
    static final String TEXT_ENTITY = "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
    private static final String P12_PASSWORD = "p12 secret";

    private final Path directory;
    private final OpenSslIdentities openssl;
    private final GnuPg gpg;
    private final String alicePgp;
    private final String paulPgp;

    private SampleTenant(Path directory, OpenSslIdentities openssl, GnuPg gpg, String alicePgp, String paulPgp) {
        this.directory = directory;
        this.openssl = openssl;
        this.gpg = gpg;
        this.alicePgp = alicePgp;
        this.paulPgp = paulPgp;
    }

    /** Creates domain, users, tenant, keys, certificates and the PDF password in the server; files go to directory. */
    static SampleTenant createIn(ShippedServer server, Path directory) throws Exception {
        OpenSslIdentities openssl = smimeTenant(server, directory, List.of(ALICE, FRANK),
            List.of("certificates", "trust-anchors"));

        // one gpg home plays both sides: Alice's secret key goes to the gateway, Paul's stays here
        GnuPg gpg = new GnuPg(Files.createTempDirectory("tresor-shipped-gnupg"));
        String alicePgp = gpg.generateKey("Alice <" + ALICE + ">", "ed25519", "sign,cert", "never");
        gpg.addSubkey(alicePgp, "cv25519", "encr");
        String paulPgp = gpg.generateKey("Paul <" + PAUL + ">", "rsa3072", "sign,cert", "never");
        gpg.addSubkey(paulPgp, "rsa3072", "encr");
        server.webAdmin().contentType("application/pgp-keys").header("X-Tresor-Pgp-Passphrase", GnuPg.PASSPHRASE)
            .body(gpg.exportSecret(alicePgp)).post("/tresor/tenants/acme/pgp-keys").then().statusCode(201);
        server.webAdmin().contentType("application/pgp-keys").body(gpg.exportPublic(paulPgp))
            .post("/tresor/tenants/acme/pgp-keys").then().statusCode(201);

        server.webAdmin().body("{\"password\":\"" + CAROLS_PDF_PASSWORD + "\"}")
            .put("/tresor/tenants/acme/pdf-passwords/" + CAROL).then().statusCode(204);
        return new SampleTenant(directory, openssl, gpg, alicePgp, paulPgp);
    }

    /**
     * Only what sign + encrypt of Alice's mail to Bob needs, for load tests: the domain, Alice ({@link #PASSWORD}), the
     * tenant, Alice's S/MIME key and Bob's certificate. No gpg.
     */
    static void createSmimePairIn(ShippedServer server, Path directory) throws Exception {
        smimeTenant(server, directory, List.of(ALICE), List.of("certificates"));
    }

    /** For load tests: the domain, Alice ({@link #PASSWORD}), the tenant and Alice's S/MIME key; nothing for Bob. */
    static void createSmimeSenderIn(ShippedServer server, Path directory) throws Exception {
        smimeTenant(server, directory, List.of(ALICE), List.of());
    }

    /**
     * For load tests: {@link #createSmimeSenderIn}, and a PDF password the tenant agreed with Bob ({@value
     * #BOBS_PDF_PASSWORD}), his only means of protection.
     */
    static void createPdfPairIn(ShippedServer server, Path directory) throws Exception {
        createSmimeSenderIn(server, directory);
        server.webAdmin().body("{\"password\":\"" + BOBS_PDF_PASSWORD + "\"}")
            .put("/tresor/tenants/acme/pdf-passwords/" + BOB).then().statusCode(204);
    }

    /**
     * For load tests, OpenPGP only: the domain, Alice ({@link #PASSWORD}), the tenant, Alice's secret key (ed25519 with
     * a cv25519 encryption subkey, as {@link #createIn}) and Bob's public key (also written to {@code directory}); no
     * S/MIME key or certificate. Bob's key is rsa3072 (primary and encryption subkey): GnuPG 2.2's default, so the key
     * a partner most likely has, and Paul's in {@link #createIn}; with EncryptPgp's encryptToSender each mail's session
     * key is then wrapped once with RSA (Bob) and once with ECDH (Alice), both kinds a real chain meets. The gpg home is
     * removed afterwards.
     */
    static void createPgpPairIn(ShippedServer server, Path directory) throws Exception {
        tenant(server, List.of(ALICE));
        Path home = Files.createTempDirectory("tresor-bench-gnupg");
        try (GnuPg gpg = new GnuPg(home)) {
            String alice = gpg.generateKey("Alice <" + ALICE + ">", "ed25519", "sign,cert", "never");
            gpg.addSubkey(alice, "cv25519", "encr");
            String bob = gpg.generateKey("Bob <" + BOB + ">", "rsa3072", "sign,cert", "never");
            gpg.addSubkey(bob, "rsa3072", "encr");
            server.webAdmin().contentType("application/pgp-keys").header("X-Tresor-Pgp-Passphrase", GnuPg.PASSPHRASE)
                .body(gpg.exportSecret(alice)).post("/tresor/tenants/acme/pgp-keys").then().statusCode(201);
            byte[] bobsPublicKey = gpg.exportPublic(bob);
            Files.write(directory.resolve("bob-pgp.asc"), bobsPublicKey);
            server.webAdmin().contentType("application/pgp-keys").body(bobsPublicKey)
                .post("/tresor/tenants/acme/pgp-keys").then().statusCode(201);
        } finally {
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    /**
     * The domain, the users ({@link #PASSWORD}), the tenant, Alice's S/MIME key and Bob's certificate in each of
     * {@code bobsCollections} ({@code certificates}, {@code trust-anchors}); the openssl identities made for them.
     */
    private static OpenSslIdentities smimeTenant(ShippedServer server, Path directory, List<String> users,
            List<String> bobsCollections) throws Exception {
        tenant(server, users);
        OpenSslIdentities openssl = new OpenSslIdentities(directory);
        openssl.selfSigned("alice", "/CN=Alice/O=Acme", ALICE);
        openssl.selfSigned("bob", "/CN=Bob/O=Partner", BOB);
        server.webAdmin().contentType("application/x-pkcs12").header("X-Tresor-Pkcs12-Password", P12_PASSWORD)
            .body(Files.readAllBytes(openssl.pkcs12("alice", P12_PASSWORD)))
            .post("/tresor/tenants/acme/keys").then().statusCode(201);
        for (String collection : bobsCollections) {
            server.webAdmin().contentType("application/x-pem-file").body(Files.readAllBytes(openssl.certificate("bob")))
                .post("/tresor/tenants/acme/" + collection).then().statusCode(201);
        }
        return openssl;
    }

    /** The domain, the users ({@link #PASSWORD}) and the tenant acme owning the domain. */
    private static void tenant(ShippedServer server, List<String> users) {
        server.addDomain(DOMAIN);
        for (String user : users) {
            server.addUser(user, PASSWORD);
        }
        server.webAdmin().put("/tresor/tenants/acme").then().statusCode(201);
        server.webAdmin().put("/tresor/tenants/acme/domains/" + DOMAIN).then().statusCode(204);
    }

    Path directory() {
        return directory;
    }

    OpenSslIdentities openssl() {
        return openssl;
    }

    // --- the partners' side, inbound ----------------------------------------------------------------------------

    /** A mail from Bob to Alice, signed by openssl cms (multipart/signed, SHA-256). */
    byte[] signedByBob(String subject, String text) throws Exception {
        Path content = write("signed-" + UUID.randomUUID() + ".txt", TEXT_ENTITY + text + "\r\n");
        Path signed = directory.resolve("signed-" + UUID.randomUUID() + ".eml");
        openssl.run("cms", "-sign", "-md", "sha256", "-signer", "bob-cert.pem", "-inkey", "bob-key.pem", "-crlfeol",
            "-from", BOB, "-to", ALICE, "-subject", subject, "-in", content.toString(), "-out", signed.toString());
        return Files.readAllBytes(signed);
    }

    /** A mail from Bob to Alice: the MIME entity given, encrypted by openssl cms to Alice's certificate (AES-256). */
    byte[] encryptedByBob(String subject, String entity) throws Exception {
        Path content = write("plain-" + UUID.randomUUID() + ".txt", entity);
        Path encrypted = directory.resolve("encrypted-" + UUID.randomUUID() + ".eml");
        openssl.run("cms", "-encrypt", "-aes256", "-recip", "alice-cert.pem", "-crlfeol",
            "-from", BOB, "-to", ALICE, "-subject", subject, "-in", content.toString(), "-out", encrypted.toString());
        return Files.readAllBytes(encrypted);
    }

    /** A mail from Bob to Alice, signed and then encrypted by openssl cms. */
    byte[] signedThenEncryptedByBob(String subject, String text) throws Exception {
        Path content = write("offer-" + UUID.randomUUID() + ".txt", TEXT_ENTITY + text + "\r\n");
        Path signed = directory.resolve("offer-signed-" + UUID.randomUUID() + ".txt");
        openssl.run("cms", "-sign", "-md", "sha256", "-signer", "bob-cert.pem", "-inkey", "bob-key.pem", "-crlfeol",
            "-in", content.toString(), "-out", signed.toString());
        return encryptedByBob(subject, Files.readString(signed, US_ASCII));
    }

    /** A PGP/MIME multipart/signed mail from Paul to Alice, his detached signature made by gpg. */
    byte[] pgpSignedByPaul(String subject, String text) throws Exception {
        // RFC 3156: the CRLF before the next boundary belongs to the boundary, not to the signed part
        String part = TEXT_ENTITY + text;
        byte[] signature = gpg("--armor", "--local-user", paulPgp, "--digest-algo", "SHA256", "--detach-sign",
            write("pgp-part-" + UUID.randomUUID() + ".txt", part).toString());
        return ("From: " + PAUL + "\r\nTo: " + ALICE + "\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"s\"\r\n"
            + "\r\n--s\r\n" + part + "\r\n--s\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n"
            + new String(signature, US_ASCII) + "\r\n--s--\r\n").getBytes(US_ASCII);
    }

    /** A PGP/MIME multipart/encrypted mail from Paul to Alice, made by gpg, signed inside when asked. */
    byte[] pgpEncryptedByPaul(String subject, String text, boolean signed) throws Exception {
        List<String> arguments = new ArrayList<>(List.of("--armor", "--trust-model", "always", "--recipient", alicePgp));
        if (signed) {
            arguments.addAll(List.of("--local-user", paulPgp, "--sign"));
        }
        arguments.add("--encrypt");
        arguments.add(write("pgp-plain-" + UUID.randomUUID() + ".txt", TEXT_ENTITY + text + "\r\n").toString());
        byte[] armored = gpg(arguments.toArray(new String[0]));
        return ("From: " + PAUL + "\r\nTo: " + ALICE + "\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\r\n\r\n"
            + "--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n"
            + "--e\r\nContent-Type: application/octet-stream\r\n\r\n" + new String(armored, US_ASCII)
            + "\r\n--e--\r\n").getBytes(US_ASCII);
    }

    // --- the partners' side, outbound: the judges ---------------------------------------------------------------

    /** Bob opens the relayed mail with openssl cms -decrypt, then -verify accepts Alice's signature; returns the text. */
    String bobDecryptsAndVerifies(SmtpSink.ReceivedMail relayed) throws Exception {
        assertThat(relayed.envelopeRecipients()).containsExactly(BOB);
        assertThat(new String(relayed.data(), US_ASCII)).contains("smime-type=enveloped-data");
        String name = "to-bob-" + UUID.randomUUID();
        Files.write(directory.resolve(name + ".eml"), relayed.data());
        openssl.run("cms", "-decrypt", "-recip", "bob-cert.pem", "-inkey", "bob-key.pem", "-in", name + ".eml",
            "-out", name + "-decrypted.eml");
        openssl.run("cms", "-verify", "-CAfile", "alice-cert.pem", "-in", name + "-decrypted.eml",
            "-out", name + "-content.txt");
        return Files.readString(directory.resolve(name + "-content.txt"));
    }

    /** Paul opens the relayed PGP/MIME mail with gpg --decrypt; returns what gpg decrypted. */
    String paulDecrypts(SmtpSink.ReceivedMail relayed) throws Exception {
        assertThat(relayed.envelopeRecipients()).containsExactly(PAUL);
        MimeMessage message = relayed.message();
        assertThat(message.getContentType()).contains("multipart/encrypted").contains("application/pgp-encrypted");
        byte[] armored = ((MimeMultipart) message.getContent()).getBodyPart(1).getInputStream().readAllBytes();
        Path status = directory.resolve("to-paul-status-" + UUID.randomUUID() + ".txt");
        String decrypted = new String(gpg("--status-file", status.toString(), "--decrypt",
            write("to-paul-" + UUID.randomUUID() + ".asc", new String(armored, US_ASCII)).toString()), UTF_8);
        assertThat(Files.readString(status)).contains("DECRYPTION_OKAY");
        return decrypted;
    }

    private byte[] gpg(String... arguments) {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", gpg.home().toString(), "--batch", "--yes",
            "--no-tty", "--pinentry-mode", "loopback", "--passphrase", GnuPg.PASSPHRASE, "--output", "-"));
        command.addAll(Arrays.asList(arguments));
        return ExternalTool.run(directory, command.toArray(new String[0]));
    }

    Path write(String name, String content) throws Exception {
        return Files.writeString(directory.resolve(name), content, UTF_8);
    }

    @Override
    public void close() {
        gpg.close();
    }
}
