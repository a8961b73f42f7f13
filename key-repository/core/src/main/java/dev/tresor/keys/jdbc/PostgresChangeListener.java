package dev.tresor.keys.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.spi.StorageChange;
import dev.tresor.keys.spi.StorageChangeObserver;

/**
 * Hears what other nodes sharing a PostgreSQL database change, and tells a {@link StorageChangeObserver} (the node's
 * cache). Every write of {@link JdbcKeyStorage} on PostgreSQL sends a {@code NOTIFY} on {@value #CHANNEL} in its own
 * transaction, so that it is heard after the commit and only then; this class keeps one connection of its own (not
 * one of the pool) in {@code LISTEN}, on a daemon thread.
 *
 * <p>Fail safe, since a missed notification would let a node keep using a revoked certificate:
 * <ul>
 *     <li>until the first {@code LISTEN} and whenever the connection is lost, the observer is told
 *     {@link StorageChangeObserver#changesMayBeMissed()} (the cache then reuses nothing); once listening again,
 *     {@link StorageChangeObserver#changesFollowed()} (it forgets everything it knew);</li>
 *     <li>the connection is probed with {@code SELECT 1} every {@code heartbeat}, under a socket timeout of the same
 *     length, so a connection that died without a word (a network partition) is noticed within twice the heartbeat;
 *     one closed by the server ({@code pg_terminate_backend}, a restart) at once;</li>
 *     <li>a lost connection is opened again after 0.5 s, then at growing intervals up to the heartbeat;</li>
 *     <li>a payload it cannot read counts as "anything may have changed".</li>
 * </ul>
 * Notifications of other schemas of the same database (each payload names its schema) are ignored.
 *
 * <p>{@link #close()} stops the thread within half a second and closes the connection.
 */
public final class PostgresChangeListener implements AutoCloseable {
    /** The channel of {@code LISTEN} and {@code NOTIFY}. */
    public static final String CHANNEL = "tresor_key_changes";
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);

    private static final Logger LOGGER = LoggerFactory.getLogger(PostgresChangeListener.class);
    private static final long MAX_WAIT_MILLIS = 500;
    private static final long FIRST_RETRY_MILLIS = 500;

    /** Whether the listener hears other nodes now, since when, and why not. */
    public static final class State {
        private final boolean listening;
        private final Instant since;
        private final Optional<String> problem;

        private State(boolean listening, Instant since, Optional<String> problem) {
            this.listening = listening;
            this.since = since;
            this.problem = problem;
        }

        public boolean listening() {
            return listening;
        }

        public Instant since() {
            return since;
        }

        /** Why it is not listening; empty while listening, and before the first attempt. */
        public Optional<String> problem() {
            return problem;
        }

        @Override
        public String toString() {
            return (listening ? "listening" : "not listening") + " since " + since + problem.map(p -> " (" + p + ")").orElse("");
        }
    }

    private final DataSource dataSource;
    private final StorageChangeObserver observer;
    private final long heartbeatMillis;
    private final Clock clock;
    private final Thread thread;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong heard = new AtomicLong();
    private volatile boolean running = true;
    private volatile State state;
    private volatile int backendPid;

    private PostgresChangeListener(DataSource dataSource, StorageChangeObserver observer, Duration heartbeat, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.observer = Objects.requireNonNull(observer, "observer");
        if (heartbeat.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("The heartbeat of the change listener must be 1 second or more: " + heartbeat);
        }
        this.heartbeatMillis = heartbeat.toMillis();
        this.clock = clock;
        this.state = new State(false, clock.instant(), Optional.empty());
        this.thread = new Thread(this::run, "tresor-key-changes");
        this.thread.setDaemon(true);
    }

    /**
     * Tells {@code observer} that changes may be missed, then starts listening on connections of {@code dataSource}
     * (a connection of its own is kept open; do not pass a small pool).
     */
    public static PostgresChangeListener start(DataSource dataSource, StorageChangeObserver observer, Duration heartbeat) {
        PostgresChangeListener listener = new PostgresChangeListener(dataSource, observer, heartbeat, Clock.systemUTC());
        observer.changesMayBeMissed();
        listener.thread.start();
        return listener;
    }

    public State state() {
        return state;
    }

    /** How many times a listening connection was opened (1 after the first, 2 after one reconnection, ...). */
    public long connections() {
        return connections.get();
    }

    /** How many notifications of this schema were heard. */
    public long heard() {
        return heard.get();
    }

    /** The server process of the listening connection, 0 before the first; for tests that cut it. */
    int backendPid() {
        return backendPid;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2 * MAX_WAIT_MILLIS + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long retryMillis = FIRST_RETRY_MILLIS;
        while (running) {
            try {
                listen();
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                observer.changesMayBeMissed();
                boolean wasListening = state.listening();
                state = new State(false, wasListening ? clock.instant() : state.since(), Optional.of(describe(e)));
                if (wasListening || connections.get() == 0 && retryMillis == FIRST_RETRY_MILLIS) {
                    LOGGER.warn("Not listening to key changes of other nodes ({}): until listening again, this node reads "
                        + "every certificate lookup from the database; retrying", describe(e));
                }
                sleep(retryMillis);
                retryMillis = Math.min(retryMillis * 2, heartbeatMillis);
                continue;
            }
            retryMillis = FIRST_RETRY_MILLIS;
        }
        state = new State(false, clock.instant(), Optional.of("stopped"));
    }

    /** One listening connection, until it fails or the listener is closed. */
    private void listen() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            PGConnection postgres = connection.unwrap(PGConnection.class);
            String schema = currentSchema(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + CHANNEL);
            }
            backendPid = postgres.getBackendPID();
            connections.incrementAndGet();
            observer.changesFollowed();
            state = new State(true, clock.instant(), Optional.empty());
            LOGGER.info("Listening to key changes of other nodes (schema {}, server process {})", schema, backendPid);
            long nextProbe = System.nanoTime() + heartbeatMillis * 1_000_000;
            while (running) {
                PGNotification[] notifications = postgres.getNotifications((int) Math.min(MAX_WAIT_MILLIS, heartbeatMillis));
                if (notifications != null) {
                    for (PGNotification notification : notifications) {
                        deliver(notification, schema);
                    }
                }
                if (System.nanoTime() - nextProbe >= 0) {
                    probe(connection);
                    nextProbe = System.nanoTime() + heartbeatMillis * 1_000_000;
                }
            }
        }
    }

    private void deliver(PGNotification notification, String schema) {
        if (!CHANNEL.equals(notification.getName())) {
            return;
        }
        String payload = notification.getParameter();
        int first = payload.indexOf(' ');
        int second = first < 0 ? -1 : payload.indexOf(' ', first + 1);
        if (second < 0) {
            unreadable(payload);
            return;
        }
        if (!payload.substring(second + 1).equals(schema)) {
            return;
        }
        heard.incrementAndGet();
        Optional<StorageChange> change = StorageChange.parse(payload.substring(0, second));
        if (change.isPresent()) {
            observer.changed(change.get());
        } else {
            unreadable(payload);
        }
    }

    private void unreadable(String payload) {
        LOGGER.warn("Unreadable key change notification '{}': forgetting every cached lookup", payload);
        observer.changesFollowed();
    }

    private void probe(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, heartbeatMillis / 1000));
            statement.executeQuery("SELECT 1").close();
        }
    }

    private static String currentSchema(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT coalesce(current_schema(), '')")) {
            row.next();
            return row.getString(1);
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void sleep(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (running && System.nanoTime() - end < 0) {
            try {
                Thread.sleep(Math.min(50, millis));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
