package dev.tresor.pgp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A mail with a 25 MB attachment signs, encrypts, decrypts and verifies with OpenPGP in a JVM limited to 256 MiB of heap. */
class LargePgpMailTest {
    @Test
    void aTwentyFiveMegabyteAttachmentShouldRoundTripIn256MegabytesOfHeap() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-cp", classPath, LargePgpMailRoundTrip.class.getName(), Integer.toString(25 * 1024 * 1024)))
            .redirectErrorStream(true)
            .start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);

        assertThat(process.exitValue()).as(text).isZero();
        assertThat(text).contains("round trip ok: 26214400 bytes, heap limit");
    }
}
