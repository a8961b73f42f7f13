package dev.tresor.keys.ca;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs openssl or gpg as an admin would, and returns the exit code with what the tool printed (standard output and
 * error together), so that a test can assert on a refusal as well as on a success.
 */
final class Tool {
    private static final long TIMEOUT_SECONDS = 120;

    final int exitCode;
    final String output;

    private Tool(int exitCode, String output) {
        this.exitCode = exitCode;
        this.output = output;
    }

    static Tool run(Path directory, String... command) {
        try {
            Path output = Files.createTempFile(directory, "output", ".txt");
            Process process = new ProcessBuilder(List.of(command)).directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            return new Tool(process.exitValue(), text);
        } catch (IOException e) {
            throw new AssertionError("Cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted running " + command[0], e);
        }
    }

    /** Runs the command and fails the test, with the tool's own words, unless it succeeds. */
    static String succeed(Path directory, String... command) {
        Tool result = run(directory, command);
        if (result.exitCode != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (" + result.exitCode + "): " + result.output);
        }
        return result.output;
    }
}
