package dev.tresor.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Date;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.crypto.agreement.X25519Agreement;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.jcajce.JcePGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePublicKeyKeyEncryptionMethodGenerator;
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
import dev.tresor.attributes.PgpSignature;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.mailets.DecryptPgp;
import dev.tresor.mailets.EncryptPgp;
import dev.tresor.mailets.LocalDomains;
import dev.tresor.mailets.SignPgp;
import dev.tresor.mailets.TestVaults;
import dev.tresor.mailets.VerifyPgp;
import dev.tresor.pgp.ArmorCost;
import dev.tresor.pgp.PgpFixtures;
import dev.tresor.pgp.TenantPgpKeys;
import dev.tresor.smime.SmimeFixtures;

/**
 * Each OpenPGP mailet beside its floor: the same OpenPGP cryptography done the fastest way this JVM allows (the JDK's
 * AES-CFB, SHA-1 for the MDC and SHA-256, with CPU intrinsics; Bouncy Castle's X25519 and Ed25519, several times faster
 * than the JDK's), without MIME, packets or armor. Keys are Curve25519 (Ed25519 signing, X25519 encryption), made by
 * gpg, in an in-memory key repository as in James. Also Bouncy Castle's armored encryption as its examples show it
 * ({@code PGPEncryptedDataGenerator} with the BC provider into an {@code ArmoredOutputStream}), for the comparison.
 *
 * <p>Warm-up is 10 s per benchmark: the JIT reaches the fast AES paths only after the caller is compiled.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class PgpBenchmark {
    private static final int CHUNK = 64 * 1024;
    /** OpenPGP CFB's random prefix: a block and its last two bytes repeated. */
    private static final int PREFIX = 18;

    @Param({"102400", "1048576"})
    public int size;

    private Path directory;
    private byte[] plain;
    private byte[] signed;
    private byte[] encrypted;
    private SignPgp sign;
    private EncryptPgp encrypt;
    private DecryptPgp decrypt;
    private VerifyPgp verify;
    private PGPPublicKey recipientKey;
    private final SecureRandom random = new SecureRandom();

    // floor material: raw Curve25519 keys and a ciphertext as OpenPGP CFB would make it
    private X25519PrivateKeyParameters recipientAgreementKey;
    private X25519PublicKeyParameters recipientAgreementPublic;
    private X25519PublicKeyParameters ephemeralPublic;
    private byte[] wrappedSessionKey;
    private byte[] cfbCiphertext;
    private Ed25519PrivateKeyParameters signingKey;
    private Ed25519PublicKeyParameters verificationKey;
    private byte[] floorSignature;
    private byte[] armoredCiphertext;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        directory = Files.createTempDirectory("tresor-pgp-bench");
        PgpFixtures keys = PgpFixtures.get();
        TestVaults vaults = TestVaults.create(directory, Clock.systemUTC());
        TenantId acme = vaults.tenant("acme", "acme.example");
        TenantId globex = vaults.tenant("globex", "globex.example");
        vaults.repository().pgpKeys().addSecretKey(acme, keys.anna25519.secretKey, PgpFixtures.PASSPHRASE);
        vaults.repository().pgpKeys().addPublicKey(acme, keys.bea25519.publicKey, dev.tresor.keys.Origin.IMPORTED);
        vaults.repository().pgpKeys().addSecretKey(globex, keys.bea25519.secretKey, PgpFixtures.PASSPHRASE);
        vaults.repository().pgpKeys().addPublicKey(globex, keys.anna25519.publicKey, dev.tresor.keys.Origin.IMPORTED);
        recipientKey = TenantPgpKeys.encryptionKey(vaults.repository().pgpKeys()
            .encryptionKeys(acme, EmailAddress.of(keys.bea25519.address), SelectionPolicy.NEWEST).get(0), java.time.Instant.now())
            .orElseThrow();

        sign = init(new SignPgp(vaults.repository(), vaults.tenantResolver()));
        encrypt = init(new EncryptPgp(vaults.repository(), vaults.tenantResolver()));
        decrypt = init(new DecryptPgp(vaults.repository(), vaults.tenantResolver()));
        verify = init(new VerifyPgp(vaults.repository(), vaults.tenantResolver()));

        plain = SmimeFixtures.bytes(SmimeFixtures.mailWithAttachment("anna@acme.example", "bea@globex.example",
            SmimeFixtures.randomBytes(size * 3 / 4 - 600, 42)));
        Mail toSign = outgoing(plain);
        sign.service(toSign);
        signed = SmimeFixtures.bytes(toSign.getMessage());
        Mail toEncrypt = outgoing(plain);
        encrypt.service(toEncrypt);
        encrypted = SmimeFixtures.bytes(toEncrypt.getMessage());

        recipientAgreementKey = new X25519PrivateKeyParameters(random);
        recipientAgreementPublic = recipientAgreementKey.generatePublicKey();
        X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(random);
        ephemeralPublic = ephemeral.generatePublicKey();
        SecretKey sessionKey = aesKey();
        wrappedSessionKey = wrap(kek(ephemeral, recipientAgreementPublic), sessionKey);
        cfbCiphertext = cfbEncrypt(sessionKey);
        signingKey = new Ed25519PrivateKeyParameters(random);
        verificationKey = signingKey.generatePublicKey();
        floorSignature = ed25519Sign(sha256(plain));
        armoredCiphertext = ArmorCost.armored(cfbCiphertext).toByteArray();
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
        Mail mail = FakeMail.builder().name("bench").mimeMessage(SmimeFixtures.parse(message)).sender("anna@acme.example")
            .recipient("bea@partner.example").state("relay").build();
        mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of("anna@acme.example")));
        return mail;
    }

    private static Mail incoming(byte[] message) throws Exception {
        return FakeMail.builder().name("bench").mimeMessage(SmimeFixtures.parse(message)).sender("anna@acme.example")
            .recipient("bea@globex.example").state("transport").build();
    }

    private static void written(Mail mail, Blackhole blackhole) throws Exception {
        if (!"relay".equals(mail.getState()) && !"transport".equals(mail.getState())) {
            throw new IllegalStateException("Mailet failed: " + mail.getAttribute(FailureReason.NAME));
        }
        written(mail.getMessage(), blackhole);
    }

    private static void written(MimeMessage message, Blackhole blackhole) throws Exception {
        message.writeTo(new BlackholeOutput(blackhole));
    }

    // ---- mailets: the result is written out, as James does when it delivers -------------------------------------

    @Benchmark
    public void signPgp(Blackhole blackhole) throws Exception {
        Mail mail = outgoing(plain);
        sign.service(mail);
        written(mail, blackhole);
    }

    @Benchmark
    public void encryptPgp(Blackhole blackhole) throws Exception {
        Mail mail = outgoing(plain);
        encrypt.service(mail);
        written(mail, blackhole);
    }

    @Benchmark
    public void decryptPgp(Blackhole blackhole) throws Exception {
        Mail mail = incoming(encrypted);
        decrypt.service(mail);
        if (!"decrypted".equals(mail.getAttribute(DecryptionOutcome.PGP)
            .flatMap(attribute -> attribute.getValue().valueAs(String.class)).orElse(""))) {
            throw new IllegalStateException("Not decrypted: " + mail.getAttribute(DecryptionOutcome.PGP));
        }
        written(mail, blackhole);
    }

    @Benchmark
    public void verifyPgp(Blackhole blackhole) throws Exception {
        Mail mail = incoming(signed);
        verify.service(mail);
        String verdict = mail.getMessage().getHeader(PgpSignature.HEADER, null);
        if (verdict == null || !verdict.startsWith("valid")) {
            throw new IllegalStateException("Verification failed: " + verdict);
        }
        written(mail, blackhole);
    }

    // ---- floors: the same cryptographic work, no MIME, packets or armor ---------------------------------------

    /** SHA-256 of the content (JDK) and an Ed25519 signature of the digest (Bouncy Castle). */
    @Benchmark
    public byte[] signFloor() throws Exception {
        return ed25519Sign(sha256(plain));
    }

    /**
     * A session key wrapped for X25519 (an ephemeral key pair, whose public half the message carries, BC agreement,
     * SHA-256 KDF, JDK AES key wrap), AES-256-CFB and the SHA-1 MDC.
     */
    @Benchmark
    public byte[] encryptFloor() throws Exception {
        SecretKey sessionKey = aesKey();
        X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(random);
        byte[] ephemeralPublic = ephemeral.generatePublicKey().getEncoded();
        byte[] wrapped = wrap(kek(ephemeral, recipientAgreementPublic), sessionKey);
        byte[] ciphertext = cfbEncrypt(sessionKey);
        ciphertext[0] ^= wrapped[0] ^ ephemeralPublic[0];
        return ciphertext;
    }

    @Benchmark
    public byte[] decryptFloor() throws Exception {
        Cipher unwrap = Cipher.getInstance("AESWrap");
        unwrap.init(Cipher.UNWRAP_MODE, kek(recipientAgreementKey, ephemeralPublic));
        SecretKey sessionKey = (SecretKey) unwrap.unwrap(wrappedSessionKey, "AES", Cipher.SECRET_KEY);
        Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding");
        cfb.init(Cipher.DECRYPT_MODE, sessionKey, new IvParameterSpec(new byte[16]));
        byte[] clear = new byte[cfbCiphertext.length];
        MessageDigest mdc = MessageDigest.getInstance("SHA-1");
        for (int start = 0; start < cfbCiphertext.length; start += CHUNK) {
            int length = Math.min(CHUNK, cfbCiphertext.length - start);
            cfb.update(cfbCiphertext, start, length, clear, start);
            mdc.update(clear, start, length);
        }
        clear[0] ^= mdc.digest()[0];
        return clear;
    }

    @Benchmark
    public boolean verifyFloor() throws Exception {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, verificationKey);
        byte[] digest = sha256(plain);
        verifier.update(digest, 0, digest.length);
        return verifier.verifySignature(floorSignature);
    }

    // ---- transport bounds: a floor plus the armor PGP/MIME requires (RFC 3156), by Tresor's own armor code ----------
    // No implementation sends less: when a bound is itself below 80 % of its floor, no mailet can reach 80 % of that
    // floor without a faster base64 and CRC-24 than these.

    /** The encryption floor, then its ciphertext armored: base64 lines and the CRC-24 line. */
    @Benchmark
    public int encryptFloorPlusArmor() throws Exception {
        byte[] ciphertext = encryptFloor();
        return ArmorCost.armored(ciphertext).size();
    }

    /** The armored ciphertext read back to binary (checksum checked), then the decryption floor. */
    @Benchmark
    public byte[] decryptFloorPlusArmor() throws Exception {
        int length = ArmorCost.dearmored(armoredCiphertext).size();
        byte[] clear = decryptFloor();
        clear[0] ^= (byte) length;
        return clear;
    }

    // ---- Bouncy Castle's armored encryption, as its examples show it --------------------------------------------

    @Benchmark
    public byte[] bouncyCastleArmoredEncryption() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size * 2);
        try (ArmoredOutputStream armor = new ArmoredOutputStream(out)) {
            PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new JcePGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true)
                    .setSecureRandom(random).setProvider(BOUNCY_CASTLE));
            generator.addMethod(new JcePublicKeyKeyEncryptionMethodGenerator(recipientKey).setProvider(BOUNCY_CASTLE));
            try (OutputStream encryptedOut = generator.open(armor, new byte[1 << 16]);
                 OutputStream literal = new PGPLiteralDataGenerator().open(encryptedOut, PGPLiteralData.BINARY, "", plain.length,
                     new Date())) {
                literal.write(plain);
            }
        }
        return out.toByteArray();
    }

    private static final java.security.Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private SecretKey aesKey() throws Exception {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256, random);
        return generator.generateKey();
    }

    /** RFC 6637's key-encryption key: SHA-256 over the X25519 shared secret and the KDF parameters. */
    private static SecretKey kek(X25519PrivateKeyParameters own, X25519PublicKeyParameters other) throws Exception {
        X25519Agreement agreement = new X25519Agreement();
        agreement.init(own);
        byte[] shared = new byte[agreement.getAgreementSize()];
        agreement.calculateAgreement(other, shared, 0);
        MessageDigest kdf = MessageDigest.getInstance("SHA-256");
        kdf.update(new byte[] {0, 0, 0, 1});
        kdf.update(shared);
        kdf.update(new byte[56]);
        return new SecretKeySpec(kdf.digest(), "AES");
    }

    private static byte[] wrap(SecretKey kek, SecretKey sessionKey) throws Exception {
        Cipher wrap = Cipher.getInstance("AESWrap");
        wrap.init(Cipher.WRAP_MODE, kek);
        return wrap.wrap(sessionKey);
    }

    /** OpenPGP CFB as SEIPD v1 uses it: zero IV, random prefix, content, SHA-1 MDC; fed in 64 KiB pieces. */
    private byte[] cfbEncrypt(SecretKey sessionKey) throws Exception {
        byte[] prefix = new byte[PREFIX];
        random.nextBytes(prefix);
        MessageDigest mdc = MessageDigest.getInstance("SHA-1");
        mdc.update(prefix);
        Cipher cfb = Cipher.getInstance("AES/CFB/NoPadding");
        cfb.init(Cipher.ENCRYPT_MODE, sessionKey, new IvParameterSpec(new byte[16]));
        byte[] out = new byte[PREFIX + plain.length + 22];
        int position = cfb.update(prefix, 0, PREFIX, out, 0);
        for (int start = 0; start < plain.length; start += CHUNK) {
            int length = Math.min(CHUNK, plain.length - start);
            mdc.update(plain, start, length);
            position += cfb.update(plain, start, length, out, position);
        }
        byte[] trailer = new byte[22];
        trailer[0] = (byte) 0xD3;
        trailer[1] = 0x14;
        mdc.update(trailer, 0, 2);
        System.arraycopy(mdc.digest(), 0, trailer, 2, 20);
        cfb.doFinal(trailer, 0, trailer.length, out, position);
        return out;
    }

    private static byte[] sha256(byte[] content) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (int start = 0; start < content.length; start += CHUNK) {
            digest.update(content, start, Math.min(CHUNK, content.length - start));
        }
        return digest.digest();
    }

    private byte[] ed25519Sign(byte[] digest) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, signingKey);
        signer.update(digest, 0, digest.length);
        return signer.generateSignature();
    }

    public static void main(String[] args) throws Exception {
        org.openjdk.jmh.Main.main(args);
    }
}
