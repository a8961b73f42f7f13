package dev.tresor.tls;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import dev.tresor.keys.io.ExternalTool;

/**
 * A test CA and SMTP server certificates made with the openssl command line, as a partner's admin would: EC P-256
 * keys, DNS names in the subject alternative name, serverAuth.
 */
public final class TlsTestPki {
    private static final char[] PASSWORD = "test-only".toCharArray();

    private final Path directory;

    public TlsTestPki(Path directory) {
        this.directory = directory;
        key("ca");
        ExternalTool.run(directory, "openssl", "req", "-x509", "-new", "-key", "ca.key", "-subj", "/O=Tresor tests/CN=Test TLS CA",
            "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-out", "ca.pem");
    }

    /** The CA certificate, as RequireTls's {@code trustedCertificates} file. */
    public Path caCertificate() {
        return directory.resolve("ca.pem");
    }

    /** A server identity for {@code dnsNames}, issued by this CA, as an SSLContext for the server side. */
    public SSLContext server(String name, String... dnsNames) {
        key(name);
        ExternalTool.run(directory, "openssl", "req", "-new", "-key", name + ".key", "-subj", "/O=Tresor tests/CN=" + dnsNames[0],
            "-out", name + ".csr");
        Path extensions = directory.resolve(name + ".ext");
        try {
            Files.writeString(extensions, "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                + "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:" + String.join(",DNS:", dnsNames) + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ExternalTool.run(directory, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "30", "-extfile", name + ".ext", "-out", name + ".pem");
        ExternalTool.run(directory, "openssl", "pkcs12", "-export", "-inkey", name + ".key", "-in", name + ".pem",
            "-certfile", "ca.pem", "-passout", "pass:" + new String(PASSWORD), "-out", name + ".p12");
        try (InputStream in = Files.newInputStream(directory.resolve(name + ".p12"))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot load the test identity " + name, e);
        }
    }

    public X509Certificate certificate(String name) {
        try (InputStream in = Files.newInputStream(directory.resolve(name + ".pem"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void key(String name) {
        ExternalTool.run(directory, "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-out", name + ".key");
    }
}
