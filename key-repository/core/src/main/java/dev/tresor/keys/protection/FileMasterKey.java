package dev.tresor.keys.protection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A master key kept in a file that only its owner can read. On first start the file is created with 32 random
 * bytes; later starts load it. Back the file up: without it no private key can be decrypted.
 *
 * <p>File format (US-ASCII text, version 1): lines starting with {@code #} and blank lines are comments; exactly one
 * other line reads {@code tresor-master-key v1 <key>}, where {@code <key>} is the standard base64 (RFC 4648, with
 * padding) of the 32-byte AES-256 key. For example:
 *
 * <pre>
 * # Tresor master key, created 2025-01-31T10:15:30Z. Keep it secret, keep a backup; mode must stay 600.
 * tresor-master-key v1 q0vzQJ2q...(44 characters in all)...o1xL3Dg=
 * </pre>
 *
 * <p>Permissions: the file is created {@code rw-------} in one step (never readable by others, even briefly) and
 * published under its name only once complete, without replacing a file another process created meanwhile. A file
 * that group or others may access, is not a regular file, or does not hold exactly 32 bytes of key is refused. POSIX
 * file systems only.
 *
 * <p>The {@linkplain #id() id} is {@code local:} followed by 16 hex digits derived from the key (the same as for
 * {@link EnvironmentMasterKey} holding the same key).
 */
public final class FileMasterKey implements MasterKey {
    private static final Logger LOGGER = LoggerFactory.getLogger(FileMasterKey.class);
    private static final String HEADER = "tresor-master-key v1 ";
    private static final int MAX_FILE_BYTES = 4096;
    private static final Set<PosixFilePermission> OWNER_ONLY =
        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path file;
    private final LocalMasterKey key;

    private FileMasterKey(Path file, LocalMasterKey key) {
        this.file = file;
        this.key = key;
    }

    /**
     * Loads the master key from {@code file}, creating the file (and missing parent directories, {@code rwx------})
     * with a new random key if it does not exist.
     *
     * @throws KeyProtectionException if the file is accessible by group or others, malformed, of the wrong length,
     *     unreadable, or the file system has no POSIX permissions
     */
    public static FileMasterKey loadOrCreate(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            return loadExisting(absolute);
        } catch (NoSuchFileException e) {
            return create(absolute);
        }
    }

    /**
     * Loads the master key from an existing {@code file}, never creating one.
     *
     * @throws KeyProtectionException if the file does not exist, or for the reasons of {@link #loadOrCreate}
     */
    public static FileMasterKey load(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            return loadExisting(absolute);
        } catch (NoSuchFileException e) {
            throw new KeyProtectionException("Master key file " + absolute + " does not exist", e);
        }
    }

    private static FileMasterKey loadExisting(Path file) throws NoSuchFileException {
        checkOwnerOnly(file);
        byte[] content = read(file);
        try {
            byte[] keyBytes = parse(file, new String(content, StandardCharsets.US_ASCII));
            try {
                return new FileMasterKey(file, LocalMasterKey.of(keyBytes));
            } finally {
                Arrays.fill(keyBytes, (byte) 0);
            }
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    private static void checkOwnerOnly(Path file) throws NoSuchFileException {
        PosixFileAttributes attributes;
        try {
            attributes = posixView(file).readAttributes();
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new KeyProtectionException("Cannot read the attributes of master key file " + file + ": " + e, e);
        }
        if (!attributes.isRegularFile()) {
            throw new KeyProtectionException("Master key file " + file + " is not a regular file");
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
            throw new KeyProtectionException("Master key file " + file + " is accessible by group or others ("
                + PosixFilePermissions.toString(permissions) + "); whoever reads it can decrypt every private key. "
                + "Restrict it with: chmod 600 " + file);
        }
    }

    private static PosixFileAttributeView posixView(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            throw new KeyProtectionException("Master key file " + file + " is on a file system without POSIX "
                + "permissions, so its protection cannot be checked; use EnvironmentMasterKey or Pkcs11MasterKey");
        }
        return view;
    }

    private static byte[] read(Path file) throws NoSuchFileException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() > MAX_FILE_BYTES) {
                throw new KeyProtectionException("Master key file " + file + " is " + channel.size()
                    + " bytes long; a Tresor master key file is a few lines of text. Wrong file?");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // FileChannel.read may return fewer bytes than asked for.
            }
            return Arrays.copyOf(buffer.array(), buffer.position());
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new KeyProtectionException("Cannot read master key file " + file + ": " + e, e);
        }
    }

    private static byte[] parse(Path file, String content) {
        String keyLine = null;
        for (String line : content.split("\r?\n", -1)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            if (keyLine != null || !trimmed.startsWith(HEADER)) {
                throw malformed(file);
            }
            keyLine = trimmed;
        }
        if (keyLine == null) {
            throw malformed(file);
        }
        byte[] keyBytes;
        try {
            keyBytes = Base64.getDecoder().decode(keyLine.substring(HEADER.length()).trim());
        } catch (IllegalArgumentException e) {
            throw new KeyProtectionException("Master key file " + file + " does not hold valid base64 after '"
                + HEADER.trim() + "'");
        }
        if (keyBytes.length != AesGcm.KEY_BYTES) {
            int length = keyBytes.length;
            Arrays.fill(keyBytes, (byte) 0);
            throw new KeyProtectionException("Master key file " + file + " holds a " + length + "-byte key; a "
                + "Tresor master key is " + AesGcm.KEY_BYTES + " bytes (AES-256)");
        }
        return keyBytes;
    }

    private static KeyProtectionException malformed(Path file) {
        return new KeyProtectionException("Master key file " + file + " is not a Tresor master key file: expected "
            + "exactly one line '" + HEADER + "<base64 of 32 bytes>' besides '#' comments");
    }

    private static FileMasterKey create(Path file) {
        Path directory = file.getParent();
        byte[] keyBytes = AesGcm.randomBytes(AesGcm.KEY_BYTES);
        byte[] content = (("# Tresor master key, created " + Instant.now() + ". Keep it secret, keep a backup "
            + "(without it no private key can be decrypted); mode must stay 600.\n" + HEADER)
            + Base64.getEncoder().encodeToString(keyBytes) + "\n").getBytes(StandardCharsets.US_ASCII);
        Path temporary = null;
        try {
            Files.createDirectories(directory,
                PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE)));
            posixView(directory);
            FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            temporary = Files.createTempFile(directory, "." + file.getFileName(), ".tmp", ownerOnly);
            writeDurably(temporary, content);
            // A hard link publishes the complete file atomically and, unlike a rename, fails instead of replacing
            // a key another process created meanwhile.
            Files.createLink(file, temporary);
            syncDirectory(directory);
            LocalMasterKey key = LocalMasterKey.of(keyBytes);
            LOGGER.warn("Created a new master key in {} (id {}); back this file up: without it no private key "
                + "can be decrypted", file, key.id());
            return new FileMasterKey(file, key);
        } catch (FileAlreadyExistsException e) {
            return loadCreatedConcurrently(file);
        } catch (IOException | UnsupportedOperationException e) {
            throw new KeyProtectionException("Cannot create master key file " + file + ": " + e, e);
        } finally {
            Arrays.fill(keyBytes, (byte) 0);
            Arrays.fill(content, (byte) 0);
            deleteQuietly(temporary);
        }
    }

    private static FileMasterKey loadCreatedConcurrently(Path file) {
        try {
            return loadExisting(file);
        } catch (NoSuchFileException e) {
            throw new KeyProtectionException("Master key file " + file + " vanished while being created", e);
        }
    }

    private static void writeDurably(Path file, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path temporary) {
        if (temporary == null) {
            return;
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            LOGGER.warn("Could not delete temporary file {}: {}", temporary, e.toString());
        }
    }

    /** The file this key was loaded from. */
    public Path file() {
        return file;
    }

    @Override
    public String id() {
        return key.id();
    }

    @Override
    public byte[] wrap(byte[] keyToWrap, byte[] associatedData) {
        return key.wrap(keyToWrap, associatedData);
    }

    @Override
    public byte[] unwrap(byte[] wrapped, byte[] associatedData) {
        return key.unwrap(wrapped, associatedData);
    }

    @Override
    public String toString() {
        return "FileMasterKey[" + file + ", id " + key.id() + "]";
    }
}
