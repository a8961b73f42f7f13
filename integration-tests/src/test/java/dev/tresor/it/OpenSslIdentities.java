package dev.tresor.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S/MIME identities made with the openssl command line, as an admin or a partner would make them: an RSA key
 * ({@code name-key.pem}), a self-signed certificate for one address ({@code name-cert.pem}) and, on request, both in a
 * PKCS#12 file. Also runs openssl for the tests' interop checks.
 */
public final class OpenSslIdentities {
    private final Path directory;

    public OpenSslIdentities(Path directory) {
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }

    /** An RSA key and a self-signed S/MIME certificate; returns the certificate (PEM). */
    public Path selfSigned(String name, String subject, String address) throws Exception {
        Path certificate = directory.resolve(name + "-cert.pem");
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365",
            "-keyout", key(name).toString(), "-out", certificate.toString(),
            "-subj", subject,
            "-addext", "subjectAltName=email:" + address,
            "-addext", "keyUsage=critical,digitalSignature,keyEncipherment",
            "-addext", "extendedKeyUsage=emailProtection",
            "-addext", "basicConstraints=critical,CA:FALSE");
        return certificate;
    }

    public Path certificate(String name) {
        return directory.resolve(name + "-cert.pem");
    }

    public Path key(String name) {
        return directory.resolve(name + "-key.pem");
    }

    /** The key and certificate of {@link #selfSigned} as a PKCS#12 file, as OpenSSL 3 writes it by default. */
    public Path pkcs12(String name, String password) throws Exception {
        Path pkcs12 = directory.resolve(name + ".p12");
        run("pkcs12", "-export", "-inkey", key(name).toString(), "-in", certificate(name).toString(),
            "-out", pkcs12.toString(), "-passout", "pass:" + password);
        return pkcs12;
    }

    /** Runs {@code openssl <arguments>} in the directory; fails with openssl's own output when it fails. */
    public void run(String... arguments) throws IOException, InterruptedException {
        output(arguments);
    }

    /** {@link #run}, returning what openssl wrote (standard output and error). */
    public String output(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(arguments));
        Path log = directory.resolve("openssl.log");
        Process process = new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(log));
        }
        return Files.readString(log);
    }
}
