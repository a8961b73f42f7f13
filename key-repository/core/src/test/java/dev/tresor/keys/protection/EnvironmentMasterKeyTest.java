package dev.tresor.keys.protection;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentMasterKeyTest {
    private static final String VARIABLE = "TRESOR_MASTER_KEY";
    private static final byte[] ASSOCIATED_DATA = "tenant acme v1".getBytes(US_ASCII);

    @Test
    void aMasterKeyFromTheEnvironmentShouldUnwrapWhatItWrapped() {
        EnvironmentMasterKey masterKey = EnvironmentMasterKey.from(VARIABLE, Map.of(VARIABLE, randomKeyBase64()));
        byte[] tenantKey = TestMasterKeys.randomBytes(32);

        byte[] unwrapped = masterKey.unwrap(masterKey.wrap(tenantKey, ASSOCIATED_DATA), ASSOCIATED_DATA);

        assertThat(unwrapped).isEqualTo(tenantKey);
    }

    @Test
    void theSameKeyShouldHaveTheSameIdInTheEnvironmentAsInAFileAndUnwrapItsWraps(@TempDir Path directory)
        throws IOException {
        String key = randomKeyBase64();
        Path file = Files.createFile(directory.resolve("master.key"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, ("tresor-master-key v1 " + key + "\n").getBytes(US_ASCII));
        FileMasterKey fromFile = FileMasterKey.loadOrCreate(file);
        byte[] tenantKey = TestMasterKeys.randomBytes(32);
        byte[] wrappedByFile = fromFile.wrap(tenantKey, ASSOCIATED_DATA);

        EnvironmentMasterKey fromEnvironment = EnvironmentMasterKey.from(VARIABLE, Map.of(VARIABLE, key));

        assertThat(fromEnvironment.id()).isEqualTo(fromFile.id());
        assertThat(fromEnvironment.unwrap(wrappedByFile, ASSOCIATED_DATA)).isEqualTo(tenantKey);
    }

    @Test
    void differentKeysShouldHaveDifferentIds() {
        EnvironmentMasterKey first = EnvironmentMasterKey.from(VARIABLE, Map.of(VARIABLE, randomKeyBase64()));
        EnvironmentMasterKey second = EnvironmentMasterKey.from(VARIABLE, Map.of(VARIABLE, randomKeyBase64()));

        assertThat(first.id()).isNotEqualTo(second.id());
    }

    @Test
    void surroundingWhitespaceSuchAsATrailingNewlineShouldBeIgnored() {
        String key = randomKeyBase64();

        EnvironmentMasterKey masterKey = EnvironmentMasterKey.from(VARIABLE, Map.of(VARIABLE, " " + key + "\n"));

        assertThat(masterKey.id()).isEqualTo(EnvironmentMasterKey.from(VARIABLE, Map.of(VARIABLE, key)).id());
    }

    @Test
    void aMissingVariableShouldBeNamedWithHowToSetIt() {
        assertThatThrownBy(() -> EnvironmentMasterKey.from(VARIABLE, Map.of()))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessage("Environment variable TRESOR_MASTER_KEY is not set; set it to the base64 of 32 random bytes, "
                + "e.g. TRESOR_MASTER_KEY=$(openssl rand -base64 32)");
    }

    @Test
    void anEmptyVariableShouldBeRefused() {
        assertThatThrownBy(() -> EnvironmentMasterKey.from(VARIABLE, Map.of(VARIABLE, "  ")))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageStartingWith("Environment variable TRESOR_MASTER_KEY is empty");
    }

    @Test
    void badBase64ShouldBeRefusedWithoutQuotingTheValue() {
        String value = "c2VjcmV0LWJ1dC1ub3QtYmFzZTY0!!";

        assertThatThrownBy(() -> EnvironmentMasterKey.from(VARIABLE, Map.of(VARIABLE, value)))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageStartingWith("Environment variable TRESOR_MASTER_KEY is not valid base64")
            .hasNoCause()
            .message().doesNotContain("c2VjcmV0").doesNotContain("!");
    }

    @Test
    void aShortKeyShouldBeRefusedWithItsLength() {
        String shortKey = Base64.getEncoder().encodeToString(TestMasterKeys.randomBytes(16));

        assertThatThrownBy(() -> EnvironmentMasterKey.from(VARIABLE, Map.of(VARIABLE, shortKey)))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageStartingWith("Environment variable TRESOR_MASTER_KEY decodes to 16 bytes; a Tresor master key "
                + "is 32 bytes (AES-256)");
    }

    @Test
    void fromShouldReadTheProcessEnvironment() {
        String unsetVariable = "TRESOR_TEST_UNSET_" + System.nanoTime();

        assertThatThrownBy(() -> EnvironmentMasterKey.from(unsetVariable))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining(unsetVariable + " is not set");
    }

    @Test
    void toStringShouldNameTheVariableAndIdOnly() {
        String key = randomKeyBase64();

        EnvironmentMasterKey masterKey = EnvironmentMasterKey.from(VARIABLE, Map.of(VARIABLE, key));

        assertThat(masterKey).hasToString("EnvironmentMasterKey[$TRESOR_MASTER_KEY, id " + masterKey.id() + "]");
    }

    private static String randomKeyBase64() {
        return Base64.getEncoder().encodeToString(TestMasterKeys.randomBytes(32));
    }
}
