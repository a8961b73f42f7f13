package dev.tresor.keys.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs openssl or gpg the way an admin would, failing the test with the tool's own error output when it fails. */
public final class ExternalTool {
    private static final long TIMEOUT_SECONDS = 120;

    private ExternalTool() {
    }

    public static byte[] run(Path directory, String... command) {
        return run(directory, Map.of(), command);
    }

    public static byte[] run(Path directory, Map<String, String> environment, String... command) {
        return run(directory, environment, false, command);
    }

    private static byte[] run(Path directory, Map<String, String> environment, boolean mergeErrors, String... command) {
        try {
            Path stdout = Files.createTempFile(directory, "stdout", ".bin");
            Path stderr = Files.createTempFile(directory, "stderr", ".txt");
            ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .redirectErrorStream(mergeErrors);
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            byte[] output = Files.readAllBytes(stdout);
            String errors = Files.readString(stderr, StandardCharsets.UTF_8);
            Files.delete(stdout);
            Files.delete(stderr);
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (" + process.exitValue() + "): " + errors);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("Cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted running " + command[0], e);
        }
    }

    public static String runForText(Path directory, String... command) {
        return new String(run(directory, command), StandardCharsets.UTF_8);
    }

    /** Standard output and standard error together, for tools such as {@code openssl pkcs12 -info} that report on both. */
    public static String runForAllText(Path directory, String... command) {
        return new String(run(directory, Map.of(), true, command), StandardCharsets.UTF_8);
    }
}
