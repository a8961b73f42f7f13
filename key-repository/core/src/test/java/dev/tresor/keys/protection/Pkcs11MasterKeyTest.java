package dev.tresor.keys.protection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Pkcs11MasterKey} against a real SoftHSM2 token; each scenario runs in a child JVM (see {@link SoftHsm}). */
class Pkcs11MasterKeyTest {
    @TempDir
    static Path directory;

    private static SoftHsm softHsm;

    @BeforeAll
    static void initialiseToken() throws Exception {
        softHsm = SoftHsm.initialiseToken(directory);
    }

    @Test
    void openShouldGenerateAnUnextractableKeyInTheTokenAndWrapWithAesGcmThere() throws Exception {
        assertPasses("wrapAndUnwrapInsideTheToken");
    }

    @Test
    void aKeyWrappedInOneProcessShouldUnwrapInTheNextUsingTheKeyStoredInTheToken() throws Exception {
        Path exchange = Files.createDirectory(directory.resolve("exchange"));

        assertPasses("wrapToFile", exchange.toString());
        assertPasses("unwrapFromFile", exchange.toString());
    }

    @Test
    void rotatingFromAFileMasterKeyToThePkcs11KeyShouldKeepEveryPrivateKeyReadable() throws Exception {
        Path conf = Files.createDirectory(directory.resolve("conf"));

        assertPasses("rotateFromFileMasterKeyToPkcs11", conf.toString());
    }

    @Test
    void aWrongPinShouldBeReportedAsALoginFailure() throws Exception {
        assertPasses("wrongPin");
    }

    @Test
    void aSlotWithoutTokenShouldBeNamed() throws Exception {
        assertPasses("unknownSlot");
    }

    @Test
    void aMissingLibraryShouldBeNamedWithoutLoadingAnything() {
        Path missing = directory.resolve("libnothere.so");

        assertThatThrownBy(() -> Pkcs11MasterKey.open(missing, softHsm.slot(), SoftHsm.PIN.toCharArray(), "k"))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessage("PKCS#11 library " + missing + " does not exist or is not a file; install the HSM's PKCS#11 "
                + "module or correct the path");
    }

    @Test
    void anUnusableKeyLabelShouldBeRefusedBeforeTouchingTheToken() {
        assertThatThrownBy(() -> Pkcs11MasterKey.open(softHsm.library(), softHsm.slot(),
            SoftHsm.PIN.toCharArray(), " "))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("PKCS#11 key label ' ' is not usable");
    }

    private void assertPasses(String scenario, String... arguments) throws Exception {
        String[] all = new String[3 + arguments.length];
        all[0] = scenario;
        all[1] = softHsm.library().toString();
        all[2] = Long.toString(softHsm.slot());
        System.arraycopy(arguments, 0, all, 3, arguments.length);

        SoftHsm.ProcessResult result = softHsm.runJava(Pkcs11Scenarios.class, all);

        assertThat(result.exitCode).as("scenario %s: %s", scenario, result).isZero();
        assertThat(result.output).as("scenario %s: %s", scenario, result).contains(Pkcs11Scenarios.PASSED);
    }
}
