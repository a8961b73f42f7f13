package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The assembled distribution exactly as {@code mvn package} leaves it ({@code james-distribution/target/tresor-server}:
 * {@code bin/}, {@code conf/}, {@code lib/}), and the drop-in bundle jar, for tests that run what we ship in processes
 * of their own. Integration tests run after {@code james-distribution} is packaged in the same reactor.
 */
final class ShippedDistribution {
    private static final Path DIRECTORY = Path.of(System.getProperty("tresor.distribution.directory",
        "../james-distribution/target/tresor-server")).toAbsolutePath().normalize();
    private static final Path BUNDLE = Path.of(System.getProperty("tresor.bundle.jar",
        "../james-distribution/target/tresor-james-extension/extensions-jars/tresor-james-extension.jar"))
        .toAbsolutePath().normalize();

    private ShippedDistribution() {
    }

    static Path directory() {
        assertThat(DIRECTORY.resolve("lib")).as("the assembled distribution (mvn package -pl james-distribution)")
            .isDirectory();
        return DIRECTORY;
    }

    static Path bundleJar() {
        assertThat(BUNDLE).as("the drop-in bundle jar (mvn package -pl james-distribution)").isRegularFile();
        return BUNDLE;
    }

    static List<Path> jarsIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        }
    }

    /** The outcome of one command of {@code bin/}: exit status, standard output and standard error. */
    static final class Run {
        final int status;
        final String stdout;
        final String stderr;

        private Run(int status, String stdout, String stderr) {
            this.status = status;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }

    /**
     * Runs {@code bin/<command> <arguments>} of the distribution with {@code stdin} as standard input, from
     * {@code workingDirectory}, with {@code environment} added to this JVM's environment.
     */
    static Run run(Path workingDirectory, Map<String, String> environment, Path stdin, String command, String... arguments)
        throws IOException, InterruptedException {
        List<String> commandLine = new ArrayList<>();
        commandLine.add(directory().resolve("bin").resolve(command).toString());
        commandLine.addAll(List.of(arguments));
        Path out = Files.createTempFile(workingDirectory, command, ".out");
        Path err = Files.createTempFile(workingDirectory, command, ".err");
        ProcessBuilder builder = new ProcessBuilder(commandLine)
            .directory(workingDirectory.toFile())
            .redirectInput(stdin.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not finish within 2 minutes: " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
