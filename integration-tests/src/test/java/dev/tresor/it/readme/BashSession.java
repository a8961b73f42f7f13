package dev.tresor.it.readme;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One bash, like a user's terminal: variables, functions, {@code cd} and {@code export} of one block stay for the
 * next. Runs with {@code set -euo pipefail}, so the first failing command ends the session, and the block that was
 * running is the one that failed. Each block is written to a file and sourced, its output (stdout and stderr) going to
 * a file of its own; its standard input is {@code /dev/null}.
 */
final class BashSession implements AutoCloseable {
    private static final String DONE = "@@readme-block-done ";

    private final Process bash;
    private final Writer commands;
    private final BlockingQueue<String> doneLines = new LinkedBlockingQueue<>();
    private final Path directory;

    BashSession(Path workingDirectory, Map<String, String> environment, Path directory) throws IOException {
        this.directory = directory;
        ProcessBuilder builder = new ProcessBuilder("bash", "--noprofile", "--norc")
            .directory(workingDirectory.toFile())
            .redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        bash = builder.start();
        commands = new java.io.OutputStreamWriter(bash.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(this::collectDoneLines, "readme-bash-reader");
        reader.setDaemon(true);
        reader.start();
        send("set -euo pipefail\n");
    }

    /** What became of one block. */
    static final class Outcome {
        final boolean completed;
        final String description;
        final String output;

        Outcome(boolean completed, String description, String output) {
            this.completed = completed;
            this.description = description;
            this.output = output;
        }
    }

    Outcome run(int number, String script, Duration timeout) throws IOException, InterruptedException {
        Path file = directory.resolve(String.format("block-%02d.sh", number));
        Path output = directory.resolve(String.format("block-%02d.out", number));
        Files.writeString(file, script, StandardCharsets.UTF_8);
        send("{ . " + quoted(file) + "; } > " + quoted(output) + " 2>&1 < /dev/null\n"
            + "printf '\\n" + DONE + number + "\\n'\n");
        String done = doneLines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String text = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        if (done != null && done.equals(DONE + number)) {
            return new Outcome(true, "completed", text);
        }
        if (done == null && bash.isAlive()) {
            close();
            return new Outcome(false, "still running after " + timeout.toSeconds() + " s (killed)", text);
        }
        bash.waitFor(10, TimeUnit.SECONDS);
        return new Outcome(false, "failed: bash exited with status " + bash.exitValue()
            + " (set -euo pipefail: a command failed or a variable was unset)", text);
    }

    @Override
    public void close() {
        bash.descendants().forEach(ProcessHandle::destroyForcibly);
        bash.destroyForcibly();
    }

    private void send(String text) throws IOException {
        commands.write(text);
        commands.flush();
    }

    private void collectDoneLines() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(bash.getInputStream(),
            StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith(DONE)) {
                    doneLines.add(line);
                }
            }
        } catch (IOException e) {
            // the session ended; run() reports how
        }
        doneLines.add("exited");
    }

    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
