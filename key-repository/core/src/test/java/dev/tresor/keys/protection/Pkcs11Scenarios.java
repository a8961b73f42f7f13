package dev.tresor.keys.protection;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.tresor.keys.TenantId;

/**
 * What {@link Pkcs11MasterKeyTest} checks against SoftHSM2, run in a child JVM that has {@code SOFTHSM2_CONF} set
 * (see {@link SoftHsm}). Arguments: scenario name, PKCS#11 library, slot id, then the scenario's own. Exits 0 and
 * prints {@value #PASSED} when every assertion held; otherwise prints the failure and exits 1.
 */
public final class Pkcs11Scenarios {
    static final String PASSED = "SCENARIO PASSED";
    private static final char[] PIN = SoftHsm.PIN.toCharArray();
    private static final byte[] ASSOCIATED_DATA = "tenant acme v1".getBytes(US_ASCII);
    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private static final byte[] FINGERPRINT = "sha256:4f1c0a9e".getBytes(US_ASCII);

    private Pkcs11Scenarios() {
    }

    public static void main(String[] arguments) {
        try {
            Path library = Path.of(arguments[1]);
            long slot = Long.parseLong(arguments[2]);
            switch (arguments[0]) {
                case "wrapAndUnwrapInsideTheToken":
                    wrapAndUnwrapInsideTheToken(library, slot);
                    break;
                case "wrapToFile":
                    wrapToFile(library, slot, Path.of(arguments[3]));
                    break;
                case "unwrapFromFile":
                    unwrapFromFile(library, slot, Path.of(arguments[3]));
                    break;
                case "rotateFromFileMasterKeyToPkcs11":
                    rotateFromFileMasterKeyToPkcs11(library, slot, Path.of(arguments[3]));
                    break;
                case "wrongPin":
                    wrongPin(library, slot);
                    break;
                case "unknownSlot":
                    unknownSlot(library);
                    break;
                default:
                    throw new IllegalArgumentException("Unknown scenario " + arguments[0]);
            }
            System.out.println(PASSED);
            System.exit(0);
        } catch (Throwable failure) {
            failure.printStackTrace(System.out);
            System.exit(1);
        }
    }

    private static void wrapAndUnwrapInsideTheToken(Path library, long slot) throws Exception {
        Pkcs11MasterKey masterKey = Pkcs11MasterKey.open(library, slot, PIN, "round-trip");
        byte[] tenantKey = TestMasterKeys.randomBytes(32);

        byte[] first = masterKey.wrap(tenantKey, ASSOCIATED_DATA);
        byte[] second = masterKey.wrap(tenantKey, ASSOCIATED_DATA);

        assertThat(masterKey.id()).isEqualTo("pkcs11:round-trip");
        assertThat(first).hasSize(1 + 12 + 32 + 16).startsWith(0x01).isNotEqualTo(second);
        assertThat(masterKey.unwrap(first, ASSOCIATED_DATA)).isEqualTo(tenantKey);
        assertThat(masterKey.unwrap(second, ASSOCIATED_DATA)).isEqualTo(tenantKey);
        byte[] modified = first.clone();
        modified[30] ^= 1;
        assertThatThrownBy(() -> masterKey.unwrap(modified, ASSOCIATED_DATA))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("Master key 'pkcs11:round-trip' cannot unwrap this key");
        assertThatThrownBy(() -> masterKey.unwrap(first, "tenant acme v2".getBytes(US_ASCII)))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("cannot unwrap");
        assertThat(keyAsTheTokenHandsItOut(library, slot, "round-trip").getEncoded())
            .as("the master key's value as the token hands it out").isNull();
        assertThat(wrapAndUnwrapConcurrently(masterKey, 4, 25)).isEqualTo(100);
    }

    private static Key keyAsTheTokenHandsItOut(Path library, long slot, String label) throws Exception {
        Provider provider = Security.getProvider("SunPKCS11")
            .configure("--name = Inspector\nlibrary = \"" + library + "\"\nslot = " + slot + "\n");
        KeyStore token = KeyStore.getInstance("PKCS11", provider);
        token.load(null, PIN);
        return token.getKey(label, null);
    }

