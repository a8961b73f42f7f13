package dev.tresor.keys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.tresor.keys.io.GnuPg;

/**
 * OpenPGP keys made by gpg 2.2 the way their owners would make them, once per test JVM (generating them takes a few
 * seconds), with exports taken before and after the changes the tests are about.
 */
public final class PgpTestKeys {
    public static final char[] PASSPHRASE = GnuPg.PASSPHRASE.toCharArray();
    public static final String ALICE = "alice@partner.example";
    public static final String BOB = "bob@bank.example";

    private static PgpTestKeys instance;

    /** Alice's key as the bank knows it: expires in 2 years. */
    public final Key aliceAtBank;
    /** Another key for Alice's address, as the hospital knows it. */
    public final Key aliceAtHospital;
    /** Carol's key, {@link Key#publicKey} revoked by her; {@link #carolBeforeRevocation} the copy from before. */
    public final Key carol;
    public final byte[] carolBeforeRevocation;
    /** Dave's key whose only encryption subkey he revoked. */
    public final Key dave;
    /** Erin's key can only sign. */
    public final Key erin;
    /** Frank's key with two encryption subkeys; {@link #frankWithOneSubkey} the copy from before he added the second. */
    public final Key frank;
    public final byte[] frankWithOneSubkey;
    /** Bob's (a bank employee's) old and new keys, with their secret keys. */
    public final Key oldBob;
    public final Key newBob;

    /** One OpenPGP key: primary key fingerprint, first subkey's fingerprint, and the exports. */
    public static final class Key {
        public final PgpFingerprint fingerprint;
        public final PgpFingerprint firstSubkey;
        public final byte[] publicKey;
        public final byte[] secretKey;

        Key(GnuPg gpg, String fingerprint) {
            this.fingerprint = PgpFingerprint.of(fingerprint);
            this.firstSubkey = gpg.fingerprints(fingerprint).size() > 1 ? PgpFingerprint.of(gpg.fingerprints(fingerprint).get(1)) : null;
            this.publicKey = gpg.exportPublic(fingerprint);
            this.secretKey = gpg.exportSecret(fingerprint);
        }
    }

    private PgpTestKeys(GnuPg gpg) {
        aliceAtBank = new Key(gpg, keyWithEncryptionSubkey(gpg, "Alice <" + ALICE + ">", "2y"));
        aliceAtHospital = new Key(gpg, keyWithEncryptionSubkey(gpg, "Alice Smith <" + ALICE + ">", "never"));
        String carolFingerprint = keyWithEncryptionSubkey(gpg, "Carol <carol@partner.example>", "never");
        carolBeforeRevocation = gpg.exportPublic(carolFingerprint);
        gpg.revokeKey(carolFingerprint);
        carol = new Key(gpg, carolFingerprint);
        String daveFingerprint = keyWithEncryptionSubkey(gpg, "Dave <dave@partner.example>", "never");
        gpg.revokeSubkey(daveFingerprint, 1);
        dave = new Key(gpg, daveFingerprint);
        erin = new Key(gpg, gpg.generateKey("Erin <erin@partner.example>", "ed25519", "sign", "never"));
        String frankFingerprint = keyWithEncryptionSubkey(gpg, "Frank <frank@partner.example>", "never");
        frankWithOneSubkey = gpg.exportPublic(frankFingerprint);
        gpg.addSubkey(frankFingerprint, "cv25519", "encr");
        frank = new Key(gpg, frankFingerprint);
        oldBob = new Key(gpg, keyWithEncryptionSubkey(gpg, "Bob <" + BOB + ">", "never"));
        GnuPg.awaitNextSecond(); // Bob's new key is newer than his old one
        newBob = new Key(gpg, keyWithEncryptionSubkey(gpg, "Bob Brown <" + BOB + ">", "never"));
    }

    public static synchronized PgpTestKeys get() {
        if (instance == null) {
            try {
                Path home = Files.createTempDirectory("tresor-gnupg");
                GnuPg gpg = new GnuPg(home.resolve("gnupg"));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    gpg.close();
                    delete(home);
                }));
                instance = new PgpTestKeys(gpg);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Whether a gpg of its own, in a fresh home, takes {@code publicKey} and then knows the key {@code fingerprint}. */
    public static boolean gpgImports(byte[] publicKey, PgpFingerprint fingerprint) {
        try {
            Path home = Files.createTempDirectory("tresor-gnupg-import");
            try (GnuPg gpg = new GnuPg(home.resolve("gnupg"))) {
                gpg.importKeys(publicKey);
                return gpg.fingerprints(fingerprint.asString()).contains(fingerprint.asString());
            } finally {
                delete(home);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String keyWithEncryptionSubkey(GnuPg gpg, String userId, String expiry) {
        String fingerprint = gpg.generateKey(userId, "ed25519", "sign", expiry);
        gpg.addSubkey(fingerprint, "cv25519", "encr");
        return fingerprint;
    }

    private static void delete(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is no reason to fail
        }
    }
}
