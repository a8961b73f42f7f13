package dev.tresor.pdf;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.smime.SmimeFixtures;

/** A mail with a 25 MB attachment becomes a PDF in a JVM limited to 256 MiB of heap, the attachment intact. */
class LargePdfWrapTest {
    private static final int SIZE = 25 * 1024 * 1024;

    @TempDir
    Path directory;

    @Test
    void aTwentyFiveMegabyteAttachmentShouldWrapIn256MegabytesOfHeap() throws Exception {
        Path pdf = directory.resolve("large.pdf");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-Djava.io.tmpdir=" + directory, "-cp", classPath, LargePdfWrap.class.getName(), Integer.toString(SIZE), pdf.toString()))
            .redirectErrorStream(true)
            .start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        assertThat(text).contains("wrapped: " + SIZE + " bytes in 1 attachment");

        Path out = Files.createDirectory(directory.resolve("out"));
        PdfTools.succeed(directory, "pdfdetach", "-saveall", "-upw", "large", "-o", out.toString(), pdf.toString());
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        assertThat(sha256.digest(Files.readAllBytes(out.resolve("report.bin"))))
            .isEqualTo(MessageDigest.getInstance("SHA-256").digest(SmimeFixtures.randomBytes(SIZE, 25)));
        try (var left = Files.list(directory)) {
            assertThat(left.filter(file -> file.getFileName().toString().startsWith("PDFBox"))).as("scratch files removed").isEmpty();
        }
    }
}
