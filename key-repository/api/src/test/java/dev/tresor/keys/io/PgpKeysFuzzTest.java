package dev.tresor.keys.io;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.Refusals;

/**
 * {@link PgpKeys}, what OpenPGP key uploads and Autocrypt harvesting go through, armored or binary: any bytes yield
 * public keys, or secret keys unlocked with the seeds' passphrase, or a {@link KeyMaterialException} that says what is
 * wrong, in bounded time.
 */
class PgpKeysFuzzTest {
    private static final char[] PASSPHRASE = "fuzz".toCharArray();

    @FuzzTest(maxDuration = "10m")
    void anyInputShouldGiveKeysOrAClearRefusal(byte[] input) {
        try {
            for (PgpPublicKeyInfo key : PgpKeys.readPublicKeys(input)) {
                PgpKeys.readPublicKeys(PgpKeys.armor(key));
            }
        } catch (KeyMaterialException e) {
            Refusals.assertClear(e);
        }
        try {
            PgpKeys.readSecretKeys(input, PASSPHRASE);
        } catch (KeyMaterialException e) {
            Refusals.assertClear(e);
        }
    }
}
