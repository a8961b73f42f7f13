package dev.tresor.keys.protection;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.TenantId;

class ProtectedKeyTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final byte[] CONTEXT = "sha256:4f1c0a9e".getBytes(US_ASCII);

    private final KeyProtection protection =
        KeyProtection.create(TestMasterKeys.random(), MemoryTenantKeyStore.create());

    @Test
    void toBytesShouldFollowTheDocumentedLayout() {
        byte[] privateKey = TestMasterKeys.randomBytes(1000);
        protection.rotateTenantKey(ACME);
        protection.rotateTenantKey(ACME);

        byte[] stored = protection.protect(ACME, privateKey, CONTEXT).toBytes();

        assertThat(stored).hasSize(1 + 4 + 12 + 48 + 12 + 1000 + 16);
        assertThat(Arrays.copyOf(stored, 5)).containsExactly(0x01, 0, 0, 0, 2);
        assertThat(ProtectedKey.fromBytes(stored).tenantKeyVersion()).isEqualTo(2);
    }

    @Test
    void fromBytesShouldGiveBackAnEqualProtectedKey() {
        ProtectedKey protectedKey = protection.protect(ACME, TestMasterKeys.randomBytes(100), CONTEXT);

        ProtectedKey reloaded = ProtectedKey.fromBytes(protectedKey.toBytes());

        assertThat(reloaded).isEqualTo(protectedKey).hasSameHashCodeAs(protectedKey);
    }

    @Test
    void aProtectedKeyShouldNotChangeWhenTheArraysItWasMadeFromOrGaveOutChange() {
        byte[] stored = protection.protect(ACME, TestMasterKeys.randomBytes(100), CONTEXT).toBytes();
        byte[] original = stored.clone();
        ProtectedKey protectedKey = ProtectedKey.fromBytes(stored);

        stored[7] ^= 1;
        protectedKey.toBytes()[8] ^= 1;

        assertThat(protectedKey.toBytes()).isEqualTo(original);
    }

    @Test
    void fromBytesShouldRejectEveryTruncatedLength() {
        byte[] stored = protection.protect(ACME, TestMasterKeys.randomBytes(1), CONTEXT).toBytes();

        for (int length = 0; length < stored.length; length++) {
            byte[] truncated = Arrays.copyOf(stored, length);
            assertThatThrownBy(() -> ProtectedKey.fromBytes(truncated))
                .isInstanceOf(KeyProtectionException.class)
                .hasMessageContaining("truncated: " + length + " bytes, at least 94 expected");
        }
    }

    @Test
    void fromBytesShouldRejectAnUnknownFormatVersion() {
        byte[] stored = protection.protect(ACME, TestMasterKeys.randomBytes(100), CONTEXT).toBytes();
        stored[0] = 0x02;

        assertThatThrownBy(() -> ProtectedKey.fromBytes(stored))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("unsupported format version 0x02");
    }

    @Test
    void fromBytesShouldRejectTenantKeyVersionZeroAndThoseAboveTheIntRange() {
        byte[] versionZero = protection.protect(ACME, TestMasterKeys.randomBytes(100), CONTEXT).toBytes();
        Arrays.fill(versionZero, 1, 5, (byte) 0);
        byte[] versionTooLarge = versionZero.clone();
        Arrays.fill(versionTooLarge, 1, 5, (byte) 0xff);

        assertThatThrownBy(() -> ProtectedKey.fromBytes(versionZero))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("tenant key version 0");
        assertThatThrownBy(() -> ProtectedKey.fromBytes(versionTooLarge))
            .isInstanceOf(KeyProtectionException.class)
            .hasMessageContaining("tenant key version 4294967295");
    }

    @Test
    void randomGarbageShouldOnlyEverBeRejectedWithKeyProtectionException() {
        Random random = new Random(20250301L);
        protection.protect(ACME, TestMasterKeys.randomBytes(10), CONTEXT);
        int rejected = 0;
        int parsedThenRefused = 0;

        for (int i = 0; i < 5000; i++) {
            byte[] garbage = new byte[random.nextInt(300)];
            random.nextBytes(garbage);
            if (garbage.length > 4 && i % 2 == 0) {
                // Get past the version checks half of the time, into the cryptography.
                garbage[0] = 0x01;
                garbage[1] = 0;
                garbage[2] = 0;
                garbage[3] = 0;
                garbage[4] = (byte) (1 + random.nextInt(2));
            }
            try {
                ProtectedKey parsed = ProtectedKey.fromBytes(garbage);
                try {
                    protection.unprotect(ACME, parsed, CONTEXT);
                } catch (KeyProtectionException expected) {
                    parsedThenRefused++;
                }
            } catch (KeyProtectionException expected) {
                rejected++;
            }
        }

        assertThat(rejected + parsedThenRefused).isEqualTo(5000);
        assertThat(parsedThenRefused).isPositive();
    }

    @Test
    void toStringShouldDescribeTheKeyWithoutItsBytes() {
        ProtectedKey protectedKey = protection.protect(ACME, TestMasterKeys.randomBytes(100), CONTEXT);

        assertThat(protectedKey).hasToString("ProtectedKey[format 1, tenant key v1, 193 bytes]");
    }
}
