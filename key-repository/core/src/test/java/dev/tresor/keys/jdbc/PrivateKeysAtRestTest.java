package dev.tresor.keys.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.KeyProtectionException;
import dev.tresor.keys.repository.StoredKeyRepository;

/**
 * Private keys and PDF passwords on disk, read the way an attacker with a copy of the database would: the raw table
 * and the raw H2 file hold no trace of them, and a copy is worthless without the master key.
 */
class PrivateKeysAtRestTest {
    private static final TenantId BANK = TenantId.of("bank");
    private static final TestPki CA = TestPki.ca("At-rest CA");
    private static final String PDF_PASSWORD = "the-pdf-password-nobody-may-read";

    @TempDir
    Path directory;

    @Test
    void theDatabaseFileShouldHoldNeitherThePrivateKeyNorThePassword() throws Exception {
        TestPki.Issued alice = CA.issue("alice@bank.example");
        Path database = directory.resolve("keys");
        try (JdbcKeyStorage storage = JdbcKeyStorage.h2(database)) {
            KeyRepository repository = repository(storage, "master.key");
            repository.tenants().create(BANK);
            repository.certificates().add(BANK, alice.chain(), Origin.IMPORTED);
            repository.privateKeys().add(BANK, alice.fingerprint(), alice.privateKey());
            repository.pdfPasswords().set(BANK, EmailAddress.of("john@partner.example"), PDF_PASSWORD.toCharArray());

            List<byte[]> blobs = rawColumn(database, "SELECT protected_blob FROM tresor_private_keys");
            assertThat(blobs).hasSize(1);
            assertThat(blobs).allSatisfy(blob -> assertThat(secretsIn(blob, alice)).isEmpty());
        }

        byte[] file = Files.readAllBytes(directory.resolve("keys.mv.db"));
        assertThat(secretsIn(file, alice)).isEmpty();
        assertThat(indexOf(file, PDF_PASSWORD.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(-1);
    }

    @Test
    void aCopyOfTheDatabaseShouldBeUselessWithAnotherMasterKey() throws Exception {
        TestPki.Issued alice = CA.issue("alice@bank.example");
        Path database = directory.resolve("keys");
        try (JdbcKeyStorage storage = JdbcKeyStorage.h2(database)) {
            KeyRepository repository = repository(storage, "master.key");
            repository.tenants().create(BANK);
            repository.certificates().add(BANK, alice.chain(), Origin.IMPORTED);
            repository.privateKeys().add(BANK, alice.fingerprint(), alice.privateKey());
        }

        try (JdbcKeyStorage stolen = JdbcKeyStorage.h2(database)) {
            KeyRepository withoutTheMasterKey = repository(stolen, "another-master.key");

            assertThatThrownBy(() -> withoutTheMasterKey.privateKeys().signingKey(BANK, EmailAddress.of("alice@bank.example")))
                .isInstanceOf(KeyProtectionException.class);
        }
        try (JdbcKeyStorage storage = JdbcKeyStorage.h2(database)) {
            assertThat(repository(storage, "master.key").privateKeys().signingKey(BANK, EmailAddress.of("alice@bank.example")))
                .hasValueSatisfying(key -> assertThat(key.privateKey().getEncoded()).isEqualTo(alice.privateKey().getEncoded()));
        }
    }

    private KeyRepository repository(JdbcKeyStorage storage, String masterKeyFile) {
        KeyProtection protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve(masterKeyFile)),
            storage.tenantKeyStore());
        return StoredKeyRepository.create(storage, protection, Clock.systemUTC());
    }

    /** Which forms of the private key (PKCS#8, the bare scalar) occur in the bytes. */
    private static List<String> secretsIn(byte[] bytes, TestPki.Issued owner) {
        List<String> found = new ArrayList<>();
        if (indexOf(bytes, owner.privateKey().getEncoded()) >= 0) {
            found.add("PKCS#8 encoding");
        }
        byte[] scalar = ((ECPrivateKey) owner.privateKey()).getS().toByteArray();
        if (indexOf(bytes, Arrays.copyOfRange(scalar, scalar.length - 24, scalar.length)) >= 0) {
            found.add("private scalar");
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static List<byte[]> rawColumn(Path database, String query) throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(JdbcKeyStorage.h2Url(database));
        List<byte[]> values = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(query)) {
            while (rows.next()) {
                values.add(rows.getBytes(1));
            }
        }
        return values;
    }
}
