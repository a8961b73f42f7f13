package dev.tresor.it.readme;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The assembled distribution's {@code bin/tresor-server}, started as the README's start command starts it (from the
 * repository root, on its fixed ports), in a process of its own, with the environment the README executor gives the
 * user's terminal. Ready when every listener the README names accepts connections and WebAdmin answers.
 */
final class ShippedServer {
    static final List<Integer> PORTS = List.of(25, 465, 587, 143, 993, 8000);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(150);
    private static final URI HEALTHCHECK = URI.create("http://127.0.0.1:8000/healthcheck");

    private final Path repository;
    private final Map<String, String> environment;
    private final Path logDirectory;
    private Process process;
    private Path log;
    private int starts;

    ShippedServer(Path repository, Map<String, String> environment, Path logDirectory) {
        this.repository = repository;
        this.environment = environment;
        this.logDirectory = logDirectory;
    }

    Path script() {
        return repository.resolve("james-distribution/target/tresor-server/bin/tresor-server");
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    void start() throws IOException, InterruptedException {
        for (int port : PORTS) {
            if (accepts(port)) {
                throw new IllegalStateException("port " + port + " is taken before the README's server starts: another"
                    + " server is running on this machine");
            }
        }
        starts++;
        log = logDirectory.resolve("server-" + starts + ".log");
        ProcessBuilder builder = new ProcessBuilder(script().toString())
            .directory(repository.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        process = builder.start();
        Process started = process;
        // a test JVM that is killed must not leave a server holding the fixed ports for the next build
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            started.descendants().forEach(ProcessHandle::destroyForcibly);
            started.destroyForcibly();
        }));
        awaitReady();
    }

    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    String logTail() {
        if (log == null) {
            return "(no server log)";
        }
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "last lines of " + log + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(server log unreadable: " + e.getMessage() + ")";
        }
    }

    private void awaitReady() throws InterruptedException {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("bin/tresor-server exited with " + process.exitValue() + " while starting; "
                    + logTail());
            }
            if (PORTS.stream().allMatch(ShippedServer::accepts) && healthcheckAnswers(http)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("bin/tresor-server not ready within " + STARTUP_TIMEOUT + "; " + logTail());
    }

    private static boolean healthcheckAnswers(HttpClient http) throws InterruptedException {
        try {
            // any answer will do: whether the key repository is healthy is for the README's own blocks to show
            http.send(HttpRequest.newBuilder(HEALTHCHECK).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
