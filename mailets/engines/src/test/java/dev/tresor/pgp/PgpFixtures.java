package dev.tresor.pgp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.bouncycastle.bcpg.AEADAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.api.OpenPGPKey;
import org.bouncycastle.openpgp.api.OpenPGPKeyGenerator;
import org.bouncycastle.openpgp.api.bc.BcOpenPGPImplementation;
import org.bouncycastle.openpgp.operator.bc.BcAEADSecretKeyEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPairGeneratorProvider;

import dev.tresor.keys.io.ExternalTool;
import dev.tresor.keys.io.GnuPg;
import dev.tresor.smime.SmimeFixtures;

/**
 * OpenPGP keys for the engine and mailet tests, made once per test JVM the way their owners would make them: gpg 2.2
 * for v4 keys (RSA-3072, and Ed25519 with a Curve25519 encryption subkey), Bouncy Castle for v6 keys (gpg 2.2 cannot).
 * Each key has its own address, so a tenant's signing key for an address is never ambiguous.
 */
public final class PgpFixtures {
    public static final char[] PASSPHRASE = GnuPg.PASSPHRASE.toCharArray();

    private static PgpFixtures instance;

    /** Ours (acme.example): secret keys imported into the tenant. */
    public final Key aliceRsa;
    public final Key anna25519;
    /** Partners' (partner.example): their secret keys stay with gpg. */
    public final Key bobRsa;
    public final Key bea25519;
    /** Bob's old key, superseded by {@link #bobRsa}, for key history. */
    public final Key bobOld;
    /** Erin's key expires a day after it was made. */
    public final Key erinExpiring;
    /** A v6 key (Ed25519 + X25519) made by Bouncy Castle, for carl@acme.example. */
    public final Key carlV6;
    public final Key dinaV6;

    /** One key: fingerprint of the primary key and the exports. */
    public static final class Key {
        public final String address;
        public final String fingerprint;
        public final byte[] publicKey;
        public final byte[] secretKey;

        Key(String address, String fingerprint, byte[] publicKey, byte[] secretKey) {
            this.address = address;
            this.fingerprint = fingerprint;
            this.publicKey = publicKey;
            this.secretKey = secretKey;
        }
    }

    private PgpFixtures(GnuPg gpg) {
        aliceRsa = gpgKey(gpg, "Alice <alice@acme.example>", "alice@acme.example", "rsa3072", "rsa3072");
        anna25519 = gpgKey(gpg, "Anna <anna@acme.example>", "anna@acme.example", "ed25519", "cv25519");
        bobOld = gpgKey(gpg, "Bob Old <bob@partner.example>", "bob@partner.example", "rsa3072", "rsa3072");
        GnuPg.awaitNextSecond(); // Bob's key is newer than his old one
        bobRsa = gpgKey(gpg, "Bob <bob@partner.example>", "bob@partner.example", "rsa3072", "rsa3072");
        bea25519 = gpgKey(gpg, "Bea <bea@partner.example>", "bea@partner.example", "ed25519", "cv25519");
        erinExpiring = gpgKey(gpg, "Erin <erin@partner.example>", "erin@partner.example", "ed25519", "cv25519", "1d");
        carlV6 = v6Key("Carl <carl@acme.example>", "carl@acme.example");
        dinaV6 = v6Key("Dina <dina@partner.example>", "dina@partner.example");
    }

    public static synchronized PgpFixtures get() {
        if (instance == null) {
            try {
                Path home = Files.createTempDirectory("tresor-pgp-keys");
                GnuPg gpg = new GnuPg(home.resolve("gnupg"));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    gpg.close();
                    deleteTree(home);
                }));
                instance = new PgpFixtures(gpg);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    private static Key gpgKey(GnuPg gpg, String userId, String address, String primary, String subkey) {
        return gpgKey(gpg, userId, address, primary, subkey, "never");
    }

