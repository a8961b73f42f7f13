package dev.tresor.keys.protection;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A SoftHSM2 token in a temporary directory, and a way to run code against it. SoftHSM2 finds its configuration
 * through the {@code SOFTHSM2_CONF} environment variable, read by the native library when it loads, and a running
 * JVM cannot set its own environment: so the code using the token runs in a child JVM started with that variable.
 * Without SoftHSM2 installed this fails, never skips: CI installs the {@code softhsm2} package.
 */
final class SoftHsm {
    static final String PIN = "1234";
    private static final String SO_PIN = "5678";
    private static final String TOKEN_LABEL = "tresor";
    private static final List<String> LIBRARY_LOCATIONS = List.of(
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib64/pkcs11/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
        "/opt/homebrew/lib/softhsm/libsofthsm2.so");
    private static final Pattern ASSIGNED_SLOT = Pattern.compile("reassigned to slot (\\d+)");

    private final Path configuration;
    private final Path library;
    private final long slot;

    private SoftHsm(Path configuration, Path library, long slot) {
        this.configuration = configuration;
        this.library = library;
        this.slot = slot;
    }

    /** Initialises a token labelled "tresor" with user PIN 1234 in a new token directory under {@code directory}. */
    static SoftHsm initialiseToken(Path directory) throws IOException, InterruptedException {
        Path library = findLibrary();
        Path tokens = Files.createDirectories(directory.resolve("tokens"));
        Path configuration = directory.resolve("softhsm2.conf");
        Files.write(configuration, ("directories.tokendir = " + tokens + "\n"
            + "objectstore.backend = file\n"
            + "log.level = ERROR\n").getBytes(UTF_8));
        ProcessResult init = run(configuration, List.of("softhsm2-util", "--init-token", "--free",
            "--label", TOKEN_LABEL, "--pin", PIN, "--so-pin", SO_PIN));
        Matcher slot = ASSIGNED_SLOT.matcher(init.output);
        if (init.exitCode != 0 || !slot.find()) {
            fail("softhsm2-util could not initialise a token (exit code " + init.exitCode + "):\n" + init.output);
        }
        return new SoftHsm(configuration, library, Long.parseLong(slot.group(1)));
    }

    private static Path findLibrary() {
        Optional<Path> library = LIBRARY_LOCATIONS.stream().map(Path::of).filter(Files::isRegularFile).findFirst();
        if (library.isEmpty()) {
            fail("SoftHSM2 is required for the PKCS#11 tests and was not found in " + LIBRARY_LOCATIONS
                + ": install it (Debian/Ubuntu: apt-get install softhsm2)");
        }
        return library.get();
    }

    Path library() {
        return library;
    }

    long slot() {
        return slot;
    }

    /** Runs {@code mainClass} in a child JVM with this class path and {@code SOFTHSM2_CONF} set. */
    ProcessResult runJava(Class<?> mainClass, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        Stream.of(arguments).forEach(command::add);
        return run(configuration, command);
    }

    private static ProcessResult run(Path configuration, List<String> command)
        throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SOFTHSM2_CONF", configuration.toString());
        Path output = Files.createTempFile("softhsm-run", ".log");
        try {
            Process process;
            try {
                process = builder.redirectOutput(output.toFile()).start();
            } catch (IOException e) {
                return fail("Cannot run " + command.get(0) + " (" + e.getMessage() + "); SoftHSM2 is required for "
                    + "the PKCS#11 tests: install it (Debian/Ubuntu: apt-get install softhsm2)");
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within 120 s");
            }
            return new ProcessResult(process.exitValue(), new String(Files.readAllBytes(output), UTF_8));
        } finally {
            Files.delete(output);
        }
    }

    static final class ProcessResult {
        final int exitCode;
        final String output;

        ProcessResult(int exitCode, String output) {
            this.exitCode = exitCode;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + ", output:\n" + output;
        }
    }
}
