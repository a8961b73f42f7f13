package dev.tresor.keys.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.Refusals;

/**
 * {@link Pkcs12#read}, what a PKCS#12 upload goes through, with the password of the seeds (files written by openssl
 * and by {@link Pkcs12#write}): any bytes yield keys with their chains or a {@link KeyMaterialException} that says what
 * is wrong, in bounded time. What it accepts is whole: each key has its certificate first in its chain. (Writing it
 * again is left to {@code Pkcs12Test}: 100,000 PBKDF2 iterations per accepted input would starve the fuzzer.)
 */
class Pkcs12FuzzTest {
    private static final char[] PASSWORD = "fuzz".toCharArray();

    @FuzzTest(maxDuration = "10m")
    void anyFileShouldGiveKeysOrAClearRefusal(byte[] input) {
        List<KeyAndChain> entries;
        try {
            entries = Pkcs12.read(input, PASSWORD);
        } catch (KeyMaterialException e) {
            Refusals.assertClear(e);
            return;
        }
        for (KeyAndChain entry : entries) {
            assertThat(entry.privateKey()).isNotNull();
            assertThat(entry.chain()).isNotEmpty().startsWith(entry.certificate());
        }
    }
}
