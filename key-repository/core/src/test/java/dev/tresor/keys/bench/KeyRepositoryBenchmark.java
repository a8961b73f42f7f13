package dev.tresor.keys.bench;

import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.SelectionPolicy;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.cache.CachingKeyStorage;
import dev.tresor.keys.jdbc.JdbcKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.repository.StoredKeyRepository;
import dev.tresor.keys.spi.KeyStorage;

/**
 * Bulk import and recipient-certificate lookups at scale, on H2 or PostgreSQL. See the README ("Benchmarks") for
 * the command. Arguments: {@code h2|postgres certificates tenants [directory]}.
 *
 * <p>Each tenant holds {@code certificates / tenants} partner certificates; partner addresses are shared between
 * tenants (every address is held by about ten tenants), so each lookup must pick its tenant's certificate out of
 * several for the same address. Only the repository calls are timed; making the certificates is not.
 *
 * <ul>
 *     <li>import: {@code CertificateVault.addAll} per tenant, 100 certificates a call;</li>
 *     <li>cold: a freshly opened storage (empty database page cache, no Tresor cache), each (tenant, address) asked
 *     once;</li>
 *     <li>warm: the same pairs asked again with the database warm and no Tresor cache;</li>
 *     <li>cached: the same pairs through {@link CachingKeyStorage} (TTL 30 s), second pass.</li>
 * </ul>
 */
public final class KeyRepositoryBenchmark {
    private static final int LOOKUPS = 20_000;
    private static final int ADDRESSES_PER_SHARE = 10;

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "h2";
        int certificates = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int tenants = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        Path directory = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("tresor-bench");
        int perTenant = certificates / tenants;
        int distinctAddresses = Math.max(1, certificates / ADDRESSES_PER_SHARE);
        System.out.printf("backend=%s certificates=%,d tenants=%,d per tenant=%d distinct addresses=%,d directory=%s%n",
            backend, certificates, tenants, perTenant, distinctAddresses, directory);

        FileMasterKey masterKey = FileMasterKey.loadOrCreate(directory.resolve("master.key"));
        CertificateMaker maker = new CertificateMaker();

        long importNanos = 0;
        int imported = 0;
        try (JdbcKeyStorage storage = open(backend, directory)) {
            KeyRepository repository = repository(storage, masterKey, Duration.ZERO);
            ExecutorService makers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
            for (int t = 0; t < tenants; t++) {
                repository.tenants().create(tenant(t));
            }
            Future<List<List<X509Certificate>>> next = makers.submit(() -> maker.make(0, perTenant, distinctAddresses));
            for (int t = 0; t < tenants; t++) {
                List<List<X509Certificate>> chains = next.get();
                int following = t + 1;
                if (following < tenants) {
                    next = makers.submit(() -> maker.make(following, perTenant, distinctAddresses));
                }
                long start = System.nanoTime();
                imported += repository.certificates().addAll(tenant(t), chains, Origin.IMPORTED);
                importNanos += System.nanoTime() - start;
                if ((t + 1) % Math.max(1, tenants / 20) == 0) {
                    System.out.printf("  imported %,d certificates, %,.0f/s%n", imported, imported / (importNanos / 1e9));
                }
            }
            makers.shutdown();
        }
        System.out.printf("import: %,d certificates in %.1f s of repository time = %,.0f certificates/s%n",
            imported, importNanos / 1e9, imported / (importNanos / 1e9));

