package dev.tresor.keys.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GnuPG 2.2 in its own home directory, scripted as an admin would script it. {@link #close()} stops the gpg-agent that
 * gpg started for this home.
 */
public final class GnuPg implements AutoCloseable {
    public static final String PASSPHRASE = "gpg test passphrase";

    /**
     * The smallest passphrase hashing gpg-agent takes ({@code s2k-count}, in hashed bytes). Calibrated as gpg 2.2 ships,
     * to about 100 ms of hashing on the machine (65,011,712 bytes here), the agent spends 1.5 to 3 s of CPU on every key
     * it generates, adds or exports, and the suites make dozens of test keys: minutes of the build, on the same two cores
     * the servers under test need.
     */
    private static final int FAST_S2K_COUNT = 65536;

    private final Path home;

    /**
     * gpg in {@code home}, its agent protecting keys with the smallest passphrase hashing it accepts: the keys are still
     * protected as gpg protects them (iterated and salted S2K, AES), only with fewer iterations. {@link #calibrated} keeps
     * gpg's own count, for the tests about keys as gpg exports them by default.
     */
    public GnuPg(Path home) {
        this(home, true);
    }

    private GnuPg(Path home, boolean fastS2k) {
        try {
            this.home = Files.createDirectories(home);
            Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
            Path agentConfiguration = home.resolve("gpg-agent.conf");
            if (fastS2k && !Files.exists(agentConfiguration)) {
                Files.writeString(agentConfiguration, "s2k-count " + FAST_S2K_COUNT + "\n", StandardCharsets.US_ASCII);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Returns once the clock has reached the next second. OpenPGP creation times count seconds: a key made after this is
     * newer than every key made before it, however fast gpg makes keys.
     */
    public static void awaitNextSecond() {
        long second = System.currentTimeMillis() / 1000;
        try {
            while (System.currentTimeMillis() / 1000 == second) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next second", e);
        }
    }

    /** gpg in {@code home} with the agent's own S2K calibration, as gpg protects and exports keys by default. */
    public static GnuPg calibrated(Path home) {
        return new GnuPg(home, false);
    }

    public Path home() {
        return home;
    }

    /** Generates a primary key and returns its fingerprint. */
    public String generateKey(String userId, String algorithm, String usage, String expiry) {
        gpg("--quick-gen-key", userId, algorithm, usage, expiry);
        return fingerprints(userId).get(0);
    }

    public void addSubkey(String fingerprint, String algorithm, String usage) {
        gpg("--quick-add-key", fingerprint, algorithm, usage, "never");
    }

    void addUserId(String fingerprint, String userId) {
        gpg("--quick-add-uid", fingerprint, userId);
    }

    void revokeUserId(String fingerprint, String userId) {
        gpg("--quick-revoke-uid", fingerprint, userId);
    }

    /** Imports the revocation certificate gpg made at key generation, as its comment tells the owner to do. */
    public void revokeKey(String fingerprint) {
        try {
            String certificate = Files.readString(home.resolve("openpgp-revocs.d").resolve(fingerprint + ".rev"),
                StandardCharsets.UTF_8).replace(":-----BEGIN PGP PUBLIC KEY BLOCK-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----");
            importKeys(certificate.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void importKeys(byte[] keys) {
        try {
            Path file = Files.createTempFile(home, "import", ".asc");
            Files.write(file, keys);
            gpg("--import", file.toString());
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] exportPublic(String... fingerprints) {
        return gpg(concat(List.of("--armor", "--export"), fingerprints));
    }

    byte[] exportPublicBinary(String... fingerprints) {
        return gpg(concat(List.of("--export"), fingerprints));
    }

    public byte[] exportSecret(String... fingerprints) {
        return gpg(concat(List.of("--armor", "--export-secret-keys"), fingerprints));
    }

    /** The secret subkeys only: the primary key's secret part is replaced by a stub, for a primary key kept offline. */
    byte[] exportSecretSubkeys(String fingerprint) {
        return gpg("--armor", "--export-secret-subkeys", fingerprint);
    }

    byte[] encryptTo(String fingerprint, byte[] message) {
        try {
            Path file = Files.createTempFile(home, "message", ".txt");
            Files.write(file, message);
            byte[] encrypted = gpg("--armor", "--trust-model", "always", "--recipient", fingerprint, "--output", "-",
                "--encrypt", file.toString());
            Files.delete(file);
            return encrypted;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code gpg --with-colons --list-keys} lines of one key. */
    public List<String[]> colons(String fingerprint) {
        String listing = new String(gpg("--with-colons", "--fixed-list-mode", "--list-keys", fingerprint),
            StandardCharsets.UTF_8);
        List<String[]> records = new ArrayList<>();
        for (String line : listing.split("\n")) {
            records.add(line.split(":", -1));
        }
        return records;
    }

    /** Every fingerprint (primary and subkeys, in order) of the keys matching the query. */
    public List<String> fingerprints(String query) {
        List<String> fingerprints = new ArrayList<>();
        for (String[] record : colons(query)) {
            if ("fpr".equals(record[0])) {
                fingerprints.add(record[9]);
            }
        }
        return fingerprints;
    }

    /** Revokes the subkey at {@code index} (1 for the first subkey) as an admin would in {@code gpg --edit-key}. */
    public void revokeSubkey(String fingerprint, int index) {
        try {
            Path commands = Files.createTempFile(home, "commands", ".txt");
            Files.writeString(commands, "key " + index + "\nrevkey\ny\n0\n\ny\nsave\n", StandardCharsets.UTF_8);
            gpg("--command-file", commands.toString(), "--edit-key", fingerprint);
            Files.delete(commands);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        ExternalTool.run(home, "gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent");
    }

    private byte[] gpg(String... arguments) {
        List<String> command = new ArrayList<>(List.of("gpg", "--homedir", home.toString(), "--batch", "--yes",
            "--no-tty", "--pinentry-mode", "loopback", "--passphrase", PASSPHRASE));
        command.addAll(Arrays.asList(arguments));
        return ExternalTool.run(home, command.toArray(new String[0]));
    }

    private static String[] concat(List<String> first, String... rest) {
        List<String> all = new ArrayList<>(first);
        all.addAll(Arrays.asList(rest));
        return all.toArray(new String[0]);
    }
}
