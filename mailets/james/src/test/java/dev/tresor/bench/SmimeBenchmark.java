package dev.tresor.bench;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.mail.smime.SMIMESignedGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import dev.tresor.attributes.DecryptionOutcome;
import dev.tresor.attributes.FailureReason;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.mailets.DecryptSmime;
import dev.tresor.mailets.EncryptSmime;
import dev.tresor.mailets.LocalDomains;
import dev.tresor.mailets.VerifySmime;
import dev.tresor.mailets.SignSmime;
import dev.tresor.mailets.TestVaults;
import dev.tresor.mime.Base64Lines;
import dev.tresor.mime.ByteSink;
import dev.tresor.smime.SmimeFixtures;

/**
 * Each S/MIME mailet beside its floor: the same cryptographic work done the fastest way this JVM allows (JDK SHA-256,
 * AES and RSA, with CPU intrinsics), so that what the mailet adds (MIME, CMS, base64, key lookup, audit) shows as the
 * ratio between the two. Also Bouncy Castle's {@code SMIMESignedGenerator} used as its documentation shows, for the
 * signing comparison. Mailets run with RSA-2048 keys from an in-memory key repository, as they run in James.
 *
 * <p>Warm-up is 10 s per benchmark: the JIT reaches the fast AES paths only after the caller is compiled.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class SmimeBenchmark {
    private static final int SIGNED_ATTRIBUTES_SIZE = 200;

    @Param({"102400", "1048576"})
    public int size;

    private Path directory;
    private byte[] plain;
    private byte[] signed;
    private byte[] encryptedCbc;
    private byte[] encryptedGcm;
    private byte[] gcmCiphertext;
    private SignSmime sign;
    private EncryptSmime encryptCbc;
    private EncryptSmime encryptGcm;
    private DecryptSmime decrypt;
    private VerifySmime verify;
    private X509Certificate caCertificate;
    private byte[] signedContent;
    private TestPki.Issued alice;
    private TestPki.Issued bob;
    private PrivateKey aliceKey;
    private PublicKey bobPublic;
    private PrivateKey bobKey;
    private byte[] wrappedKey;
    private byte[] cbcCiphertext;
    private byte[] floorSignature;
    private byte[] cbcCiphertextBase64;
    private byte[] gcmCiphertextBase64;
    private byte[] cbcCiphertextLines;
    private byte[] gcmCiphertextLines;
    private final SecureRandom random = new SecureRandom();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        directory = Files.createTempDirectory("tresor-smime-bench");
        TestVaults vaults = TestVaults.create(directory, Clock.systemUTC());
        TenantId acme = vaults.tenant("acme", "acme.example");
        TenantId globex = vaults.tenant("globex", "globex.example");
        TestPki ca = TestPki.ca("Benchmark CA");
        alice = ca.issuing("alice@acme.example").rsa().build();
        bob = ca.issuing("bob@globex.example").rsa().build();
        vaults.addKeyPair(acme, alice);
        vaults.addCertificate(acme, bob);
        vaults.addKeyPair(globex, bob);
        aliceKey = alice.privateKey();
        bobKey = bob.privateKey();
        bobPublic = bob.certificate().getPublicKey();

        sign = init(new SignSmime(vaults.repository(), vaults.tenantResolver()));
        encryptCbc = init(new EncryptSmime(vaults.repository(), vaults.tenantResolver()), "cipher", "aes256-cbc");
        encryptGcm = init(new EncryptSmime(vaults.repository(), vaults.tenantResolver()), "cipher", "aes256-gcm");
        decrypt = init(new DecryptSmime(vaults.repository(), vaults.tenantResolver()));
        vaults.addTrustAnchor(globex, ca);
        caCertificate = ca.certificate();
        verify = init(new VerifySmime(vaults.repository(), vaults.tenantResolver()), "revocation", "off");

        plain = SmimeFixtures.bytes(SmimeFixtures.mailWithAttachment("alice@acme.example", "bob@globex.example",
            SmimeFixtures.randomBytes(size * 3 / 4 - 600, 42)));
        Mail mail = outgoing(plain);
        sign.service(mail);
        signed = SmimeFixtures.bytes(mail.getMessage());
        // the signed part is the message's content entity: as many bytes to digest as the plain message, near enough
        signedContent = plain;
        Mail toEncrypt = outgoing(plain);
        encryptCbc.service(toEncrypt);
        encryptedCbc = SmimeFixtures.bytes(toEncrypt.getMessage());
        Mail toEncryptGcm = outgoing(plain);
        encryptGcm.service(toEncryptGcm);
        encryptedGcm = SmimeFixtures.bytes(toEncryptGcm.getMessage());

        SecretKey key = KeyGenerator.getInstance("AES").generateKey();
        Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.ENCRYPT_MODE, bobPublic);
        wrappedKey = rsa.doFinal(key.getEncoded());
        Cipher cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cbc.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(new byte[16]));
        cbcCiphertext = cbc.doFinal(plain);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, new byte[12]));
        gcmCiphertext = gcm.doFinal(plain);
        cbcCiphertextBase64 = Base64.getEncoder().encode(cbcCiphertext);
        gcmCiphertextBase64 = Base64.getEncoder().encode(gcmCiphertext);
        cbcCiphertextLines = lines(cbcCiphertext).toByteArray();
        gcmCiphertextLines = lines(gcmCiphertext).toByteArray();
        floorSignature = new byte[256];
        Signature rsaSignature = Signature.getInstance("SHA256withRSA");
        rsaSignature.initSign(aliceKey);
        byte[] attributes = new byte[SIGNED_ATTRIBUTES_SIZE];
        System.arraycopy(sha256(signedContent), 0, attributes, 0, 32);
        rsaSignature.update(attributes);
        floorSignature = rsaSignature.sign();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private static <M extends GenericMailet> M init(M mailet, String... parameters) throws Exception {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(mailet.getClass().getSimpleName())
            .mailetContext(LocalDomains.context(FakeMailContext.defaultContext(), "globex.example"));
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static Mail outgoing(byte[] message) throws Exception {
        Mail mail = FakeMail.builder().name("bench").mimeMessage(SmimeFixtures.parse(message)).sender("alice@acme.example")
            .recipient("bob@globex.example").state("relay").build();
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("alice@acme.example")));
        return mail;
    }

    private static void written(Mail mail, Blackhole blackhole) throws Exception {
        if (!"relay".equals(mail.getState())) {
            throw new IllegalStateException("Mailet failed: " + mail.getAttribute(FailureReason.NAME));
        }
        written(mail.getMessage(), blackhole);
    }

    private static void written(MimeMessage message, Blackhole blackhole) throws Exception {
        message.writeTo(new BlackholeOutput(blackhole));
    }

    // ---- mailets: the result is written out, as James does when it delivers -------------------------------------

    @Benchmark
    public void signSmime(Blackhole blackhole) throws Exception {
        Mail mail = outgoing(plain);
        sign.service(mail);
        written(mail, blackhole);
    }

    @Benchmark
    public void encryptSmimeCbc(Blackhole blackhole) throws Exception {
        Mail mail = outgoing(plain);
        encryptCbc.service(mail);
        written(mail, blackhole);
    }

    @Benchmark
    public void encryptSmimeGcm(Blackhole blackhole) throws Exception {
        Mail mail = outgoing(plain);
        encryptGcm.service(mail);
        written(mail, blackhole);
    }

    @Benchmark
    public void signThenEncryptSmime(Blackhole blackhole) throws Exception {
        Mail mail = outgoing(plain);
        sign.service(mail);
        encryptCbc.service(mail);
        written(mail, blackhole);
    }

    @Benchmark
    public void decryptSmime(Blackhole blackhole) throws Exception {
        decrypted(encryptedCbc, blackhole);
    }

    @Benchmark
    public void decryptSmimeGcm(Blackhole blackhole) throws Exception {
        decrypted(encryptedGcm, blackhole);
    }

    private void decrypted(byte[] encrypted, Blackhole blackhole) throws Exception {
        Mail mail = FakeMail.builder().name("bench").mimeMessage(SmimeFixtures.parse(encrypted)).sender("alice@acme.example")
            .recipient("bob@globex.example").state("relay").build();
        decrypt.service(mail);
        if (!"decrypted".equals(mail.getAttribute(DecryptionOutcome.SMIME)
            .flatMap(attribute -> attribute.getValue().valueAs(String.class)).orElse(""))) {
            throw new IllegalStateException("Not decrypted");
        }
        written(mail, blackhole);
    }

    @Benchmark
    public void verifySmime(Blackhole blackhole) throws Exception {
        Mail mail = FakeMail.builder().name("bench").mimeMessage(SmimeFixtures.parse(signed)).sender("alice@acme.example")
            .recipient("bob@globex.example").state("transport").build();
        verify.service(mail);
        String verdict = mail.getMessage().getHeader("X-Tresor-Signature", null);
        if (verdict == null || !verdict.startsWith("valid")) {
            throw new IllegalStateException("Verification failed: " + verdict);
        }
        written(mail.getMessage(), blackhole);
    }

    // ---- floors: the same cryptographic work, JDK providers, no MIME or CMS ------------------------------------

    @Benchmark
    public byte[] signFloor() throws Exception {
        return rsaSign(sha256(plain));
    }

    @Benchmark
    public byte[] encryptCbcFloor() throws Exception {
        SecretKey key = aesKey();
        return wrap(key, cbcEncrypt(key));
    }

    @Benchmark
    public byte[] encryptGcmFloor() throws Exception {
        SecretKey key = aesKey();
        return wrap(key, gcmEncrypt(key));
    }

    @Benchmark
    public byte[] signThenEncryptFloor() throws Exception {
        byte[] signature = rsaSign(sha256(plain));
        SecretKey key = aesKey();
        byte[] ciphertext = cbcEncrypt(key);
        signature[0] ^= ciphertext[0];
        return wrap(key, signature);
    }

    @Benchmark
    public byte[] decryptFloor() throws Exception {
        Cipher cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cbc.init(Cipher.DECRYPT_MODE, unwrap(), new IvParameterSpec(new byte[16]));
        return cbc.doFinal(cbcCiphertext);
    }

    @Benchmark
    public byte[] decryptGcmFloor() throws Exception {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, unwrap(), new GCMParameterSpec(128, new byte[12]));
        return gcm.doFinal(gcmCiphertext);
    }

    // ---- transport bounds: a floor plus base64 by the JDK's codec over one contiguous text, without line breaks ----
    // S/MIME travels as base64 (RFC 8551); no implementation can encode or decode less. When a bound is itself below
    // 80 % of its floor, no mailet can reach 80 % of that floor.

    @Benchmark
    public byte[] encryptCbcFloorPlusBase64() throws Exception {
        SecretKey key = aesKey();
        byte[] ciphertext = cbcEncrypt(key);
        return wrap(key, Base64.getEncoder().encode(ciphertext));
    }

    @Benchmark
    public byte[] encryptGcmFloorPlusBase64() throws Exception {
        SecretKey key = aesKey();
        return wrap(key, Base64.getEncoder().encode(gcmEncrypt(key)));
    }

    @Benchmark
    public byte[] decryptFloorPlusBase64() throws Exception {
        Cipher cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cbc.init(Cipher.DECRYPT_MODE, unwrap(), new IvParameterSpec(new byte[16]));
        return cbc.doFinal(Base64.getDecoder().decode(cbcCiphertextBase64));
    }

    @Benchmark
    public byte[] decryptGcmFloorPlusBase64() throws Exception {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, unwrap(), new GCMParameterSpec(128, new byte[12]));
        return gcm.doFinal(Base64.getDecoder().decode(gcmCiphertextBase64));
    }

    // ---- the same bounds with Tresor's own codec, in the 76-character lines with CRLF that MIME requires (RFC 2045) --

    @Benchmark
    public int encryptCbcFloorPlusLines() throws Exception {
        SecretKey key = aesKey();
        byte[] ciphertext = cbcEncrypt(key);
        return lines(ciphertext).size() ^ wrap(key, ciphertext)[0];
    }

    @Benchmark
    public int encryptGcmFloorPlusLines() throws Exception {
        SecretKey key = aesKey();
        byte[] ciphertext = gcmEncrypt(key);
        return lines(ciphertext).size() ^ wrap(key, ciphertext)[0];
    }

    @Benchmark
    public byte[] decryptFloorPlusLines() throws Exception {
        Cipher cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cbc.init(Cipher.DECRYPT_MODE, unwrap(), new IvParameterSpec(new byte[16]));
        ByteSink ciphertext = unlined(cbcCiphertextLines);
        return cbc.doFinal(ciphertext.array(), 0, ciphertext.size());
    }

    @Benchmark
    public byte[] decryptGcmFloorPlusLines() throws Exception {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, unwrap(), new GCMParameterSpec(128, new byte[12]));
        ByteSink ciphertext = unlined(gcmCiphertextLines);
        return gcm.doFinal(ciphertext.array(), 0, ciphertext.size());
    }

    /** AES-256-GCM of the message in one call, with a fresh nonce. */
    private byte[] gcmEncrypt(SecretKey key) throws Exception {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        return gcm.doFinal(plain);
    }

    private static ByteSink lines(byte[] binary) throws Exception {
        ByteSink sink = new ByteSink((int) Base64Lines.encodedCapacity(binary.length));
        try (OutputStream encoder = Base64Lines.encoder(sink)) {
            encoder.write(binary);
        }
        return sink;
    }

    private static ByteSink unlined(byte[] text) throws Exception {
        ByteSink binary = new ByteSink(text.length / 4 * 3 + 16);
        try (InputStream decoder = Base64Lines.decoder(new ByteArrayInputStream(text))) {
            binary.readFrom(decoder);
        }
        return binary;
    }

    private SecretKey unwrap() throws Exception {
        Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.DECRYPT_MODE, bobKey);
        return new javax.crypto.spec.SecretKeySpec(rsa.doFinal(wrappedKey), "AES");
    }

    /** Digest of the signed part, RSA verification of the signed attributes, and the signer certificate's signature. */
    @Benchmark
    public boolean verifyFloor() throws Exception {
        byte[] signedAttributes = new byte[SIGNED_ATTRIBUTES_SIZE];
        System.arraycopy(sha256(signedContent), 0, signedAttributes, 0, 32);
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initVerify(alice.certificate().getPublicKey());
        signature.update(signedAttributes);
        boolean result = signature.verify(floorSignature);
        alice.certificate().verify(caCertificate.getPublicKey(), EC_PROVIDER);
        return result;
    }

    // ---- Bouncy Castle's S/MIME signing, as its documentation shows ---------------------------------------------

    @Benchmark
    public void bouncyCastleSmimeSignedGenerator(Blackhole blackhole) throws Exception {
        MimeMessage message = SmimeFixtures.parse(plain);
        MimeBodyPart content = new MimeBodyPart();
        content.setContent(message.getContent(), message.getContentType());
        SMIMESignedGenerator generator = new SMIMESignedGenerator();
        generator.addSignerInfoGenerator(new JcaSimpleSignerInfoGeneratorBuilder().setProvider(BOUNCY_CASTLE)
            .build("SHA256withRSA", aliceKey, alice.certificate()));
        generator.addCertificates(new JcaCertStore(List.of(alice.certificate())));
        MimeMultipart multipart = generator.generate(content);
        MimeMessage signedMessage = new MimeMessage(message);
        signedMessage.setContent(multipart, multipart.getContentType());
        signedMessage.saveChanges();
        signedMessage.writeTo(new BlackholeOutput(blackhole));
    }

    private static final String BOUNCY_CASTLE = registerBouncyCastle();
    private static final java.security.Provider EC_PROVIDER = new BouncyCastleProvider();

    private static String registerBouncyCastle() {
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new BouncyCastleProvider());
        }
        return "BC";
    }

    private SecretKey aesKey() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256, random);
        return generator.generateKey();
    }

    private byte[] cbcEncrypt(SecretKey key) throws Exception {
        byte[] iv = new byte[16];
        random.nextBytes(iv);
        Cipher cbc = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cbc.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
        return cbc.doFinal(plain);
    }

    private byte[] wrap(SecretKey key, byte[] ciphertext) throws Exception {
        Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
        rsa.init(Cipher.ENCRYPT_MODE, bobPublic);
        byte[] wrapped = rsa.doFinal(key.getEncoded());
        wrapped[0] ^= ciphertext[ciphertext.length - 1];
        return wrapped;
    }

    private static byte[] sha256(byte[] content) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(content);
    }

    private byte[] rsaSign(byte[] digest) throws Exception {
        byte[] signedAttributes = new byte[SIGNED_ATTRIBUTES_SIZE];
        System.arraycopy(digest, 0, signedAttributes, 0, digest.length);
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(aliceKey);
        signature.update(signedAttributes);
        return signature.sign();
    }

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args);
    }
}
