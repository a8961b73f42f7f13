package dev.tresor.keys.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.RecipientId;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.KeyProtectionException;
import dev.tresor.keys.protection.MemoryTenantKeyStore;

/** The decoded keys the vault keeps: used again only while the stored key they came from is unchanged. */
class StoredPrivateKeyVaultTest {
    private static final TestPki CA = TestPki.ca("Own CA");
    private static final TenantId BANK = TenantId.of("bank");
    private static final EmailAddress ALICE = EmailAddress.of("alice@bank.example");

    @TempDir
    Path directory;

    private MemoryKeyStorage storage;
    private KeyRepository repository;
    private TestPki.Issued alice;

    @BeforeEach
    void setUp() {
        storage = new MemoryKeyStorage();
        repository = StoredKeyRepository.create(storage, KeyProtection.create(
            FileMasterKey.loadOrCreate(directory.resolve("master.key")), MemoryTenantKeyStore.create()), Clock.systemUTC());
        repository.tenants().create(BANK);
        repository.tenants().mapDomain("bank.example", BANK);
        alice = CA.issue(ALICE.asString());
        repository.certificates().add(BANK, alice.chain(), Origin.IMPORTED);
        repository.privateKeys().add(BANK, alice.fingerprint(), alice.privateKey());
    }

    @Test
    void aKeyShouldBeDecodedOnceWhileItsStoredKeyIsUnchanged() {
        KeyPairEntry first = repository.privateKeys().signingKey(BANK, ALICE).orElseThrow();
        KeyPairEntry second = repository.privateKeys().signingKey(BANK, ALICE).orElseThrow();

        assertThat(second.privateKey()).isSameAs(first.privateKey());
        assertThat(first.privateKey().getEncoded()).isEqualTo(alice.privateKey().getEncoded());
        assertThat(repository.privateKeys().decryptionKeys(BANK, RecipientId.issuerAndSerial(
            alice.certificate().getIssuerX500Principal(), alice.certificate().getSerialNumber())))
            .singleElement().satisfies(entry -> assertThat(entry.privateKey()).isSameAs(first.privateKey()));
    }

    @Test
    void aDecodedKeyShouldNeverOutliveTheStoredKeyItCameFrom() {
        KeyPairEntry decoded = repository.privateKeys().signingKey(BANK, ALICE).orElseThrow();
        byte[] stored = storage.privateKey(BANK, alice.fingerprint()).orElseThrow();
        byte[] damaged = stored.clone();
        damaged[damaged.length - 1] ^= 1;

        storage.putPrivateKey(BANK, alice.fingerprint(), damaged);

        assertThatThrownBy(() -> repository.privateKeys().signingKey(BANK, ALICE))
            .isInstanceOf(KeyProtectionException.class);

        storage.putPrivateKey(BANK, alice.fingerprint(), stored);
        assertThat(repository.privateKeys().signingKey(BANK, ALICE).orElseThrow().privateKey().getEncoded())
            .isEqualTo(decoded.privateKey().getEncoded());
    }

    @Test
    void aKeyStoredAgainShouldBeDecodedAgain() {
        KeyPairEntry before = repository.privateKeys().signingKey(BANK, ALICE).orElseThrow();

        repository.privateKeys().add(BANK, alice.fingerprint(), alice.privateKey());
        KeyPairEntry after = repository.privateKeys().signingKey(BANK, ALICE).orElseThrow();

        assertThat(after.privateKey()).isNotSameAs(before.privateKey());
        assertThat(after.privateKey().getEncoded()).isEqualTo(alice.privateKey().getEncoded());
    }
}
