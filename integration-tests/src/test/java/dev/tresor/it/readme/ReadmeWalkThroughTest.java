package dev.tresor.it.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tresor.it.readme.ReadmeBlocks.Block;
import dev.tresor.it.readme.ReadmeBlocks.ServerState;

/**
 * The README executed, as a new user would follow it in two terminals.
 *
 * <p>Terminal one: the README's start command. Its build half ({@code mvn ... package -pl james-distribution -am})
 * is what the reactor running this test has just done, so the test runs its server half,
 * {@code james-distribution/target/tresor-server/bin/tresor-server}, from the repository root, on the real ports
 * (25, 465, 587, 143, 993, WebAdmin 127.0.0.1:8000), with {@code TRESOR_DATA} in a fresh temporary directory. When a
 * block is marked {@code <!-- readme: server stopped -->} or {@code running}, the test stops or starts that server, as
 * the README's text asks the user to.
 *
 * <p>Terminal two: one bash with {@code set -euo pipefail}, started at the repository root with a fresh, empty HOME
 * (and {@code TRESOR_DATA} exported as for the server), runs every {@code ```sh} block in order, as written. A block
 * fails the test when a command in it fails, when it runs longer than {@link #BLOCK_TIMEOUT}, or when its output does
 * not match its {@code <!-- readme: expect ... -->} instructions; the failure names the block and shows its output.
 * Blocks marked {@code <!-- readme: skip REASON -->} are not run and are listed in the test's output with the reason.
 * The HOME's {@code .curlrc} holds {@code fail-with-body}: a WebAdmin call the README shows answering an error then
 * fails its block, instead of printing the error and going on.
 *
 * <p>Transcripts: {@code integration-tests/target/readme/} (each block, its output, the server logs).
 */
class ReadmeWalkThroughTest {
    private static final Duration BLOCK_TIMEOUT = Duration.ofSeconds(90);

    private ShippedServer server;
    private Path user;

    @AfterEach
    void stopTheServerAndTheUsersGpgAgents() throws Exception {
        if (server != null) {
            server.stop();
        }
        if (user != null) {
            stopGpgAgents(user);
            deleteRecursively(user);
        }
    }

    @Test
    void everyShellBlockOfTheReadmeRunsAsWrittenAgainstTheShippedServer() throws Exception {
        // given the README, the assembled distribution and a clean user environment
        Path repository = Path.of(System.getProperty("tresor.repository.directory", "..")).toAbsolutePath().normalize();
        List<Block> blocks = ReadmeBlocks.parse(Files.readString(repository.resolve("README.md"), StandardCharsets.UTF_8));
        Path work = Files.createDirectories(repository.resolve("integration-tests/target/readme"));
        Path transcript = emptied(work.resolve("blocks"));
        // short paths under the system's temporary directory: gpg-agent's socket path has a length limit
        user = Files.createTempDirectory("tresor-readme-");
        Map<String, String> environment = userEnvironment(user);
        server = new ShippedServer(repository, environment, work);
        assertThat(server.script()).as("the assembled distribution (built by the reactor before this module)")
            .isExecutable();

        // when terminal one starts the server and terminal two runs the blocks in order
        server.start();
        List<String> skipped = new ArrayList<>();
        List<String> timings = new ArrayList<>();
        try (BashSession terminal = new BashSession(repository, environment, transcript)) {
            for (Block block : blocks) {
                if (block.skipReason.isPresent()) {
                    skipped.add(block.name() + ": " + block.skipReason.get());
                    continue;
                }
                long started = System.nanoTime();
                setServer(block);
                BashSession.Outcome outcome = terminal.run(block.number, block.script, BLOCK_TIMEOUT);
                timings.add(block.number + ": " + Duration.ofNanos(System.nanoTime() - started).toMillis() / 100 / 10.0
                    + " s");

                // then each block completes and shows what the README says it shows
                if (!outcome.completed) {
                    fail(block.name() + " " + outcome.description + "\n--- block ---\n" + block.script
                        + "--- output ---\n" + outcome.output + "\n--- server ---\n" + server.logTail());
                }
                checkExpectations(block, outcome.output);
            }
        }
        System.out.println("README: " + blocks.size() + " shell blocks, " + (blocks.size() - skipped.size())
            + " run (block: seconds, with a server stop or start it asked for) " + timings + ", " + skipped.size()
            + " skipped:\n  " + String.join("\n  ", skipped));
    }

    private void setServer(Block block) throws IOException, InterruptedException {
        if (block.server == ServerState.STOPPED && server.running()) {
            server.stop();
        } else if (block.server == ServerState.RUNNING && !server.running()) {
            server.start();
        }
    }

    private static void checkExpectations(Block block, String output) {
        for (Pattern expected : block.expected) {
            assertThat(expected.matcher(output).find())
                .as("%s: its output should match <!-- readme: expect %s -->\n--- block ---\n%s--- output ---\n%s",
                    block.name(), expected.pattern(), block.script, output)
                .isTrue();
        }
        for (Pattern unexpected : block.unexpected) {
            assertThat(unexpected.matcher(output).find())
                .as("%s: its output should not match <!-- readme: expect-not %s -->\n--- block ---\n%s--- output ---\n%s",
                    block.name(), unexpected.pattern(), block.script, output)
                .isFalse();
        }
    }

    private static Path emptied(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.delete(file);
                }
            }
        }
        return Files.createDirectories(directory);
    }

    /** gpg starts an agent per GNUPGHOME that outlives the shell; the README's blocks make their homes under TMPDIR. */
    private static void stopGpgAgents(Path user) throws IOException, InterruptedException {
        List<Path> homes;
        try (Stream<Path> files = Files.walk(user)) {
            homes = files.filter(file -> file.getFileName().toString().equals("pubring.kbx")).map(Path::getParent)
                .collect(Collectors.toList());
        }
        for (Path home : homes) {
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent").inheritIO().start()
                .waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Best effort: a stopping gpg-agent may still remove its sockets while the walk runs. */
    private static void deleteRecursively(Path directory) {
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            System.out.println("README executor: left " + directory + " behind (" + e.getMessage() + ")");
        }
    }

    private static Map<String, String> userEnvironment(Path user) throws IOException {
        Path home = Files.createDirectories(user.resolve("home"));
        Path data = Files.createDirectories(user.resolve("tresor-data"));
        Path temporary = Files.createDirectories(user.resolve("tmp"));
        Files.writeString(home.resolve(".curlrc"), "# the README executor: an HTTP error fails the block\n"
            + "fail-with-body\n", StandardCharsets.UTF_8);
        Map<String, String> environment = new LinkedHashMap<>();
        Path java = Path.of(System.getProperty("java.home"), "bin");
        environment.put("PATH", java + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        environment.put("HOME", home.toString());
        environment.put("TMPDIR", temporary.toString());
        environment.put("TRESOR_DATA", data.toString());
        environment.put("LANG", "C.UTF-8");
        environment.put("TERM", "dumb");
        return environment;
    }
}
