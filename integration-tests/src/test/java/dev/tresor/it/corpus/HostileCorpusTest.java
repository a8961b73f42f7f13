package dev.tresor.it.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Store;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.restassured.path.json.JsonPath;

import dev.tresor.it.SmtpSink;
import dev.tresor.it.corpus.CorpusMessage.Route;
import dev.tresor.it.shipped.ShippedServer;

/**
 * Sends every message of the {@link HostileCorpus} through the shipped server's sample chain (the assembled
 * distribution, started by {@code bin/tresor-server}) and finds out where each ended: delivered (read over IMAP), in a
 * mail repository (WebAdmin), bounced or relayed (the loopback SMTP sink), or refused at SMTP (the reply). Messages are
 * sent one at a time and each is followed until the server is idle again, so what appeared meanwhile is its outcome and
 * the time it took is measured.
 *
 * <p>Asserted: no accepted message vanished; no mail that left the server (delivered, bounced, relayed) shows a Java
 * stack trace or exception class name; every message's own security checks ({@link Check}) hold; afterwards the server
 * is healthy, a normal mail still arrives, and every mail queue is empty. The table goes to
 * {@code target/hostile-corpus-report.md}.
 */
class HostileCorpusTest {
    private static final String PASSWORD = "alice-password";
    private static final String TENANT = "acme";
    private static final Duration POLL = Duration.ofMillis(150);
    private static final Duration GIVE_UP = Duration.ofSeconds(30);
    private static final Duration QUIET = Duration.ofMillis(600);
    /** Frames of a printed stack trace, or a Java exception or error class name (qualified or not). */
    private static final Pattern STACK_TRACE = Pattern.compile(
        "^\\s*at [\\w$.]+\\([\\w$. ]*(:\\d+)?\\)|Caused by: |\\.\\.\\. \\d+ more"
            + "|\\b[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+\\.[A-Z][\\w$]*(Exception|Error)\\b"
            + "|\\b[A-Z][A-Za-z0-9]*[a-z](Exception|Error)\\b");

    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    private static CorpusIdentities ids;

    @BeforeAll
    static void createTheLocalUserAndHerKeys() {
        ids = new CorpusIdentities(HostileCorpus.ALICE, HostileCorpus.BOB);
        server.addDomain(HostileCorpus.LOCAL_DOMAIN);
        server.addUser(HostileCorpus.ALICE, PASSWORD);
        server.webAdmin().put("/tresor/tenants/" + TENANT).then().statusCode(201);
        server.webAdmin().put("/tresor/tenants/" + TENANT + "/domains/" + HostileCorpus.LOCAL_DOMAIN).then().statusCode(204);
        server.webAdmin().contentType("application/x-pkcs12").header("X-Tresor-Pkcs12-Password", CorpusIdentities.PASSWORD)
            .body(ids.aliceSmime().pkcs12()).post("/tresor/tenants/" + TENANT + "/keys").then().statusCode(201);
        server.webAdmin().contentType("application/x-pem-file").body(ids.bobSmime().certificatePem())
            .post("/tresor/tenants/" + TENANT + "/certificates").then().statusCode(201);
        server.webAdmin().contentType("application/x-pem-file").body(ids.bobSmime().certificatePem())
            .post("/tresor/tenants/" + TENANT + "/trust-anchors").then().statusCode(201);
        server.webAdmin().contentType("application/pgp-keys").header("X-Tresor-Pgp-Passphrase", CorpusIdentities.PASSWORD)
            .body(ids.alicePgp().armoredSecret()).post("/tresor/tenants/" + TENANT + "/pgp-keys").then().statusCode(201);
        server.webAdmin().contentType("application/pgp-keys").body(ids.bobPgp().armoredPublic())
            .post("/tresor/tenants/" + TENANT + "/pgp-keys").then().statusCode(201);
    }

    @Test
    void everyHostileMessageShouldEndSomewhereKnownWithoutLeakingAStackTrace() throws Exception {
        List<CorpusMessage> corpus = HostileCorpus.messages(ids);
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            outcomes.add(send(i + 1, corpus.get(i)));
        }
        boolean healthy = server.webAdmin().get("/healthcheck").statusCode() == 200;
        Outcome normalMail = send(corpus.size() + 1, normalMail());
        Map<String, Long> queues = queueSizes();

