package dev.tresor.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.james.ConfiguredKeyStorage;
import dev.tresor.keys.james.KeyRepositoryConfiguration;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.KeyProtectionException;
import dev.tresor.keys.repository.StoredKeyRepository;

class RotateMasterKeyTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final EmailAddress CAROL = EmailAddress.of("carol@partner.example");

    @TempDir
    Path workingDirectory;

    @BeforeEach
    void aRepositoryHoldingASecret() throws Exception {
        useMasterKeyFile("var/tresor/master.key");
        withRepository(repository -> {
            repository.tenants().create(ACME);
            repository.pdfPasswords().set(ACME, CAROL, "agreed by phone".toCharArray());
        });
    }

    @Test
    void rotationShouldLetOnlyTheNewMasterKeyOpenTheSecrets() throws Exception {
        int rewrapped = RotateMasterKey.rotate(workingDirectory, "file:var/tresor/master-2.key");

        assertThat(rewrapped).isEqualTo(1);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workingDirectory.resolve("var/tresor/master-2.key"))))
            .isEqualTo("rw-------");
        useMasterKeyFile("var/tresor/master-2.key");
        withRepository(repository -> assertThat(repository.pdfPasswords().get(ACME, CAROL).map(String::new))
            .isEqualTo(Optional.of("agreed by phone")));
        useMasterKeyFile("var/tresor/master.key");
        withRepository(repository -> assertThatThrownBy(() -> repository.pdfPasswords().get(ACME, CAROL))
            .isInstanceOf(KeyProtectionException.class));
    }

    @Test
    void rotatingToTheCurrentKeyShouldBeRefused() {
        assertThatThrownBy(() -> RotateMasterKey.rotate(workingDirectory, "file:var/tresor/master.key"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("current one");
    }

    @Test
    void anUnknownKindOfMasterKeyShouldBeRefusedNamingTheChoices() {
        assertThatThrownBy(() -> RotateMasterKey.rotate(workingDirectory, "hsm:slot0"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("file:<path> or environment:<VARIABLE>");
    }

    private interface RepositoryUse {
        void accept(KeyRepository repository) throws Exception;
    }

    private void withRepository(RepositoryUse use) throws Exception {
        KeyRepositoryConfiguration configuration = RotateMasterKey.configuration(workingDirectory.resolve("conf"), workingDirectory);
        ConfiguredKeyStorage storage = new ConfiguredKeyStorage(configuration);
        try {
            use.accept(StoredKeyRepository.create(storage.storage(),
                KeyProtection.create(configuration.openMasterKey(storage.tenantKeys()), storage.tenantKeys()), Clock.systemUTC()));
        } finally {
            storage.close();
        }
    }

    private void useMasterKeyFile(String file) throws Exception {
        Files.createDirectories(workingDirectory.resolve("conf"));
        Files.writeString(workingDirectory.resolve("conf/keyrepository.properties"),
            "storage=h2\nh2.file=var/tresor/keys\nmasterkey.provider=file\nmasterkey.file=" + file + "\n");
    }
}
