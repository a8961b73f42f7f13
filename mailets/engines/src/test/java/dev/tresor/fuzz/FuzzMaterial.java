package dev.tresor.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.Fingerprint;
import dev.tresor.keys.KeyPairEntry;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.io.Certificates;
import dev.tresor.keys.io.KeyAndChain;
import dev.tresor.keys.io.KeyMaterialException;
import dev.tresor.keys.io.Pkcs12;
import dev.tresor.keys.repository.TestKeyRepository;
import dev.tresor.mime.Mime;
import dev.tresor.pgp.TenantPgpKeys;
import dev.tresor.smime.SmimeDecryptor;

/**
 * Fixed keys for the fuzz tests of the engines, so that the seed mails (made with openssl and gpg for these keys,
 * under {@code src/test/resources/dev/tresor/<package>/<FuzzTest>Inputs/}) open and the fuzzer starts deep inside the
 * formats. Made once with:
 * <pre>
 * openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 36500 -subj "/CN=Fuzz CA/O=Tresor fuzz" \
 *   -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
 * openssl req -newkey rsa:2048 -nodes -keyout bob.key -out bob.csr -subj "/CN=Bob/O=Tresor fuzz"
 * openssl x509 -req -in bob.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out bob.pem -days 36500 -extfile ext.cnf
 *   # ext.cnf: subjectAltName=email:bob@acme.example, keyUsage digitalSignature+keyEncipherment, EKU emailProtection
 * openssl pkcs12 -export -inkey bob.key -in bob.pem -certfile ca.pem -name bob -passout pass:fuzz -out bob.p12
 * gpg --quick-gen-key "Bob &lt;bob@acme.example&gt;" ed25519 sign,cert never   # passphrase fuzz
 * gpg --quick-add-key FINGERPRINT cv25519 encr never
 * gpg --armor --export-secret-keys bob@acme.example &gt; bob-secret.asc
 * </pre>
 * and the seeds with {@code openssl smime -encrypt / -sign [-nodetach]}, {@code openssl cms -encrypt -aes-256-gcm},
 * {@code gpg --encrypt / --sign --encrypt / --detach-sign / --clearsign}, wrapped in PGP/MIME or inline mails.
 * These are test keys: their private halves are published here on purpose.
 */
public final class FuzzMaterial {
    public static final String PASSWORD = "fuzz";
    public static final EmailAddress BOB = EmailAddress.of("bob@acme.example");

    private static KeyAndChain smimeKey;
    private static TenantPgpKeys pgpKeys;

    private FuzzMaterial() {
    }

    /**
     * The mail as javax.mail parses it. javax.mail 1.6.2 itself fails with an {@code IndexOutOfBoundsException} on
     * a header block that starts with a continuation line (seed header-continuation-first-line.eml of
     * PgpVerifierFuzzTest): that is its failure, before any of ours runs, so it counts as a refusal here.
     */
    public static MimeMessage parse(byte[] raw) throws MessagingException {
        try {
            return new MimeMessage(Mime.SESSION, new SharedByteArrayInputStream(raw));
        } catch (IndexOutOfBoundsException e) {
            throw new MessagingException("javax.mail cannot parse the header block", e);
        }
    }

    /** Bob's S/MIME key and certificate, with the CA that issued it. */
    public static synchronized KeyAndChain smimeKey() {
        if (smimeKey == null) {
            try {
                smimeKey = Pkcs12.read(resource("bob.p12"), PASSWORD.toCharArray()).get(0);
            } catch (KeyMaterialException e) {
                throw new IllegalStateException(e);
            }
        }
        return smimeKey;
    }

    public static X509Certificate certificateAuthority() {
        try {
            return Certificates.read(resource("ca.pem")).get(0);
        } catch (KeyMaterialException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Offers Bob's key for every RecipientInfo, so that each one is tried with a real key. */
    public static SmimeDecryptor.KeyLookup smimeKeys() {
        KeyAndChain key = smimeKey();
        try {
            CertificateEntry entry = new CertificateEntry(TenantId.of("acme"), Fingerprint.sha256(key.certificate().getEncoded()),
                key.certificate(), key.chain(), Set.of(BOB), true, true, Origin.IMPORTED, KeyStatus.ACTIVE, Instant.EPOCH);
            KeyPairEntry pair = new KeyPairEntry(entry, key.privateKey());
            return recipient -> List.of(pair);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bob's OpenPGP key, in a real key repository (memory storage) as the mailets see it. */
    public static synchronized TenantPgpKeys pgpKeys() {
        if (pgpKeys == null) {
            try {
                Path directory = Files.createTempDirectory("tresor-fuzz");
                directory.toFile().deleteOnExit();
                TestKeyRepository vaults = TestKeyRepository.create(directory, Clock.systemUTC());
                TenantId acme = vaults.tenant("acme", "acme.example");
                vaults.repository().pgpKeys().addSecretKey(acme, resource("bob-secret.asc"), PASSWORD.toCharArray());
                pgpKeys = new TenantPgpKeys(vaults.repository().pgpKeys(), acme);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pgpKeys;
    }

    private static byte[] resource(String name) {
        try (InputStream in = FuzzMaterial.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource dev/tresor/fuzz/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
