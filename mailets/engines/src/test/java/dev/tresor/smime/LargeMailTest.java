package dev.tresor.smime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A mail with a 25 MB attachment signs, encrypts, decrypts and verifies in a JVM limited to 256 MiB of heap. */
class LargeMailTest {
    @ParameterizedTest
    @CsvSource({"AES256_CBC, DETACHED", "AES256_GCM, DETACHED", "AES256_CBC, OPAQUE"})
    void aTwentyFiveMegabyteAttachmentShouldRoundTripIn256MegabytesOfHeap(EncryptionOptions.ContentCipher cipher,
                                                                       SigningOptions.Format format) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-cp", classPath, LargeMailRoundTrip.class.getName(), Integer.toString(25 * 1024 * 1024), cipher.name(),
            format.name()))
            .redirectErrorStream(true)
            .start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(text).isZero();
        assertThat(text).contains("round trip ok: 26214400 bytes, " + cipher + ", " + format + ", heap limit");
    }
}
