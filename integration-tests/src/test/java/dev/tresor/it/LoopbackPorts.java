package dev.tresor.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Loopback ports for the listeners of a server a test starts in another process, which binds them seconds after they
 * were chosen.
 *
 * <p>A port the kernel hands out for {@code bind(0)} comes from its ephemeral range, the range it also takes the local
 * port of every outgoing connection from (the server's own to PostgreSQL, a client's to the sink); in the seconds
 * before the server binds it, such a connection or another test JVM asking for port 0 could be given the same port,
 * and the server would not start ("Address already in use", seen in CI). So the ports come from just below the
 * ephemeral range, which the kernel never hands out by itself, in turn from a counter that every test JVM on this
 * machine shares through a locked file: two forks never choose the same port, and a port still in use is skipped.
 */
public final class LoopbackPorts {
    private static final Path COUNTER = Path.of(System.getProperty("java.io.tmpdir"), "tresor-test-ports.counter");
    private static final int LOWEST = 20_000;

    private LoopbackPorts() {
    }

    /** A port nothing listens on now, for a listener of a server started right after. */
    public static int free() throws IOException {
        try (ServerSocket socket = reserve()) {
            return socket.getLocalPort();
        }
    }

    /**
     * A socket listening on a port chosen as above; hold it until every port of a server is chosen (so that no two of
     * its listeners get the same), then close it for the server to bind the port.
     */
    public static ServerSocket reserve() throws IOException {
        int[] range = range();
        if (range == null) {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        }
        int size = range[1] - range[0] + 1;
        for (int attempt = 0; attempt < size; attempt++) {
            int port = range[0] + Math.floorMod(next(), size);
            try {
                return new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
            } catch (BindException inUse) {
                // another process listens there: the next one
            }
        }
        throw new IOException("No free loopback port in " + range[0] + "-" + range[1]);
    }

    /** The ports below the kernel's ephemeral range, or null where that range is unknown or leaves too few. */
    private static int[] range() {
        Path file = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            if (!Files.isReadable(file)) {
                return null;
            }
            int ephemeralLow = ephemeralLow(file);
            return ephemeralLow - LOWEST < 1_000 ? null : new int[] {LOWEST, ephemeralLow - 1};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The first number of {@code ip_local_port_range}, read as a line: {@code Files.readString} sizes its read by the
     * file's length, which /proc reports as 0 here, and got one byte of it.
     */
    static int ephemeralLow(Path file) throws IOException {
        try (java.io.BufferedReader in = Files.newBufferedReader(file)) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException(file + " is empty");
            }
            return Integer.parseInt(line.trim().split("\\s+")[0]);
        }
    }

    /** The shared counter's value, incremented; the file lock orders the test JVMs, the class lock this one's threads. */
    private static synchronized int next() {
        try (FileChannel channel = FileChannel.open(COUNTER, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             FileLock lock = channel.lock()) {
            ByteBuffer value = ByteBuffer.allocate(Integer.BYTES);
            int read = channel.read(value, 0);
            int current = read == Integer.BYTES ? value.flip().getInt() : (int) (ProcessHandle.current().pid() * 97);
            channel.write(ByteBuffer.allocate(Integer.BYTES).putInt(0, current + 1), 0);
            return current;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot count ports in " + COUNTER, e);
        }
    }
}