        Path report = writeReport(corpus, outcomes, normalMail, healthy, queues);
        System.out.println(summary(outcomes, healthy, normalMail, queues, report));

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(outcomes).filteredOn(Outcome::vanished).as("vanished (accepted, then found nowhere)")
            .extracting(Outcome::name).isEmpty();
        softly.assertThat(outcomes).filteredOn(outcome -> !outcome.stackTraces.isEmpty())
            .as("stack traces or exception names sent to someone").extracting(Outcome::describeStackTraces).isEmpty();
        softly.assertThat(outcomes).filteredOn(outcome -> !outcome.violations.isEmpty())
            .as("security checks that failed").extracting(Outcome::describeViolations).isEmpty();
        softly.assertThat(healthy).as("GET /healthcheck answers 200 after the corpus").isTrue();
        softly.assertThat(normalMail.delivered).as("a normal mail after the corpus is delivered").isNotEmpty();
        softly.assertThat(queues).as("mail queues after the corpus (spool included)").allSatisfy((name, size) ->
            assertThat(size).as(name).isZero());
        softly.assertAll();
    }

    // ------------------------------------------------------------------------------------------- one message

    /** The server as the previous message left it (nothing changes between two messages). */
    private Snapshot idle;

    private Outcome send(int number, CorpusMessage message) throws Exception {
        Snapshot before = idle != null ? idle : snapshot();
        String sender = message.route() == Route.SUBMISSION ? HostileCorpus.ALICE
            : String.format("corpus-%03d@partner.example", number);
        byte[] content = message.content();
        long start = System.nanoTime();
        RawSmtpClient.Result smtp;
        if (message.route() == Route.SUBMISSION) {
            smtp = new RawSmtpClient(server.port(ShippedServer.SUBMISSION), Optional.of(server.trustingTheServer()))
                .send(Optional.of(HostileCorpus.ALICE), PASSWORD, sender, message.recipients(), content);
        } else {
            smtp = new RawSmtpClient(server.port(ShippedServer.SMTP), Optional.empty())
                .send(Optional.empty(), "", sender, message.recipients(), content);
        }
        Outcome outcome = new Outcome(number, message, sender, smtp);
        Snapshot after = awaitIdle(before, start, outcome);
        idle = after;
        try {
            collect(outcome, before, after);
        } catch (Exception | StackOverflowError e) {
            outcome.violations.add("the test could not observe the outcome: " + e);
        }
        return outcome;
    }

    /**
     * Polls the cheap signals (queue sizes, Alice's INBOX size, the sink) until the queues are back where they were
     * before this message and nothing moved for a moment, then takes a full snapshot (repositories too: they only change
     * while a mail is queued). A mail that crashed the spooler stays queued for good, so only what this message added
     * must drain; if it never does, the outcome says so. The message's time ends when the server was last busy.
     */
    private Snapshot awaitIdle(Snapshot before, long start, Outcome outcome) throws Exception {
        Signals last = signals();
        long lastBusy = System.nanoTime();
        while (true) {
            Thread.sleep(POLL.toMillis());
            Signals now = signals();
            if (!now.equals(last) || now.queued > before.queued) {
                last = now;
                lastBusy = System.nanoTime();
                if (lastBusy - start > GIVE_UP.toNanos()) {
                    outcome.stuck = true;
                    break;
                }
            } else if (System.nanoTime() - lastBusy >= QUIET.toNanos()) {
                break;
            }
        }
        outcome.millis = (lastBusy - start) / 1_000_000;
        return snapshot();
    }

    /** What changes while a mail is processed and costs little to ask: queued mails, INBOX size, mails at the sink. */
    private static final class Signals {
        final long queued;
        final int inbox;
        final int sink;

        Signals(long queued, int inbox, int sink) {
            this.queued = queued;
            this.inbox = inbox;
            this.sink = sink;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Signals && queued == ((Signals) other).queued && inbox == ((Signals) other).inbox
                && sink == ((Signals) other).sink;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(queued) * 31 + inbox * 17 + sink;
        }
    }

    private Signals signals() throws Exception {
        return new Signals(queueSizes().values().stream().mapToLong(Long::longValue).sum(), inboxSize(),
            server.sink().received().size());
    }

    private void collect(Outcome outcome, Snapshot before, Snapshot after) throws Exception {
        for (byte[] copy : imapMessages(before.inbox + 1, after.inbox)) {
            outcome.delivered.add(copy);
            scan(outcome, (outcome.message.route() == Route.SUBMISSION ? "bounce in the INBOX of " : "delivered to ")
                + HostileCorpus.ALICE, copy);
        }
        List<SmtpSink.ReceivedMail> received = server.sink().received();
        for (SmtpSink.ReceivedMail mail : received.subList(before.sink, Math.min(after.sink, received.size()))) {
            boolean bounce = mail.envelopeRecipients().contains(outcome.sender)
                || mail.envelopeSender() == null || mail.envelopeSender().isEmpty();
            if (bounce) {
                outcome.bounces.add(mail);
            } else {
                outcome.relayed.add(mail);
            }
            scan(outcome, (bounce ? "bounce to " : "relayed to ") + mail.envelopeRecipients().stream().limit(3)
                .collect(Collectors.joining(",")), mail.data());
        }
        after.repositories.forEach((repository, keys) -> {
            Set<String> added = new java.util.TreeSet<>(keys);
            added.removeAll(before.repositories.getOrDefault(repository, Set.of()));
            if (!added.isEmpty()) {
                outcome.repositories.put(repository, added.size());
                outcome.repositoryReasons.addAll(reasons(repository, added));
            }
        });
        Check.Arrivals arrivals = new Check.Arrivals() {
            @Override
            public List<byte[]> delivered() {
                return outcome.delivered;
            }

            @Override
            public List<byte[]> relayedTo(String address) {
                return outcome.relayed.stream().filter(mail -> mail.envelopeRecipients().contains(address))
                    .map(SmtpSink.ReceivedMail::data).collect(Collectors.toList());
            }
        };
        for (Check check : outcome.message.checks()) {
            check.violation(arrivals).ifPresent(outcome.violations::add);
        }
    }

    /** Line by line, the pattern only where a trace may be: a 41 MB copy is scanned in well under a second. */
    private static void scan(Outcome outcome, String where, byte[] mail) {
        for (String line : (Iterable<String>) new String(mail, StandardCharsets.ISO_8859_1).lines()::iterator) {
            if (!(line.contains("Exception") || line.contains("Error") || line.contains("at ")
                || line.contains("Caused by") || line.contains(" more"))) {
                continue;
            }
            Matcher matcher = STACK_TRACE.matcher(line);
            if (matcher.find()) {
                outcome.stackTraces.add(where + ": \"" + matcher.group().trim() + "\"");
                return;
            }
        }
    }

    /** The first line of the error text WebAdmin shows for each of these mails of a repository. */
    private List<String> reasons(String repository, Set<String> keys) {
        List<String> reasons = new ArrayList<>();
        for (String key : keys) {
            String error = JsonPath.from(server.mailRepositoryMail(repository, key)).getString("error");
            reasons.add(error == null ? "(no error text)" : error.lines().findFirst().orElse(""));
        }
        return reasons;
    }

    // ------------------------------------------------------------------------------------------- observing

    /** What the test can see of the server: queue sizes, Alice's INBOX, repository sizes, the sink. */
    private static final class Snapshot {
        final long queued;
        final int inbox;
        final Map<String, Set<String>> repositories;
        final int sink;

        Snapshot(long queued, int inbox, Map<String, Set<String>> repositories, int sink) {
            this.queued = queued;
            this.inbox = inbox;
            this.repositories = repositories;
            this.sink = sink;
        }
    }

    private Snapshot snapshot() throws Exception {
        long queued = queueSizes().values().stream().mapToLong(Long::longValue).sum();
        Map<String, Set<String>> repositories = new TreeMap<>();
        for (String repository : repositoryPaths()) {
            repositories.put(repository, Set.copyOf(server.mailRepositoryKeys(repository)));
        }
        return new Snapshot(queued, inboxSize(), repositories, server.sink().received().size());
    }

    private List<String> queueNames;

    private Map<String, Long> queueSizes() {
        if (queueNames == null) {
            queueNames = server.webAdmin().get("/mailQueues").then().statusCode(200).extract().jsonPath().getList("", String.class);
        }
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (String queue : queueNames) {
            Number size = server.webAdmin().get("/mailQueues/" + queue).then().statusCode(200).extract().path("size");
            sizes.put(queue, size.longValue());
        }
        return sizes;
    }

    private List<String> repositoryPaths() {
        return server.webAdmin().get("/mailRepositories").then().statusCode(200).extract().jsonPath()
            .getList("repository", String.class);
    }

    private Store imap;

    private Store imap() throws MessagingException {
        if (imap == null || !imap.isConnected()) {
            Properties properties = new Properties();
            properties.put("mail.imaps.host", "127.0.0.1");
            properties.put("mail.imaps.port", Integer.toString(server.port(ShippedServer.IMAPS)));
            properties.put("mail.imaps.ssl.socketFactory", server.trustingTheServer().getSocketFactory());
            properties.put("mail.imaps.connectiontimeout", "10000");
            properties.put("mail.imaps.timeout", "60000");
            properties.put("mail.imaps.partialfetch", "false");
            imap = Session.getInstance(properties).getStore("imaps");
            imap.connect(HostileCorpus.ALICE, PASSWORD);
        }
        return imap;
    }

    private int inboxSize() throws MessagingException {
        return imap().getFolder("INBOX").getMessageCount();
    }

    /** Messages {@code from..to} (1-based, inclusive) of Alice's INBOX, byte for byte. */
    private List<byte[]> imapMessages(int from, int to) throws MessagingException, IOException {
        List<byte[]> messages = new ArrayList<>();
        if (from > to) {
            return messages;
        }
        Folder inbox = imap().getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        try {
            for (Message message : inbox.getMessages(from, to)) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                message.writeTo(bytes);
                messages.add(bytes.toByteArray());
            }
        } finally {
            inbox.close(false);
        }
        return messages;
    }

    // ------------------------------------------------------------------------------------------- outcome and report

    private static final class Outcome {
        final int number;
        final CorpusMessage message;
        final String sender;
        final RawSmtpClient.Result smtp;
        final List<byte[]> delivered = new ArrayList<>();
        final List<SmtpSink.ReceivedMail> bounces = new ArrayList<>();
        final List<SmtpSink.ReceivedMail> relayed = new ArrayList<>();
        final Map<String, Integer> repositories = new TreeMap<>();
        final List<String> repositoryReasons = new ArrayList<>();
        final List<String> stackTraces = new ArrayList<>();
        final List<String> violations = new ArrayList<>();
        boolean stuck;
        long millis;

        Outcome(int number, CorpusMessage message, String sender, RawSmtpClient.Result smtp) {
            this.number = number;
            this.message = message;
            this.sender = sender;
            this.smtp = smtp;
        }

        String name() {
            return message.name();
        }

        /** Accepted with a 250, and then neither delivered, kept, bounced nor relayed. */
        boolean vanished() {
            return smtp.accepted() && delivered.isEmpty() && bounces.isEmpty() && relayed.isEmpty() && repositories.isEmpty();
        }

        String where() {
            List<String> places = new ArrayList<>();
            if (!smtp.accepted()) {
                places.add("refused at SMTP: " + smtp.refusal());
            } else if (!smtp.refusedRecipients().isEmpty()) {
                places.add(smtp.refusedRecipients().size() + " recipients refused at SMTP");
            }
            if (!delivered.isEmpty()) {
                places.add(message.route() == Route.SUBMISSION
                    ? "bounced to the sender's INBOX (" + delivered.size() + ")" : "delivered (" + delivered.size() + ")" + verdicts());
            }
            repositories.forEach((repository, count) -> places.add("repository " + repository
                + (count > 1 ? " (" + count + ")" : "")));
            if (!bounces.isEmpty()) {
                places.add("bounced (" + bounces.size() + ")");
            }
            if (!relayed.isEmpty()) {
                int recipients = relayed.stream().mapToInt(mail -> mail.envelopeRecipients().size()).sum();
                places.add("relayed (" + relayed.size() + " mails, " + recipients + " recipients" + protection() + ")");
            }
            if (vanished()) {
                places.add("VANISHED");
            }
            if (stuck) {
                places.add("STILL QUEUED after " + GIVE_UP.toSeconds() + " s");
            }
            return String.join("; ", places);
        }

        private String verdicts() {
            Set<String> verdicts = new java.util.TreeSet<>();
            for (byte[] copy : delivered) {
                for (String header : List.of("X-Tresor-Decryption", "X-Tresor-Signature", "X-Tresor-Pgp-Signature")) {
                    for (String value : Check.headerValues(copy, header)) {
                        String word = value.split("[;\\s]", 2)[0];
                        verdicts.add(header.substring("X-Tresor-".length()).toLowerCase(Locale.ROOT) + "=" + word);
                    }
                }
            }
            return verdicts.isEmpty() ? "" : ", " + String.join(", ", verdicts);
        }

        private String protection() {
            Set<String> types = new java.util.TreeSet<>();
            for (SmtpSink.ReceivedMail mail : relayed) {
                String type = String.join(" ", Check.headerValues(mail.data(), "Content-Type")).toLowerCase(Locale.ROOT);
                types.add(type.contains("pkcs7-mime") ? "S/MIME" : type.contains("multipart/encrypted") ? "PGP"
                    : type.contains("multipart/signed") ? "signed" : "clear");
            }
            return ", " + String.join("+", types);
        }

        String describeStackTraces() {
            return message.name() + ": " + String.join(" | ", stackTraces);
        }

        String describeViolations() {
            return message.name() + ": " + String.join(" | ", violations);
        }
    }

    private static CorpusMessage normalMail() {
        return new CorpusMessage("after/normal-mail", "control", "a plain, well-formed mail after the whole corpus",
            "delivered", Route.INBOUND, List.of(HostileCorpus.ALICE),
            () -> HostileCorpus.crlf("From: partner@partner.example\nTo: " + HostileCorpus.ALICE
                + "\nSubject: after the corpus\nMessage-ID: <after@corpus.test>\n\nStill working?\n"), List.of());
    }

    private static Path writeReport(List<CorpusMessage> corpus, List<Outcome> outcomes, Outcome normalMail, boolean healthy,
                                    Map<String, Long> queues) throws IOException {
        StringBuilder report = new StringBuilder("# Hostile corpus: where each message ended\n\n")
            .append(corpus.size()).append(" messages sent one at a time through the shipped server's sample chain ")
            .append("(conf/mailetcontainer.xml). Generator and one-line documentation: ")
            .append("`integration-tests/src/test/java/dev/tresor/it/corpus/`.\n\n")
            .append("| # | message | class | outcome | time (ms) | problems |\n|---|---|---|---|---|---|\n");
        for (Outcome outcome : outcomes) {
            List<String> problems = new ArrayList<>(outcome.violations);
            outcome.stackTraces.forEach(trace -> problems.add("stack trace: " + trace));
            report.append("| ").append(outcome.number).append(" | `").append(outcome.name()).append("` | ")
                .append(outcome.message.category()).append(" | ").append(cell(outcome.where()))
                .append(outcome.repositoryReasons.isEmpty() ? "" : " — " + cell(String.join("; ", outcome.repositoryReasons)))
                .append(" | ").append(outcome.millis).append(" | ").append(cell(String.join("; ", problems))).append(" |\n");
        }
        report.append("\n").append(summary(outcomes, healthy, normalMail, queues, null).replace("\n", "\n\n")).append('\n');
        Path file = Path.of(System.getProperty("tresor.build.directory", "target"), "hostile-corpus-report.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report, StandardCharsets.UTF_8);
        return file;
    }

    private static String cell(String text) {
        String escaped = text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
        return escaped.length() > 400 ? escaped.substring(0, 397) + "..." : escaped;
    }

    private static String summary(List<Outcome> outcomes, boolean healthy, Outcome normalMail, Map<String, Long> queues,
                                  Path report) {
        Map<String, Map<String, Integer>> byClass = new TreeMap<>();
        for (Outcome outcome : outcomes) {
            byClass.computeIfAbsent(outcome.message.category(), category -> new TreeMap<>())
                .merge(kind(outcome), 1, Integer::sum);
        }
        Outcome slowest = outcomes.stream().max((a, b) -> Long.compare(a.millis, b.millis)).orElseThrow();
        StringBuilder summary = new StringBuilder("Hostile corpus: ").append(outcomes.size()).append(" messages");
        byClass.forEach((category, kinds) -> summary.append("\n  ").append(category).append(": ").append(kinds));
        summary.append("\n  vanished: ").append(outcomes.stream().filter(Outcome::vanished).count())
            .append(", still queued: ").append(outcomes.stream().filter(outcome -> outcome.stuck).count())
            .append(", stack traces sent: ").append(outcomes.stream().mapToInt(outcome -> outcome.stackTraces.size()).sum())
            .append(", failed checks: ").append(outcomes.stream().mapToInt(outcome -> outcome.violations.size()).sum())
            .append("\n  healthy afterwards: ").append(healthy).append(", normal mail afterwards: ")
            .append(normalMail.where()).append(", queues at the end: ").append(queues)
            .append("\n  longest: ").append(slowest.name()).append(" ").append(slowest.millis).append(" ms");
        if (report != null) {
            summary.append("\n  report: ").append(report.toAbsolutePath());
        }
        return summary.toString();
    }

    /** The coarse outcome for the per-class summary. */
    private static String kind(Outcome outcome) {
        if (!outcome.smtp.accepted()) {
            return outcome.delivered.isEmpty() && outcome.repositories.isEmpty() && outcome.relayed.isEmpty()
                ? "refused" : "refused-yet-delivered";
        }
        if (outcome.vanished()) {
            return "vanished";
        }
        List<String> kinds = new ArrayList<>();
        if (!outcome.delivered.isEmpty()) {
            kinds.add(outcome.message.route() == Route.SUBMISSION ? "bounced-to-inbox" : "delivered");
        }
        outcome.repositories.keySet().forEach(repository -> kinds.add(repository.replaceAll(".*/([^/]+)/?$", "$1")));
        if (!outcome.bounces.isEmpty()) {
            kinds.add("bounced");
        }
        if (!outcome.relayed.isEmpty()) {
            kinds.add("relayed");
        }
        return String.join("+", kinds);
    }
}
