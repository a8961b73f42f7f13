package dev.tresor.keys.protection;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMasterKeyTest {
    private static final byte[] ASSOCIATED_DATA = "tenant acme v1".getBytes(US_ASCII);

    @TempDir
    Path directory;

    @Test
    void loadOrCreateShouldCreateAnOwnerOnlyFileInTheDocumentedFormat() throws IOException {
        Path file = directory.resolve("master.key");

        FileMasterKey.loadOrCreate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        List<String> lines = Files.readAllLines(file, US_ASCII);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("# Tresor master key, created ");
        assertThat(lines.get(1)).startsWith("tresor-master-key v1 ");
        assertThat(Base64.getDecoder().decode(lines.get(1).substring("tresor-master-key v1 ".length())))
            .hasSize(32);
    }

    @Test
    void loadOrCreateShouldLeaveNoTemporaryFileBehind() throws IOException {
        FileMasterKey.loadOrCreate(directory.resolve("master.key"));

        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("master.key");
        }
    }

    @Test
    void loadOrCreateShouldCreateMissingParentDirectoriesOwnerOnly() throws IOException {
        Path file = directory.resolve("conf/keys/master.key");

        FileMasterKey.loadOrCreate(file);

        assertThat(file).isRegularFile();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
            .isEqualTo("rwx------");
    }

    @Test
    void theNextStartShouldLoadTheSameKey() {
        Path file = directory.resolve("master.key");
        FileMasterKey created = FileMasterKey.loadOrCreate(file);
        byte[] tenantKey = TestMasterKeys.randomBytes(32);
        byte[] wrapped = created.wrap(tenantKey, ASSOCIATED_DATA);

        FileMasterKey loaded = FileMasterKey.loadOrCreate(file);

        assertThat(loaded.id()).isEqualTo(created.id()).matches("local:[0-9a-f]{16}");
        assertThat(loaded.unwrap(wrapped, ASSOCIATED_DATA)).isEqualTo(tenantKey);
    }

    @Test
    void wrapShouldFollowTheDocumentedLayoutAndDifferEachTime() {
        FileMasterKey masterKey = FileMasterKey.loadOrCreate(directory.resolve("master.key"));
        byte[] tenantKey = TestMasterKeys.randomBytes(32);

        byte[] first = masterKey.wrap(tenantKey, ASSOCIATED_DATA);
        byte[] second = masterKey.wrap(tenantKey, ASSOCIATED_DATA);

        assertThat(first).hasSize(1 + 12 + 32 + 16).startsWith(0x01).isNotEqualTo(second);
    }

    @Test
    void unwrapShouldFailWithAnotherMasterKeyOtherAssociatedDataOrModifiedBytes() {
        FileMasterKey masterKey = FileMasterKey.loadOrCreate(directory.resolve("master.key"));
        FileMasterKey otherMasterKey = FileMasterKey.loadOrCreate(directory.resolve("other.key"));
        byte[] wrapped = masterKey.wrap(TestMasterKeys.randomBytes(32), ASSOCIATED_DATA);
        byte[] modified = wrapped.clone();
        modified[20] ^= 1;

        assertThatThrownBy(() -> otherMasterKey.unwrap(wrapped, ASSOCIATED_DATA))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("Master key '" + otherMasterKey.id() + "' cannot unwrap this key");
        assertThatThrownBy(() -> masterKey.unwrap(wrapped, "tenant acme v2".getBytes(US_ASCII)))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("cannot unwrap");
        assertThatThrownBy(() -> masterKey.unwrap(modified, ASSOCIATED_DATA))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("cannot unwrap");
        assertThatThrownBy(() -> masterKey.unwrap(new byte[] {1, 2, 3}, ASSOCIATED_DATA))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("truncated");
    }

    @Test
    void loadOrCreateShouldRefuseAFileReadableByOthersAndNameTheFix() throws IOException {
        Path file = directory.resolve("master.key");
        FileMasterKey.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> FileMasterKey.loadOrCreate(file))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("rw-r--r--")
            .hasMessageContaining("chmod 600 " + file);
    }

    @Test
    void loadOrCreateShouldRefuseAFileTheGroupCanRead() throws IOException {
        Path file = directory.resolve("master.key");
        FileMasterKey.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        assertThatThrownBy(() -> FileMasterKey.loadOrCreate(file))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("accessible by group or others");
    }

    @Test
    void loadOrCreateShouldRefuseAKeyOfTheWrongLength() throws IOException {
        Path file = ownerOnlyFile("tresor-master-key v1 "
            + Base64.getEncoder().encodeToString(TestMasterKeys.randomBytes(16)) + "\n");

        assertThatThrownBy(() -> FileMasterKey.loadOrCreate(file))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining(file.toString())
            .hasMessageContaining("holds a 16-byte key");
    }

    @Test
    void loadOrCreateShouldRefuseFilesInAnotherFormat() throws IOException {
        String validLine = "tresor-master-key v1 " + Base64.getEncoder().encodeToString(TestMasterKeys.randomBytes(32));
        List<String> malformed = List.of("", "# only a comment\n", "-----BEGIN PRIVATE KEY-----\nMIIE\n",
            validLine + "\n" + validLine + "\n", "tresor-master-key v2 AAAA\n");

        for (String content : malformed) {
            Path file = ownerOnlyFile(content);
            assertThatThrownBy(() -> FileMasterKey.loadOrCreate(file))
                .isInstanceOf(KeyProtectionException.class)
                .hasMessageContaining("is not a Tresor master key file");
            Files.delete(file);
        }
    }

    @Test
    void loadOrCreateShouldRefuseBadBase64() throws IOException {
        Path file = ownerOnlyFile("tresor-master-key v1 not*base64\n");

        assertThatThrownBy(() -> FileMasterKey.loadOrCreate(file))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("does not hold valid base64");
    }

    @Test
    void loadOrCreateShouldAcceptCommentsBlankLinesAndCarriageReturns() throws IOException {
        byte[] key = TestMasterKeys.randomBytes(32);
        Path file = ownerOnlyFile("# restored from backup\r\n\r\ntresor-master-key v1 "
            + Base64.getEncoder().encodeToString(key) + "\r\n");

        FileMasterKey loaded = FileMasterKey.loadOrCreate(file);

        assertThat(loaded.id()).isEqualTo(TestMasterKeys.withKey(key).id());
    }

    @Test
    void loadOrCreateShouldRefuseADirectory() throws IOException {
        Path notAFile = Files.createDirectory(directory.resolve("master.key"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));

        assertThatThrownBy(() -> FileMasterKey.loadOrCreate(notAFile))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("is not a regular file");
    }

    @Test
    void concurrentFirstStartsShouldAllEndUpWithTheOneKeyThatWasStored() throws Exception {
        Path file = directory.resolve("master.key");
        int starts = 8;
        ExecutorService executor = Executors.newFixedThreadPool(starts);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < starts; i++) {
                Callable<String> start = () -> {
                    go.await();
                    return FileMasterKey.loadOrCreate(file).id();
                };
                ids.add(executor.submit(start));
            }

            go.countDown();

            List<String> distinctIds = new ArrayList<>();
            for (Future<String> id : ids) {
                distinctIds.add(id.get(30, TimeUnit.SECONDS));
            }
            assertThat(distinctIds.stream().distinct().collect(Collectors.toList()))
                .containsExactly(FileMasterKey.loadOrCreate(file).id());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void toStringShouldNameTheFileAndIdOnly() {
        Path file = directory.resolve("master.key");

        FileMasterKey masterKey = FileMasterKey.loadOrCreate(file);

        assertThat(masterKey).hasToString("FileMasterKey[" + file + ", id " + masterKey.id() + "]");
    }

    private Path ownerOnlyFile(String content) throws IOException {
        Path file = Files.createTempFile(directory, "master", ".key",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content.getBytes(US_ASCII));
        return file;
    }
}
