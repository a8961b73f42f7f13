package dev.tresor.keys.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.PgpKeyEntry;
import dev.tresor.keys.PgpPrivateKeyEntry;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.io.PgpComponentKey;
import dev.tresor.keys.repository.TestKeyRepository;

/** OpenPGP keys Tresor makes for a mailbox: stored in the tenant's vault as an admin's import would be, read by gpg. */
class PgpKeyFactoryTest {
    private static final EmailAddress ALICE = EmailAddress.of("alice@acme.example");
    private static final Instant CREATED = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.SECONDS);
    private static final Instant EXPIRES = CREATED.plus(Duration.ofDays(730));

    @TempDir
    Path directory;
    private final List<Path> gpgHomes = new ArrayList<>();
    private KeyRepository repository;
    private TenantId acme;

    @BeforeEach
    void setUp() {
        TestKeyRepository keys = TestKeyRepository.create(directory, Clock.fixed(Instant.now(), ZoneOffset.UTC));
        repository = keys.repository();
        acme = keys.tenant("acme", "acme.example");
    }

    @Test
    void aV4KeyShouldSignAndEncryptFromTheVault() {
        byte[] ring = PgpKeyFactory.newSecretKeyRing(ALICE, 4, CREATED, Optional.of(EXPIRES));

        PgpKeyEntry entry = repository.pgpKeys().addSecretKey(acme, ring, new char[0]);

        assertThat(entry.userIds()).containsExactly("<alice@acme.example>");
        assertThat(entry.creationTime()).isEqualTo(CREATED);
        assertThat(entry.expiry()).contains(EXPIRES);
        assertThat(entry.key().version()).isEqualTo(4);
        assertThat(entry.key().primaryKey().algorithm()).isEqualTo("EdDSA");
        assertThat(entry.key().encryptionKeys()).extracting(PgpComponentKey::algorithm).containsExactly("ECDH");
        Optional<PgpPrivateKeyEntry> signing = repository.pgpKeys().signingKey(acme, ALICE);
        assertThat(signing).isPresent();
        assertThat(signing.get().component().isPrimary()).isTrue();
        assertThat(repository.pgpKeys().encryptionKeys(acme, ALICE, SelectionPolicy.NEWEST))
            .extracting(PgpKeyEntry::fingerprint).containsExactly(entry.fingerprint());
    }

    @Test
    void aV4KeyShouldBeImportedByGpgWhichEncryptsToItAndDecryptsWithTheSecretKey() throws Exception {
        byte[] ring = PgpKeyFactory.newSecretKeyRing(ALICE, 4, CREATED, Optional.of(EXPIRES));
        PgpKeyEntry entry = repository.pgpKeys().addSecretKey(acme, ring, new char[0]);
        Path publicKey = Files.write(directory.resolve("alice.asc"), repository.pgpKeys().exportPublic(acme, entry.fingerprint())
            .orElseThrow());
        Path secretKey = Files.write(directory.resolve("alice.key"), ring);
        Path message = Files.writeString(directory.resolve("message.txt"), "hello alice");
        String[] sender = gpg("sender");
        String[] alice = gpg("alice");

        Tool.succeed(directory, concat(sender, "--import", publicKey.toString()));
        String listed = Tool.succeed(directory, concat(sender, "--with-colons", "--list-keys", "alice@acme.example"));
        Tool.succeed(directory, concat(sender, "--trust-model", "always", "--recipient", "alice@acme.example", "--output",
            "encrypted.gpg", "--encrypt", message.toString()));
        Tool.succeed(directory, concat(alice, "--import", secretKey.toString()));
        Tool.succeed(directory, concat(alice, "--output", "decrypted.txt", "--decrypt", "encrypted.gpg"));

        assertThat(listed).contains("pub:-:255:22:", "sub:-:255:18:", "<alice@acme.example>",
            ":" + EXPIRES.getEpochSecond() + ":");
        assertThat(Files.readString(directory.resolve("decrypted.txt"), StandardCharsets.UTF_8)).isEqualTo("hello alice");
    }

    @Test
    void aV6KeyShouldSignAndEncryptFromTheVault() {
        byte[] ring = PgpKeyFactory.newSecretKeyRing(ALICE, 6, CREATED, Optional.of(EXPIRES));

        PgpKeyEntry entry = repository.pgpKeys().addSecretKey(acme, ring, new char[0]);

        assertThat(entry.key().version()).isEqualTo(6);
        assertThat(entry.expiry()).contains(EXPIRES);
        assertThat(entry.key().primaryKey().algorithm()).isEqualTo("Ed25519");
        assertThat(entry.key().encryptionKeys()).extracting(PgpComponentKey::algorithm).containsExactly("X25519");
        assertThat(repository.pgpKeys().signingKey(acme, ALICE)).isPresent();
        assertThat(repository.pgpKeys().encryptionKeys(acme, ALICE, SelectionPolicy.NEWEST)).hasSize(1);
    }

    @Test
    void aKeyWithoutExpiryShouldNeverExpire() {
        PgpKeyEntry entry = repository.pgpKeys().addSecretKey(acme,
            PgpKeyFactory.newSecretKeyRing(ALICE, 4, CREATED, Optional.empty()), new char[0]);

        assertThat(entry.expiry()).isEmpty();
    }

    @Test
    void anUnknownVersionOrAnExpiryBeforeTheCreationShouldBeRefused() {
        assertThatThrownBy(() -> PgpKeyFactory.newSecretKeyRing(ALICE, 5, CREATED, Optional.empty()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("OpenPGP key version 5 is not supported");
        assertThatThrownBy(() -> PgpKeyFactory.newSecretKeyRing(ALICE, 4, CREATED, Optional.of(CREATED)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("must expire after its creation");
    }

    /** gpg in a fresh home of its own; its agent is stopped after the test. */
    private String[] gpg(String name) throws Exception {
        Path home = Files.createDirectory(directory.resolve("gnupg-" + name));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        gpgHomes.add(home);
        return new String[] {"gpg", "--homedir", home.toString(), "--batch", "--no-tty", "--yes"};
    }

    /** Stops each home's gpg-agent and waits until it removed its sockets, so that the home can be deleted. */
    @AfterEach
    void stopGpgAgents() throws Exception {
        for (Path home : gpgHomes) {
            Tool.run(home, "gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (hasAgentSockets(home) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    private static boolean hasAgentSockets(Path home) throws IOException {
        try (Stream<Path> files = Files.list(home)) {
            return files.anyMatch(file -> file.getFileName().toString().startsWith("S.gpg-agent"));
        }
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
