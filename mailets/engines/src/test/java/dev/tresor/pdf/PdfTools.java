package dev.tresor.pdf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs qpdf and poppler's tools on a PDF, keeping the exit status: some tests expect them to fail. */
public final class PdfTools {
    /** What a tool did: its exit status and its standard output and error together. */
    public static final class Outcome {
        public final int exitCode;
        public final String output;

        Outcome(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + exitCode + ": " + output;
        }
    }

    private PdfTools() {
    }

    public static Outcome run(Path directory, String... command) {
        try {
            Path output = Files.createTempFile(directory, "tool", ".txt");
            Process process = new ProcessBuilder(List.of(command)).directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            return new Outcome(process.exitValue(), text);
        } catch (IOException e) {
            throw new AssertionError("Cannot run " + command[0] + " (apt-get install qpdf poppler-utils)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted running " + command[0], e);
        }
    }

    /** Runs the tool and fails the test with its output unless it succeeds. */
    public static String succeed(Path directory, String... command) {
        Outcome outcome = run(directory, command);
        if (outcome.exitCode != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + outcome);
        }
        return outcome.output;
    }
}
