package dev.tresor.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slow MX host: accepts TCP connections on a loopback address and never says a word (no greeting), holding each
 * connection until the client gives up. It counts the connections it accepted and those still open.
 */
public final class StallingSmtpServer implements AutoCloseable {
    private final ServerSocket listener;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();

    private StallingSmtpServer(ServerSocket listener) {
        this.listener = listener;
        Thread acceptor = new Thread(this::accept, "stalling-smtp-" + listener.getLocalSocketAddress());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static StallingSmtpServer start(String address, int port) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return new StallingSmtpServer(listener);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                open.incrementAndGet();
                Thread holder = new Thread(() -> hold(client), "stalling-smtp-connection");
                holder.setDaemon(true);
                holder.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Reads (and ignores) whatever the client sends until it hangs up. */
    private void hold(Socket client) {
        try (Socket socket = client; InputStream in = socket.getInputStream()) {
            while (in.read() >= 0) {
                // a client that talks first gets no answer either
            }
        } catch (IOException hungUp) {
            // the client went away, as it should after its read timeout
        } finally {
            open.decrementAndGet();
        }
    }

    public int accepted() {
        return accepted.get();
    }

    /** Connections a client still holds open, waiting for a greeting. */
    public int open() {
        return open.get();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing is all we wanted
        }
    }
}
