package dev.tresor.keys.ca;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.io.Certificates;
import dev.tresor.keys.lifecycle.KeyAlgorithm;

/** A tenant CA for tests: its keys, its certificate, and the PEM files openssl reads. */
final class TestCa {
    static final CaUrls URLS = new CaUrls("http://pki.acme.example/ca.crl", "http://pki.acme.example/ocsp",
        "http://pki.acme.example/ca.crt");
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    final KeyPair keys;
    final X509Certificate certificate;

    TestCa(String organisation, KeyAlgorithm algorithm) {
        keys = CaCertificates.newKeyPair(algorithm);
        certificate = CaCertificates.newCaCertificate(organisation, keys, NOW.minus(Duration.ofDays(1)),
            NOW.plus(Duration.ofDays(3650)));
    }

    /** A mailbox certificate valid from a minute ago for a year, for a new key of the algorithm. */
    Issued issue(String address, KeyAlgorithm algorithm) {
        KeyPair subject = CaCertificates.newKeyPair(algorithm);
        BigInteger serial = CaCertificates.newSerial();
        X509Certificate certificate = CaCertificates.newMailboxCertificate(this.certificate, keys.getPrivate(),
            subject.getPublic(), EmailAddress.of(address), serial, NOW.minus(Duration.ofMinutes(1)),
            NOW.plus(Duration.ofDays(365)), URLS);
        return new Issued(subject, certificate);
    }

    static Path pem(Path directory, String name, X509Certificate certificate) {
        try {
            return Files.write(directory.resolve(name), Certificates.toPem(List.of(certificate)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class Issued {
        final KeyPair keys;
        final X509Certificate certificate;

        Issued(KeyPair keys, X509Certificate certificate) {
            this.keys = keys;
            this.certificate = certificate;
        }
    }
}
