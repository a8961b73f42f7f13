package dev.tresor.keys.protection;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/** Real master keys for tests, without touching the process environment or the file system. */
final class TestMasterKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestMasterKeys() {
    }

    static MasterKey random() {
        return withKey(randomBytes(32));
    }

    static MasterKey withKey(byte[] key) {
        return EnvironmentMasterKey.from("TRESOR_MASTER_KEY",
            Map.of("TRESOR_MASTER_KEY", Base64.getEncoder().encodeToString(key)));
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