        List<int[]> pairs = lookupPairs(tenants, perTenant, distinctAddresses);
        try (JdbcKeyStorage storage = open(backend, directory)) {
            KeyRepository uncached = repository(storage, masterKey, Duration.ZERO);
            report("cold (fresh storage, no cache)", lookups(uncached, pairs));
            report("warm (database warm, no cache)", lookups(uncached, pairs));
            KeyRepository cached = repository(storage, masterKey, CachingKeyStorage.DEFAULT_TTL);
            lookups(cached, pairs);
            report("cached (Tresor cache, 2nd pass)", lookups(cached, pairs));
        }
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("heap used after GC: %,d MiB; database on disk: %,d MiB%n", heap >> 20, sizeOf(directory) >> 20);
    }

    private static JdbcKeyStorage open(String backend, Path directory) {
        if (backend.equals("postgres")) {
            return JdbcKeyStorage.postgres(System.getProperty("tresor.bench.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test"),
                System.getProperty("tresor.bench.postgres.user", "postgres"), "");
        }
        return JdbcKeyStorage.h2(directory.resolve("keys"));
    }

    private static KeyRepository repository(JdbcKeyStorage storage, FileMasterKey masterKey, Duration cacheTtl) {
        KeyStorage front = CachingKeyStorage.wrap(storage, cacheTtl);
        return StoredKeyRepository.create(front, KeyProtection.create(masterKey, storage.tenantKeyStore()), Clock.systemUTC());
    }

    /** Random (tenant, address index) pairs where the tenant holds a certificate for the address. */
    private static List<int[]> lookupPairs(int tenants, int perTenant, int distinctAddresses) {
        Random random = new Random(42);
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < LOOKUPS; i++) {
            int tenant = random.nextInt(tenants);
            int slot = random.nextInt(perTenant);
            pairs.add(new int[] {tenant, CertificateMaker.addressIndex(tenant, slot, distinctAddresses)});
        }
        return pairs;
    }

    private static long[] lookups(KeyRepository repository, List<int[]> pairs) {
        long[] nanos = new long[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            int[] pair = pairs.get(i);
            EmailAddress address = EmailAddress.of(CertificateMaker.address(pair[1]));
            long start = System.nanoTime();
            int found = repository.certificates().encryptionCertificates(tenant(pair[0]), address, SelectionPolicy.NEWEST).size();
            nanos[i] = System.nanoTime() - start;
            if (found != 1) {
                throw new IllegalStateException("Lookup " + i + " found " + found + " certificates for " + address + " in " + tenant(pair[0]));
            }
        }
        return nanos;
    }

    private static void report(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("lookup %-34s n=%,d p50=%.3f ms p99=%.3f ms max=%.3f ms%n", label, sorted.length,
            sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.99)] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private static TenantId tenant(int index) {
        return TenantId.of("tenant-" + index);
    }

    private static long sizeOf(Path directory) throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    /** EC certificates signed by an Ed25519 CA with Bouncy Castle's fast Ed25519, one e-mail address each. */
    static final class CertificateMaker {
        private final BouncyCastleProvider provider = new BouncyCastleProvider();
        private final KeyPair caKeys;
        private final KeyPair subjectKeys;
        private final X500Principal caName = new X500Principal("CN=Benchmark CA");

        CertificateMaker() throws Exception {
            caKeys = KeyPairGenerator.getInstance("Ed25519", provider).generateKeyPair();
            // one EC P-256 subject key for all: an encryption certificate needs a key-agreement (or RSA) key
            KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
            ec.initialize(256);
            subjectKeys = ec.generateKeyPair();
        }

        static int addressIndex(int tenant, int slot, int distinctAddresses) {
            return (int) ((tenant * 7919L + slot * 104729L) % distinctAddresses);
        }

        static String address(int index) {
            return "partner" + index + "@org" + (index % 997) + ".example";
        }

        List<List<X509Certificate>> make(int tenant, int count, int distinctAddresses) throws Exception {
            ContentSigner signer = new JcaContentSignerBuilder("Ed25519").setProvider(provider).build(caKeys.getPrivate());
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            Instant now = Instant.now();
            List<List<X509Certificate>> chains = new ArrayList<>(count);
            for (int slot = 0; slot < count; slot++) {
                String address = address(addressIndex(tenant, slot, distinctAddresses));
                JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caName,
                    BigInteger.valueOf(tenant).shiftLeft(20).add(BigInteger.valueOf(slot)),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))),
                    new X500Principal("CN=" + address), subjectKeys.getPublic());
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
                builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.rfc822Name, address)));
                chains.add(List.of(converter.getCertificate(builder.build(signer))));
            }
            return chains;
        }
    }
}