    private static Key gpgKey(GnuPg gpg, String userId, String address, String primary, String subkey, String expiry) {
        String fingerprint = gpg.generateKey(userId, primary, "sign,cert", expiry);
        gpg.addSubkey(fingerprint, subkey, "encr");
        return new Key(address, fingerprint, gpg.exportPublic(fingerprint), gpg.exportSecret(fingerprint));
    }

    private static Key v6Key(String userId, String address) {
        try {
            // a cheap Argon2 (1 MiB, one pass) keeps the tests fast
            OpenPGPKey key = new OpenPGPKeyGenerator(new BcOpenPGPImplementation(), PublicKeyPacket.VERSION_6,
                new BcPGPKeyPairGeneratorProvider(), new BcPGPDigestCalculatorProvider(),
                (passphrase, packet) -> new BcAEADSecretKeyEncryptorBuilder(AEADAlgorithmTags.OCB,
                    SymmetricKeyAlgorithmTags.AES_128, new S2K.Argon2Params(1, 1, 10, new SecureRandom())).build(passphrase, packet),
                new BcKeyFingerprintCalculator(), new Date(System.currentTimeMillis() - 60_000))
                .ed25519x25519Key(userId)
                .build(PASSPHRASE.clone());
            String fingerprint = dev.tresor.keys.Hex.encodeUpperCase(
                key.getPrimaryKey().getPGPPublicKey().getFingerprint());
            return new Key(address, fingerprint, key.toCertificate().toAsciiArmoredString().getBytes(StandardCharsets.US_ASCII),
                key.getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException("Cannot make a v6 key", e);
        }
    }

    /** gpg in a fresh home of its own (one per test), holding the given keys. */
    public static Gpg gpg(Path directory, Key... keys) {
        Gpg gpg = new Gpg(directory.resolve("gnupg-" + System.nanoTime()));
        for (Key key : keys) {
            gpg.gnupg.importKeys(key.secretKey != null ? key.secretKey : key.publicKey);
        }
        return gpg;
    }

    /** gpg with only the public parts of the given keys. */
    public static Gpg gpgWithPublicKeys(Path directory, Key... keys) {
        Gpg gpg = new Gpg(directory.resolve("gnupg-" + System.nanoTime()));
        for (Key key : keys) {
            gpg.gnupg.importKeys(key.publicKey);
        }
        return gpg;
    }

    /** gpg driven as a partner would drive it: {@code --batch --pinentry-mode loopback}, trusting every key. */
    public static final class Gpg implements AutoCloseable {
        final GnuPg gnupg;
        private final Path home;

        Gpg(Path home) {
            this.gnupg = new GnuPg(home);
            this.home = home;
        }

        public void importKeys(byte[] keys) {
            gnupg.importKeys(keys);
        }

        /** {@code gpg --decrypt}: the plaintext; fails the test with gpg's message when gpg fails. */
        public byte[] decrypt(byte[] armored) {
            return run(armored, "--decrypt");
        }

        /** {@code gpg --decrypt} with gpg's status lines (GOODSIG, VALIDSIG, DECRYPTION_OKAY, ...) instead of output. */
        public String decryptStatus(byte[] armored) {
            Path status = home.resolve("status-" + System.nanoTime());
            run(armored, "--status-file", status.toString(), "--decrypt");
            return read(status);
        }

        /** {@code gpg --verify signature data} with its status lines. */
        public String verifyDetached(byte[] signature, byte[] data) {
            Path signatureFile = write("signature.asc", signature);
            Path dataFile = write("data", data);
            Path status = home.resolve("status-" + System.nanoTime());
            command("--status-file", status.toString(), "--verify", signatureFile.toString(), dataFile.toString());
            return read(status);
        }

        /** {@code gpg --armor --sign --encrypt} (or only encrypt when signer is null). */
        public byte[] encrypt(byte[] plaintext, String signer, String... recipients) {
            List<String> arguments = new ArrayList<>(List.of("--armor", "--trust-model", "always"));
            for (String recipient : recipients) {
                arguments.addAll(List.of("--recipient", recipient));
            }
            if (signer != null) {
                arguments.addAll(List.of("--local-user", signer, "--sign"));
            }
            arguments.add("--encrypt");
            return run(plaintext, arguments.toArray(new String[0]));
        }

        /** {@code gpg --armor --detach-sign} with SHA-256. */
        public byte[] detachSign(byte[] data, String signer) {
            return run(data, "--armor", "--digest-algo", "SHA256", "--local-user", signer, "--detach-sign");
        }

        /** {@code gpg --armor --sign}: an inline, one-pass signed message. */
        public byte[] sign(byte[] data, String signer) {
            return run(data, "--armor", "--digest-algo", "SHA256", "--local-user", signer, "--sign");
        }

        private byte[] run(byte[] input, String... arguments) {
            Path in = write("input", input);
            List<String> all = new ArrayList<>(Arrays.asList(arguments));
            all.addAll(0, List.of("--output", "-"));
            all.add(in.toString());
            return command(all.toArray(new String[0]));
        }

        private byte[] command(String... arguments) {
            List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--yes",
                "--no-tty", "--pinentry-mode", "loopback", "--passphrase", GnuPg.PASSPHRASE, "--trust-model", "always"));
            command.addAll(Arrays.asList(arguments));
            return ExternalTool.run(home, command.toArray(new String[0]));
        }