    private static int wrapAndUnwrapConcurrently(MasterKey masterKey, int threads, int roundTrips)
        throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                Callable<Integer> work = () -> {
                    int succeeded = 0;
                    for (int i = 0; i < roundTrips; i++) {
                        byte[] tenantKey = TestMasterKeys.randomBytes(32);
                        byte[] unwrapped = masterKey.unwrap(masterKey.wrap(tenantKey, ASSOCIATED_DATA),
                            ASSOCIATED_DATA);
                        succeeded += Arrays.equals(tenantKey, unwrapped) ? 1 : 0;
                    }
                    return succeeded;
                };
                results.add(executor.submit(work));
            }
            int succeeded = 0;
            for (Future<Integer> result : results) {
                succeeded += result.get(60, TimeUnit.SECONDS);
            }
            return succeeded;
        } finally {
            executor.shutdownNow();
        }
    }

    private static void wrapToFile(Path library, long slot, Path directory) throws Exception {
        Pkcs11MasterKey masterKey = Pkcs11MasterKey.open(library, slot, PIN, "persistent");
        byte[] tenantKey = TestMasterKeys.randomBytes(32);

        Files.write(directory.resolve("tenant.key"), tenantKey);
        Files.write(directory.resolve("tenant.key.wrapped"), masterKey.wrap(tenantKey, ASSOCIATED_DATA));
    }

    private static void unwrapFromFile(Path library, long slot, Path directory) throws Exception {
        Pkcs11MasterKey masterKey = Pkcs11MasterKey.open(library, slot, PIN, "persistent");

        byte[] unwrapped = masterKey.unwrap(Files.readAllBytes(directory.resolve("tenant.key.wrapped")),
            ASSOCIATED_DATA);

        assertThat(unwrapped).isEqualTo(Files.readAllBytes(directory.resolve("tenant.key")));
    }

    private static void rotateFromFileMasterKeyToPkcs11(Path library, long slot, Path directory) {
        FileMasterKey fileMasterKey = FileMasterKey.loadOrCreate(directory.resolve("master.key"));
        MemoryTenantKeyStore store = MemoryTenantKeyStore.create();
        KeyProtection protection = KeyProtection.create(fileMasterKey, store);
        byte[] privateKey = TestMasterKeys.randomBytes(1218);
        ProtectedKey acmeFirst = protection.protect(ACME, privateKey, FINGERPRINT);
        protection.rotateTenantKey(ACME);
        ProtectedKey acmeSecond = protection.protect(ACME, privateKey, FINGERPRINT);
        ProtectedKey globex = protection.protect(GLOBEX, privateKey, FINGERPRINT);
        Pkcs11MasterKey hsmMasterKey = Pkcs11MasterKey.open(library, slot, PIN, "tresor-master-2");

        int rewrapped = protection.rotateMasterKey(hsmMasterKey);

        assertThat(rewrapped).isEqualTo(3);
        assertThat(store.all()).extracting(WrappedTenantKey::masterKeyId).containsOnly("pkcs11:tresor-master-2");
        KeyProtection onTheHsm = KeyProtection.create(hsmMasterKey, store);
        assertThat(onTheHsm.unprotect(ACME, acmeFirst, FINGERPRINT)).isEqualTo(privateKey);
        assertThat(onTheHsm.unprotect(ACME, acmeSecond, FINGERPRINT)).isEqualTo(privateKey);
        assertThat(onTheHsm.unprotect(GLOBEX, globex, FINGERPRINT)).isEqualTo(privateKey);
        ProtectedKey afterRotation = onTheHsm.protect(TenantId.of("initech"), privateKey, FINGERPRINT);
        assertThat(onTheHsm.unprotect(TenantId.of("initech"), afterRotation, FINGERPRINT)).isEqualTo(privateKey);
        assertThatThrownBy(() -> KeyProtection.create(fileMasterKey, store).unprotect(ACME, acmeFirst, FINGERPRINT))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("wrapped by master key 'pkcs11:tresor-master-2'");
    }

    private static void wrongPin(Path library, long slot) {
        assertThatThrownBy(() -> Pkcs11MasterKey.open(library, slot, "0000".toCharArray(), "round-trip"))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("PKCS#11 login to slot " + slot)
            .hasMessageContaining("wrong PIN")
            .hasMessageContaining("CKR_PIN_INCORRECT");
    }

    private static void unknownSlot(Path library) {
        assertThatThrownBy(() -> Pkcs11MasterKey.open(library, 987654L, PIN, "round-trip"))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("Cannot use PKCS#11 slot 987654 of " + library)
            .hasMessageContaining("CKR_SLOT_ID_INVALID");
    }
}
