package dev.tresor.it.corpus;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One message of the {@link HostileCorpus}: a name, the class of attack it belongs to, what it is, what we expect the
 * gateway to do with it, how it is sent and, for some, a security property its outcome must have.
 */
public final class CorpusMessage {

    /** How the message reaches the gateway. */
    public enum Route {
        /** From an outside sender, port 25, to the local user: the inbound chain (decrypt, verify, deliver). */
        INBOUND,
        /** From the local user, authenticated on the submission port: the outbound chain (sign, encrypt, relay). */
        SUBMISSION
    }

    private final String name;
    private final String category;
    private final String what;
    private final String expected;
    private final Route route;
    private final List<String> recipients;
    private final Supplier<byte[]> content;
    private final List<Check> checks;

    CorpusMessage(String name, String category, String what, String expected, Route route, List<String> recipients,
                  Supplier<byte[]> content, List<Check> checks) {
        this.name = Objects.requireNonNull(name);
        this.category = Objects.requireNonNull(category);
        this.what = Objects.requireNonNull(what);
        this.expected = Objects.requireNonNull(expected);
        this.route = Objects.requireNonNull(route);
        this.recipients = List.copyOf(recipients);
        this.content = Objects.requireNonNull(content);
        this.checks = List.copyOf(checks);
    }

    public String name() {
        return name;
    }

    public String category() {
        return category;
    }

    public String what() {
        return what;
    }

    public String expected() {
        return expected;
    }

    public Route route() {
        return route;
    }

    public List<String> recipients() {
        return recipients;
    }

    /** The bytes sent after DATA (made on demand: some are tens of megabytes), before dot-stuffing. */
    public byte[] content() {
        return content.get();
    }

    public List<Check> checks() {
        return checks;
    }

    @Override
    public String toString() {
        return name;
    }
}
