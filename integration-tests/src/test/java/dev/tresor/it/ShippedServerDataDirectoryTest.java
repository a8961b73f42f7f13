package dev.tresor.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tresor-server} of the assembled distribution, started in a process of its own as the README starts it,
 * keeps every piece of state in {@code $TRESOR_DATA} and writes nothing under the distribution. The distribution is
 * used through a copy of its {@code bin/} and {@code conf/} (listeners moved to free loopback ports, JMX off) with its
 * very {@code lib/}.
 */
class ShippedServerDataDirectoryTest {
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    @Test
    void serverShouldKeepAllItsStateInTheDataDirectory(@TempDir Path directory) throws Exception {
        // given a distribution whose listeners bind free loopback ports, and an empty data directory
        Path distribution = copyWithFreePorts(ShippedDistribution.directory(), directory.resolve("tresor-server"));
        Path data = directory.resolve("data");
        Map<String, String> before = snapshot(distribution);

        // when the server starts as the README starts it
        Path log = directory.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(distribution.resolve("bin/tresor-server").toString())
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().put("TRESOR_DATA", data.toString());
        builder.environment().put("JAVA_OPTS", "-Xmx512m");
        Process server = builder.start();
        try {
            awaitStarted(server, log);

            // then the key database, the master key, James's var/, the TLS identity and WebAdmin's signing key are in
            // the data directory
            assertThat(data.resolve("var/tresor/keys.mv.db")).isRegularFile();
            assertThat(data.resolve("webadmin/jwt-public.pem")).isRegularFile();
            assertThat(data.resolve("webadmin/jwt-private.pem")).isRegularFile();
            assertThat(data.resolve("var/tresor/master.key")).isRegularFile();
            assertThat(data.resolve("var")).isDirectory();
            assertThat(data.resolve("tls/server-key.pem")).isRegularFile();
            assertThat(data.resolve("tls/server-cert.pem")).isRegularFile();
            // the server says where its data is
            assertThat(Files.readString(log)).contains("Tresor data directory").contains(data.toString());
        } finally {
            stop(server);
        }
        // and nothing was written under the distribution
        assertThat(snapshot(distribution)).isEqualTo(before);
    }

    private static Path copyWithFreePorts(Path shipped, Path copy) throws IOException {
        for (String directory : new String[] {"bin", "conf"}) {
            copyTree(shipped.resolve(directory), copy.resolve(directory));
        }
        Files.createSymbolicLink(copy.resolve("lib"), shipped.resolve("lib"));
        Path conf = copy.resolve("conf");
        for (String file : new String[] {"smtpserver.xml", "imapserver.xml", "lmtpserver.xml", "pop3server.xml",
            "managesieveserver.xml"}) {
            Path xml = conf.resolve(file);
            Files.writeString(xml, Files.readString(xml).replaceAll("<bind>[^<]*</bind>", "<bind>127.0.0.1:0</bind>"));
        }
        Path webAdmin = conf.resolve("webadmin.properties");
        Files.writeString(webAdmin, Files.readString(webAdmin).replaceAll("(?m)^port=.*$", "port=0"));
        Files.writeString(conf.resolve("jmx.properties"), "jmx.enabled=false\n");
        return copy;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /** Every file and directory under {@code root}, not following {@code lib}'s link, with size and modification time. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                files.put(root.relativize(file).toString(), Files.isDirectory(file) ? "directory"
                    : Files.size(file) + " bytes, " + Files.getLastModifiedTime(file));
            }
        }
        return files;
    }

    private static void awaitStarted(Process server, Path log) throws Exception {
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            String output = Files.readString(log);
            if (output.contains("JAMES server started")) {
                return;
            }
            if (!server.isAlive()) {
                throw new AssertionError("the server stopped (exit " + server.exitValue() + "):\n" + output);
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the server did not start within " + STARTUP_TIMEOUT + ":\n" + Files.readString(log));
    }

    private static void stop(Process server) throws InterruptedException {
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
