package dev.tresor.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

/**
 * The key files the server makes for itself on its first start (the TLS identity, WebAdmin's token key): PEM text,
 * private keys readable by the owner only from the moment the file exists.
 */
public final class PemFiles {
    private PemFiles() {
    }

    /** PEM armour of a DER encoding, e.g. {@code PRIVATE KEY}, {@code CERTIFICATE}, {@code PUBLIC KEY}. */
    public static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return String.join("\n", List.of("-----BEGIN " + type + "-----", body, "-----END " + type + "-----", ""));
    }

    /**
     * Creates the file with mode 600 before anything is written to it (where the file system knows POSIX modes), and
     * refuses to replace one that exists.
     */
    public static void writeOwnerOnly(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException(file + " appeared while Tresor was writing it", e);
        }
        Files.writeString(file, content, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
