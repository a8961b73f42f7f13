package dev.tresor.pgp;

import org.bouncycastle.openpgp.PGPPublicKey;

import dev.tresor.keys.Hex;

/** Keys named in messages the way gpg prints them: upper-case hex fingerprint. */
final class PgpKeyNames {
    private PgpKeyNames() {
    }

    static String describe(PGPPublicKey key) {
        return Hex.encodeUpperCase(key.getFingerprint());
    }

    static String keyId(long keyId) {
        return String.format("%016X", keyId);
    }
}
