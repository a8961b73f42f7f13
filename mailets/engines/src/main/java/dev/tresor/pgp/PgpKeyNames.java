package dev.tresor.pgp;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.util.encoders.Hex;

/** Keys named in messages the way gpg prints them: upper-case hex fingerprint. */
final class PgpKeyNames {
    private PgpKeyNames() {
    }

    static String describe(PGPPublicKey key) {
        return Hex.toHexString(key.getFingerprint()).toUpperCase(java.util.Locale.ROOT);
    }

    static String keyId(long keyId) {
        return String.format("%016X", keyId);
    }
}
