package dev.tresor.keys.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small PKI made with the openssl command line, as an admin would make one: a root CA, an intermediate CA, and
 * end-entity certificates with whatever extensions a test needs. Keys are EC P-256 unless a test asks otherwise.
 */
final class OpenSslPki {
    static final String RSA = "RSA";
    static final String EC = "EC";
    static final String ED25519 = "ED25519";

    private final Path directory;
    private int serial = 100;

    OpenSslPki(Path directory) {
        this.directory = directory;
        key("root", EC);
        ExternalTool.run(directory, "openssl", "req", "-x509", "-new", "-key", "root.key", "-subj", "/O=Tresor tests/CN=Test Root CA",
            "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-out", "root.pem");
        key("intermediate", EC);
        request("intermediate", "/O=Tresor tests/CN=Test Intermediate CA");
        sign("intermediate", "root", "basicConstraints=critical,CA:TRUE,pathlen:0", "keyUsage=critical,keyCertSign,cRLSign");
    }

    Path directory() {
        return directory;
    }

    /** A certificate issued by the intermediate CA, with exactly the given extension lines (openssl x509v3 syntax). */
    Path issue(String name, String keyAlgorithm, String subject, String... extensions) {
        key(name, keyAlgorithm);
        request(name, subject);
        return sign(name, "intermediate", extensions);
    }

    Path root() {
        return directory.resolve("root.pem");
    }

    Path intermediate() {
        return directory.resolve("intermediate.pem");
    }

    Path key(String name) {
        return directory.resolve(name + ".key");
    }

    byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Concatenates files, as {@code cat a b > c} would. */
    Path concatenate(String name, Path... files) {
        try {
            StringBuilder text = new StringBuilder();
            for (Path file : files) {
                text.append(Files.readString(file, StandardCharsets.US_ASCII));
            }
            return Files.writeString(directory.resolve(name), text.toString(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void key(String name, String algorithm) {
        if (RSA.equals(algorithm)) {
            ExternalTool.run(directory, "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                "-out", name + ".key");
        } else if (EC.equals(algorithm)) {
            ExternalTool.run(directory, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", name + ".key");
        } else {
            ExternalTool.run(directory, "openssl", "genpkey", "-algorithm", algorithm, "-out", name + ".key");
        }
    }

    private void request(String name, String subject) {
        ExternalTool.run(directory, "openssl", "req", "-new", "-key", name + ".key", "-subj", subject, "-out", name + ".csr");
    }

    private Path sign(String name, String issuer, String... extensions) {
        try {
            Files.writeString(directory.resolve(name + ".ext"), String.join("\n", extensions) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExternalTool.run(directory, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey",
            issuer + ".key", "-set_serial", Integer.toString(serial++), "-days", "30", "-extfile", name + ".ext",
            "-out", name + ".pem");
        return directory.resolve(name + ".pem");
    }
}