        private boolean hasAgentSockets() {
            try (Stream<Path> files = Files.list(home)) {
                return files.anyMatch(file -> file.getFileName().toString().startsWith("S.gpg-agent"));
            } catch (IOException e) {
                return false;
            }
        }

        private Path write(String name, byte[] bytes) {
            try {
                Path file = home.resolve(name + "-" + System.nanoTime());
                Files.write(file, bytes);
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Stops this home's gpg-agent and waits until it removed its sockets, so the test can delete the home. */
        @Override
        public void close() {
            gnupg.close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (hasAgentSockets() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * An HTML mail with a text alternative, an inline image referenced by {@code cid:} and two attachments (a PDF-like
     * binary and a CSV), all base64 or quoted-printable as a mail client would send it.
     */
    public static MimeMessage htmlMailWithAttachments(String from, String to) throws MessagingException {
        String image = Base64.getMimeEncoder().encodeToString(randomBytes(3000, 1));
        String pdf = Base64.getMimeEncoder().encodeToString(randomBytes(20000, 2));
        String csv = Base64.getMimeEncoder().encodeToString("name;amount\r\nacme;1200\r\nglobex;3400\r\n".getBytes(StandardCharsets.US_ASCII));
        String raw = "From: " + from + "\r\nTo: " + to + "\r\nSubject: Contract =?utf-8?q?f=C3=BCr?= review\r\n"
            + "Message-ID: <html-1@tresor.test>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"mixed\"\r\n\r\n"
            + "--mixed\r\nContent-Type: multipart/related; boundary=\"related\"; type=\"multipart/alternative\"\r\n\r\n"
            + "--related\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
            + "--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "Gr=C3=BC=C3=9Fe, see the logo and the contract.\r\n"
            + "--alt\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "<html><body><p>Gr=C3=BC=C3=9Fe</p><img src=3D\"cid:logo@tresor.test\"></body></html>\r\n"
            + "--alt--\r\n"
            + "--related\r\nContent-Type: image/png\r\nContent-ID: <logo@tresor.test>\r\n"
            + "Content-Disposition: inline; filename=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + image + "\r\n--related--\r\n"
            + "--mixed\r\nContent-Type: application/pdf; name=\"contract.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"contract.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + pdf + "\r\n"
            + "--mixed\r\nContent-Type: text/csv; name=\"figures.csv\"\r\n"
            + "Content-Disposition: attachment; filename=\"figures.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + csv + "\r\n--mixed--\r\n";
        return SmimeFixtures.parse(raw.getBytes(StandardCharsets.US_ASCII));
    }

    public static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit
        }
    }
}
