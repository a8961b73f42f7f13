package dev.tresor.it.shipped;

import static dev.tresor.it.shipped.SampleTenant.ALICE;
import static dev.tresor.it.shipped.SampleTenant.BOB;
import static dev.tresor.it.shipped.SampleTenant.PASSWORD;
import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.ParseException;

import dev.tresor.attributes.AppliedProtections;
import dev.tresor.it.SmtpSink;

/**
 * The relay benchmark (issues 13 and 17): SMTP clients → the shipped server ({@code bin/tresor-server}, the sample
 * configuration) → a loopback SMTP sink, several configurations of the server side by side, runs alternating in one
 * session. Not a test: it asserts nothing, it measures and prints.
 *
 * <p>Each configuration gets a server of its own, all started at once; each is warmed up ({@code --warmup} mails, then
 * batches of {@value #SETTLE_BATCH} until the JIT compiler's share of its CPU is at most {@code --settle} percent in two
 * batches in a row, {@code --warmup-max} mails in all at most), then the measured runs alternate between them (A B A B
 * ...), so that a change in the machine's load hits every configuration alike. A run
 * sends {@code --mails} mails of {@code --size} bytes from Alice to Bob over {@code --sessions} submission sessions
 * (STARTTLS, AUTH; every session sends mail after mail) and ends when the sink has received them all. Per run:
 * <ul>
 *     <li>mails/s: mails delivered to the sink / time from the first mail sent to the last one received;</li>
 *     <li>James CPU per mail: utime + stime of the server's JVM ({@code /proc/<pid>/stat}) over the run / mails (its
 *         embedded H2 key database included), and the part of it spent by the JIT compiler's and the garbage collector's
 *         threads (their {@code /proc/<pid>/task/<tid>/stat}; a compiler thread the JVM ends during the run takes its
 *         time with it, so the JIT share is a lower bound);</li>
 *     <li>where that CPU went, on a second line: the kernel's part of it (stime, also inside each thread's figure)
 *         and the threads grouped by name, in ms
 *         per mail ({@link #threadGroups}): a chain's cost shows in {@code spooler}, James's own in the SMTP,
 *         RemoteDelivery, dequeue and ActiveMQ threads;</li>
 *     <li>James peak RSS: {@code VmHWM} of {@code /proc/<pid>/status}, reset at the start of each run by writing 5 to
 *         {@code /proc/<pid>/clear_refs};</li>
 *     <li>the mean size of the mails as delivered to the sink (what the chain made of the submitted mail);</li>
 *     <li>the CPU the benchmark's own JVM spent (clients, TLS, sink), the idle servers' CPU, and the CPU everything
 *         else on the machine spent ({@code /proc/stat} minus those): a run where others took more than
 *         {@value #DISTURBED_CORES} of a core on average is marked DISTURBED.</li>
 * </ul>
 *
 * <p>Configurations ({@code --compare a,b,...}; each is compared with {@code plain}, or with the first when
 * {@code plain} does not run; {@code name@bytes} runs a configuration at another mail size than {@code --size}, as in
 * {@code plain,plain@146000,smime}: what James alone costs for the larger mail a chain delivers), issue 17's list: the
 * plain relay beside Tresor's chains, one mechanism each. Every one is the shipped server; they differ in the chain and
 * in the keys its tenant acme gets ({@link SampleTenant}), and Alice's mail takes the path named:
 * <ul>
 *     <li>{@code tresor}: the shipped policy chain; Alice has an S/MIME key (RSA-2048), Bob a certificate, so the
 *         tenant's default policy (opportunistic, {@code smime,pgp,pdf}) sends it through {@code tresor-smime}:
 *         SignSmime, then EncryptSmime (AES-256-CBC, also to Alice), then {@code tresor-send} (Autocrypt,
 *         RecipientRequiresTls, RemoteDelivery);</li>
 *     <li>{@code smime}: the minimal sign + encrypt chain of issue 17's first measurement, made from the shipped file
 *         ({@link ShippedConfiguration#onlySmimeSignAndEncrypt}): StripTresorHeaders, SignSmime and EncryptSmime as
 *         shipped, RemoteDelivery, no other Tresor mailet or matcher on the way; keys as {@code tresor}. Against
 *         {@code tresor}, what the policy chain and the ingress checks cost;</li>
 *     <li>{@code pgp}: the shipped chain; Alice has an OpenPGP secret key, Bob an OpenPGP key
 *         ({@link SampleTenant#createPgpPairIn}), neither any S/MIME: {@code tresor-pgp}, SignPgp (PGP/MIME) and
 *         EncryptPgp (also to Alice);</li>
 *     <li>{@code pdf}: the shipped chain; Alice has her S/MIME key, Bob only a pre-shared PDF password, which the
 *         default policy's third mechanism serves: {@code tresor-pdf}, SignSmime and PdfWrap (the whole mail into an
 *         AES-256 PDF);</li>
 *     <li>{@code sign}: the shipped chain; Alice has her S/MIME key, Bob nothing: opportunistic sends the mail without
 *         encryption (one {@code policy-decision outcome=sent-unprotected} log line each), {@code tresor-clear} signs
 *         it with SignSmime;</li>
 *     <li>{@code plain}: the same server and chain with every Tresor mailet and matcher left out (keys as
 *         {@code tresor}, unused): the relay James does without us;</li>
 *     <li>{@code tresor-memory-queue}: {@code tresor} with James's memory queue instead of the durable one.</li>
 *     <li>{@code plain-dequeue-copy}: {@code plain} with James's copy of every mail taken from a queue.</li>
 * </ul>
 * A new configuration is one more entry in {@link #CONFIGURATIONS}.
 *
 * <p>With {@code --together} the measured runs do not alternate: every server gets its load at once and all are
 * measured over the same stretch of time ({@link #measureTogether}), so that a change in the machine's speed within a
 * run hits them alike too. The summary pairs the runs as they ran (run i of each configuration) beside the medians.
 *
 * <p>Before anything is measured, each configuration's warm-up is checked: every mail the sink received must have
 * the top-level type its chain makes ({@link Delivered}: {@code application/pkcs7-mime; smime-type=enveloped-data},
 * {@code multipart/encrypted} for OpenPGP, PdfWrap's {@code multipart/mixed} with {@code X-Tresor-Protection: pdf},
 * {@code multipart/signed} for S/MIME, {@code text/plain}). If one has not, or none arrived, the benchmark stops the
 * servers, says which configuration delivered what, and exits with status 1: a run never silently measures another
 * chain than its name says.
 *
 * <p>Run from {@code integration-tests/} with the test class path, after the distribution is assembled; see the
 * README's "Relay benchmark" or {@code integration-tests/bench/relay-benchmark}.
 */
public final class RelayBenchmark {
    private static final double DISTURBED_CORES = 0.25;
    private static final int SETTLE_BATCH = 1000;
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on
    private static final Map<String, Configuration> CONFIGURATIONS = new LinkedHashMap<>();

    static {
        CONFIGURATIONS.put("tresor", new Configuration("the shipped policy chain; Alice has an S/MIME key, Bob a"
            + " certificate: tresor-smime, SignSmime + EncryptSmime", RelayBenchmark::shipped,
            SampleTenant::createSmimePairIn, Delivered.SMIME_ENCRYPTED));
        // issue 17's first measurement: sign + encrypt without the policy chain around them
        CONFIGURATIONS.put("smime", new Configuration("only StripTresorHeaders, SignSmime and EncryptSmime (as shipped)"
            + " before RemoteDelivery; keys as tresor", () -> shipped().changingConfiguration(
                conf -> ShippedConfiguration.onlySmimeSignAndEncrypt(conf.resolve("mailetcontainer.xml"))),
            SampleTenant::createSmimePairIn, Delivered.SMIME_ENCRYPTED));
        // issue 17: what the JDK's RSA signature costs beside AWS-LC's (dev.tresor.smime.NativeRsa)
        CONFIGURATIONS.put("smime-jdk-rsa", new Configuration("smime with the JDK's RSA signature instead of AWS-LC's"
            + " (-Dtresor.rsa=jdk)", () -> shipped().changingConfiguration(
                conf -> ShippedConfiguration.onlySmimeSignAndEncrypt(conf.resolve("mailetcontainer.xml")))
                .withSystemProperty("tresor.rsa", "jdk"),
            SampleTenant::createSmimePairIn, Delivered.SMIME_ENCRYPTED));
        CONFIGURATIONS.put("pgp", new Configuration("the shipped policy chain; Alice has an OpenPGP secret key, Bob an"
            + " OpenPGP key, neither S/MIME: tresor-pgp, SignPgp + EncryptPgp", RelayBenchmark::shipped,
            SampleTenant::createPgpPairIn, Delivered.PGP_ENCRYPTED));
        CONFIGURATIONS.put("pdf", new Configuration("the shipped policy chain; Alice has an S/MIME key, Bob only a"
            + " pre-shared PDF password: tresor-pdf, SignSmime + PdfWrap", RelayBenchmark::shipped,
            SampleTenant::createPdfPairIn, Delivered.PDF));
        CONFIGURATIONS.put("sign", new Configuration("the shipped policy chain; Alice has an S/MIME key, Bob nothing:"
            + " tresor-clear, SignSmime only", RelayBenchmark::shipped, SampleTenant::createSmimeSenderIn,
            Delivered.SMIME_SIGNED));
        CONFIGURATIONS.put("plain", new Configuration("the same server with every Tresor mailet and matcher left out",
            () -> shipped().withoutTresorMailets(), SampleTenant::createSmimePairIn, Delivered.CLEAR));
        // issue 17: what James's copy of every dequeued mail cost (DurableMailQueue reads the queue's file instead)
        CONFIGURATIONS.put("plain-dequeue-copy", new Configuration("plain with James's copy of every mail it takes from"
            + " a queue", () -> shipped().withoutTresorMailets().withSystemProperty("tresor.queue.dequeue", "copy"),
            SampleTenant::createSmimePairIn, Delivered.CLEAR));
        // issue 13's "throughput beside memory": the durable default should keep at least 80 % of this one's mails/s
        CONFIGURATIONS.put("tresor-memory-queue", new Configuration("tresor with James's memory queue instead of the"
            + " durable one", () -> shipped().withSystemProperty("tresor.queue", "memory"),
            SampleTenant::createSmimePairIn, Delivered.SMIME_ENCRYPTED));
    }

    private final Options options;
    private final Map<String, ShippedServer> servers = new LinkedHashMap<>();
    private final List<Result> results = new ArrayList<>();

    private RelayBenchmark(Options options) {
        this.options = options;
    }

    public static void main(String[] arguments) throws Exception {
        Options options;
        try {
            options = Options.parse(arguments);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        RelayBenchmark benchmark = new RelayBenchmark(options);
        String wrongChain = null;
        try {
            benchmark.run();
        } catch (WrongChain e) {
            wrongChain = e.getMessage();
        } finally {
            benchmark.stopServers();
        }
        if (wrongChain != null) {
            System.err.println(wrongChain);
            System.exit(1);
        }
        System.exit(0);
    }

    private static String usage() {
        StringBuilder usage = new StringBuilder("usage: RelayBenchmark [--compare tresor,plain] [--mails 3000]"
            + " [--warmup 2000] [--settle 2] [--warmup-max 40000] [--runs 3] [--size 102400] [--sessions 8]"
            + " [--heap 1g] [--together]\n"
            + "configurations (--compare: each is compared with plain, or with the first when plain is not among them;"
            + " name@bytes runs one at another mail size than --size, e.g. plain@146000):\n");
        CONFIGURATIONS.forEach((name, configuration) ->
            usage.append(String.format("  %-20s %s%n", name, configuration.description)));
        return usage.toString();
    }

    /** The shipped server relaying to a sink that keeps the header block of each mail. */
    private static ShippedServer shipped() {
        return ShippedServer.relayingTo(SmtpSink.keepingHeadersOnly());
    }

    private void run() throws Exception {
        System.out.printf("relay benchmark: %s; %d mails of %d bytes per run, %d sessions, %d warm-up mails%s, %d runs"
                + " each, James -Xmx%s, %d cores%n", options.configurations, options.mails, options.size, options.sessions,
            options.warmup, options.settlePercent == 0 ? "" : String.format(" and more until the JIT takes at most %s %%"
                + " of James's CPU (%d at most)", options.settlePercent, options.warmupMax), options.runs, options.heap,
            Runtime.getRuntime().availableProcessors());
        for (String name : options.configurations) {
            // TRESOR_BENCH_JFR=<directory>: each server records a Java Flight Recording (profile settings) there
            String recording = System.getenv("TRESOR_BENCH_JFR") == null ? ""
                : " -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + Path.of(System.getenv("TRESOR_BENCH_JFR"))
                    .toAbsolutePath().resolve("relay-" + name + ".jfr");
            Configuration configuration = CONFIGURATIONS.get(Options.configuration(name));
            ShippedServer server = configuration.server.get().javaOptions("-Xms256m -Xmx" + options.heap + recording);
            servers.put(name, server);
            server.start("RelayBenchmark-" + name);
            configuration.keys.createIn(server, Files.createDirectories(server.home().resolve("bench-keys")));
            System.out.printf("%-8s started: pid %d, log %s%n", name, server.pid(), server.log());
        }
        for (String name : options.configurations) {
            Result warmUp = measure(name, "warm-up", options.warmup);
            System.out.println(warmUp);
            checkDelivered(name);
            settle(name, warmUp);
        }
        for (int run = 1; run <= options.runs; run++) {
            if (options.together) {
                for (Result result : measureTogether("run " + run)) {
                    results.add(result);
                    System.out.println(result);
                }
                continue;
            }
            for (String name : options.configurations) {
                Result result = measure(name, "run " + run, options.mails);
                results.add(result);
                System.out.println(result);
            }
        }
        System.out.println(summary());
    }

    /**
     * Goes on warming a server up, {@value #SETTLE_BATCH} mails at a time, until the JIT compiler's threads took at most
     * {@code --settle} percent of its CPU in two batches in a row (one batch alone can be a lull between two waves of
     * compilation), or {@code --warmup-max} warm-up mails were sent in all: the JIT compiles for tens of thousands of
     * mails (about 25,000 at 100 KB on a 2-core machine), and two servers measured while they still compile are compared
     * by how far their compilers have got, not by their chains.
     */
    private void settle(String name, Result warmUp) throws Exception {
        if (options.settlePercent == 0) {
            return;
        }
        int quietBatches = warmUp.jitPercent() <= options.settlePercent ? 1 : 0;
        Result last = warmUp;
        int sent = options.warmup;
        int batch = 0;
        while (quietBatches < 2 && sent < options.warmupMax) {
            int mails = Math.min(SETTLE_BATCH, options.warmupMax - sent);
            last = measure(name, "settle " + ++batch, mails);
            sent += mails;
            quietBatches = last.jitPercent() <= options.settlePercent ? quietBatches + 1 : 0;
            System.out.println(last);
        }
        System.out.printf("%-8s %s after %d warm-up mails: JIT %.1f %% of James CPU in the last batch (--settle %s)%n",
            name, quietBatches >= 2 ? "settled" : "NOT SETTLED", sent, last.jitPercent(), options.settlePercent);
    }

    /**
     * A run that lost sight of a mail (not accepted, or accepted and not delivered): the server's threads
     * ({@code jcmd <pid> Thread.print}) and this JVM's (the sink's) go to a file beside the server's log, taken before
     * anything is stopped, so that what holds the mail can be seen.
     */
    private void dumpThreadsIfIncomplete(Result result) {
        if (!result.incomplete()) {
            return;
        }
        ShippedServer server = servers.get(result.configuration);
        Path file = server.log().resolveSibling("RelayBenchmark-" + result.configuration + "-" + result.label.replace(' ', '-')
            + "-threads.txt");
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(server.pid()), "Thread.print")
                .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!dump.waitFor(60, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
            }
            StringBuilder own = new StringBuilder("\n=== the benchmark's own threads (clients, sink) ===\n");
            Thread.getAllStackTraces().forEach((thread, frames) -> {
                own.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
                for (StackTraceElement frame : frames) {
                    own.append("\tat ").append(frame).append('\n');
                }
            });
            Files.writeString(file, own, StandardOpenOption.APPEND);
            System.out.printf("%-8s threads at the incomplete %s: %s%n", result.configuration, result.label, file);
        } catch (IOException e) {
            System.out.printf("%-8s no thread dump of the incomplete %s: %s%n", result.configuration, result.label, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Result measure(String name, String label, int mails) throws Exception {
        ShippedServer server = servers.get(name);
        SmtpSink sink = server.sink();
        int deliveredBefore = sink.transactions();
        Path proc = proc(server);
        Files.writeString(proc.resolve("clear_refs"), "5", US_ASCII);
        Ticks before = Ticks.of(proc);
        long othersBefore = idleServersTicks(name);
        long machineBefore = machineBusyTicks();
        long benchBefore = benchCpuNanos();
        long started = System.nanoTime();

        RelayLoad.Run load = new RelayLoad(server, ALICE, PASSWORD, BOB, options.sessions, options.size(name))
            .start(name + "-" + label.replace(' ', '-') + "-" + started, mails, Duration.ofMinutes(30));
        RelayLoad.Outcome outcome = load.await();
        awaitDeliveries(sink, deliveredBefore + outcome.accepted().size());
        long elapsed = System.nanoTime() - started;
        Ticks after = Ticks.of(proc);
        long jamesTicks = after.cpu - before.cpu;
        long[] jitAndGc = jitAndGcTicks(before.threads, after.threads);
        long idleServers = idleServersTicks(name) - othersBefore;
        long machineTicks = machineBusyTicks() - machineBefore;
        double benchSeconds = (benchCpuNanos() - benchBefore) / 1e9;
        int delivered = sink.transactions() - deliveredBefore;
        List<SmtpSink.ReceivedMail> received = sink.received();
        long deliveredBytes = received.subList(Math.min(deliveredBefore, received.size()), received.size()).stream()
            .mapToLong(SmtpSink.ReceivedMail::size).sum();

        double jamesSeconds = (double) jamesTicks / CLOCK_TICKS_PER_SECOND;
        double othersSeconds = Math.max(0, (double) machineTicks / CLOCK_TICKS_PER_SECOND - jamesSeconds
            - (double) idleServers / CLOCK_TICKS_PER_SECOND - benchSeconds);
        Result result = new Result(name, label, mails, outcome.accepted().size(), delivered, deliveredBytes, elapsed / 1e9,
            jamesSeconds, (double) jitAndGc[0] / CLOCK_TICKS_PER_SECOND, (double) jitAndGc[1] / CLOCK_TICKS_PER_SECOND,
            peakRssMegabytes(proc), benchSeconds, (double) idleServers / CLOCK_TICKS_PER_SECOND, othersSeconds);
        dumpThreadsIfIncomplete(result);
        result.threads = threadGroups(before.threads, after.threads, delivered, after.system - before.system);
        return result;
    }

    /**
     * {@code --together}: one run of every server at once, each with its own {@code --sessions} clients and
     * {@code --mails} mails, measured over the same window of time: from the moment every server has delivered a tenth
     * of its mails to the moment the first one has accepted nine tenths (every client of every server still sending).
     * The servers then share the machine's speed as well as its load: this machine's CPU time per unit of work drifts
     * by a third within a minute (a settled server's thousand-mail batches took 6.6 to 9.0 ms per mail, every thread
     * alike), which alternating runs of half a minute each do not even out. Per server: mails delivered in the window,
     * its CPU over them, its accepted-but-undelivered mails at both ends of the window (the queue's backlog; CPU per
     * delivered mail counts the intake of a growing backlog too, so the line gives the backlog's growth), peak RSS
     * over the whole run. mails/s is each server's share of one machine and is not comparable with alternating runs.
     */
    private List<Result> measureTogether(String label) throws Exception {
        List<String> names = options.configurations;
        Map<String, Snapshot> before = new LinkedHashMap<>();
        Map<String, RelayLoad.Run> loads = new LinkedHashMap<>();
        Map<String, Integer> deliveredBefore = new LinkedHashMap<>();
        for (String name : names) {
            ShippedServer server = servers.get(name);
            Files.writeString(proc(server).resolve("clear_refs"), "5", US_ASCII);
            deliveredBefore.put(name, server.sink().transactions());
        }
        long started = System.nanoTime();
        for (String name : names) {
            ShippedServer server = servers.get(name);
            loads.put(name, new RelayLoad(server, ALICE, PASSWORD, BOB, options.sessions, options.size(name))
                .start(name + "-" + label.replace(' ', '-') + "-" + started, options.mails, Duration.ofMinutes(30)));
        }
        long deadline = started + Duration.ofMinutes(30).toNanos();
        // the window opens when every server has delivered a tenth of its mails
        while (names.stream().anyMatch(name -> delivered(name, deliveredBefore) < options.mails / 10)
            && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long machineBefore = machineBusyTicks();
        long benchBefore = benchCpuNanos();
        for (String name : names) {
            before.put(name, Snapshot.of(servers.get(name), loads.get(name), delivered(name, deliveredBefore)));
        }
        // and closes when the first has accepted nine tenths: until then every client of every server is sending
        while (loads.values().stream().allMatch(load -> load.acceptedSoFar() < options.mails * 9 / 10)
            && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Map<String, Snapshot> after = new LinkedHashMap<>();
        for (String name : names) {
            after.put(name, Snapshot.of(servers.get(name), loads.get(name), delivered(name, deliveredBefore)));
        }
        long machineTicks = machineBusyTicks() - machineBefore;
        double benchSeconds = (benchCpuNanos() - benchBefore) / 1e9;
        Map<String, RelayLoad.Outcome> outcomes = new LinkedHashMap<>();
        for (String name : names) {
            outcomes.put(name, loads.get(name).await());
        }
        List<Result> window = new ArrayList<>();
        double serversSeconds = 0;
        for (String name : names) {
            serversSeconds += (double) (after.get(name).ticks.cpu - before.get(name).ticks.cpu) / CLOCK_TICKS_PER_SECOND;
        }
        double othersSeconds = Math.max(0, (double) machineTicks / CLOCK_TICKS_PER_SECOND - serversSeconds - benchSeconds);
        for (String name : names) {
            ShippedServer server = servers.get(name);
            SmtpSink sink = server.sink();
            awaitDeliveries(sink, deliveredBefore.get(name) + outcomes.get(name).accepted().size());
            Snapshot from = before.get(name);
            Snapshot to = after.get(name);
            int delivered = to.delivered - from.delivered;
            List<SmtpSink.ReceivedMail> received = sink.received();
            int first = deliveredBefore.get(name) + from.delivered;
            long deliveredBytes = received.subList(Math.min(first, received.size()), Math.min(first + delivered, received.size()))
                .stream().mapToLong(SmtpSink.ReceivedMail::size).sum();
            long[] jitAndGc = jitAndGcTicks(from.ticks.threads, to.ticks.threads);
            // sent and accepted as delivered: the window counts delivered mails; what was accepted is in the backlog
            Result result = new Result(name, label, delivered, delivered, delivered,
                deliveredBytes, (to.nanos - from.nanos) / 1e9, (double) (to.ticks.cpu - from.ticks.cpu) / CLOCK_TICKS_PER_SECOND,
                (double) jitAndGc[0] / CLOCK_TICKS_PER_SECOND, (double) jitAndGc[1] / CLOCK_TICKS_PER_SECOND,
                peakRssMegabytes(proc(server)), benchSeconds, 0, othersSeconds);
            result.threads = threadGroups(from.ticks.threads, to.ticks.threads, delivered, to.ticks.system - from.ticks.system);
            result.backlog = String.format("backlog %d -> %d mails", from.accepted - from.delivered, to.accepted - to.delivered);
            int lost = outcomes.get(name).accepted().size() - (sink.transactions() - deliveredBefore.get(name));
            if (lost > 0 || outcomes.get(name).accepted().size() < options.mails) {
                result.backlog += String.format("; the whole run: %d of %d accepted, %d of them not delivered (INCOMPLETE:"
                    + " see the server's log)", outcomes.get(name).accepted().size(), options.mails, Math.max(0, lost));
            }
            window.add(result);
        }
        return window;
    }

    private int delivered(String name, Map<String, Integer> deliveredBefore) {
        return servers.get(name).sink().transactions() - deliveredBefore.get(name);
    }

    /** One server at one moment of a {@code --together} run. */
    private static final class Snapshot {
        final long nanos;
        final Ticks ticks;
        final int accepted;
        final int delivered;

        private Snapshot(long nanos, Ticks ticks, int accepted, int delivered) {
            this.nanos = nanos;
            this.ticks = ticks;
            this.accepted = accepted;
            this.delivered = delivered;
        }

        static Snapshot of(ShippedServer server, RelayLoad.Run load, int delivered) throws IOException {
            return new Snapshot(System.nanoTime(), Ticks.of(proc(server)),
                load.acceptedSoFar(), delivered);
        }
    }

    /** A process's CPU so far, in clock ticks: utime + stime, stime alone, and each thread's utime + stime. */
    private static final class Ticks {
        final long cpu;
        final long system;
        final Map<String, Long> threads;

        private Ticks(long cpu, long system, Map<String, Long> threads) {
            this.cpu = cpu;
            this.system = system;
            this.threads = threads;
        }

        static Ticks of(Path proc) throws IOException {
            String stat = Files.readString(proc.resolve("stat"), US_ASCII);
            // stime is field 15, the 13th after the command name
            return new Ticks(cpuTicks(stat), Long.parseLong(statFields(stat)[12]), threadTicks(proc));
        }
    }

    /** Waits until the sink has received {@code expected} mails in all, five minutes at most. */
    private static void awaitDeliveries(SmtpSink sink, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (sink.transactions() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /**
     * Throws unless every mail the server delivered so far (the warm-up's) looks as the configuration's chain makes it,
     * judged by its top-level header block: a run must never measure another chain than its name says (a key missing,
     * a changed default policy, a configuration edit that no longer applies).
     */
    private void checkDelivered(String name) throws WrongChain, MessagingException {
        ShippedServer server = servers.get(name);
        Delivered expected = CONFIGURATIONS.get(Options.configuration(name)).delivered;
        List<SmtpSink.ReceivedMail> received = server.sink().received();
        int wrong = 0;
        String firstWrong = null;
        for (SmtpSink.ReceivedMail mail : received) {
            InternetHeaders headers = new InternetHeaders(new ByteArrayInputStream(mail.data()));
            if (!expected.matches(headers)) {
                wrong++;
                if (firstWrong == null) {
                    String type = headers.getHeader("Content-Type", null);
                    String protection = headers.getHeader(AppliedProtections.HEADER, null);
                    firstWrong = "Content-Type: " + (type == null ? "(none)" : type.replaceAll("\\s*\\r?\\n\\s+", " "))
                        + (protection == null ? "" : ", " + AppliedProtections.HEADER + ": " + protection);
                }
            }
        }
        if (received.isEmpty() || wrong > 0) {
            throw new WrongChain(String.format("WRONG CHAIN: %s should deliver %s, but %s. It would not measure what its"
                    + " name says; nothing was measured. The server's log: %s", name, expected.description,
                received.isEmpty() ? "the sink received nothing" : wrong + " of the " + received.size()
                    + " mails the sink received are not that, the first has " + firstWrong, server.log()));
        }
        System.out.printf("%-8s checked: all %d mails delivered are %s%n", name, received.size(), expected.description);
    }

    /** The CPU the servers not under measurement spent meanwhile (idle, but their timers and GC run). */
    private long idleServersTicks(String measured) throws IOException {
        long ticks = 0;
        for (Map.Entry<String, ShippedServer> server : servers.entrySet()) {
            if (!server.getKey().equals(measured)) {
                ticks += cpuTicks(proc(server.getValue()));
            }
        }
        return ticks;
    }

    /** utime + stime of a process, in clock ticks (fields 14 and 15 of /proc/pid/stat). */
    private static long cpuTicks(Path proc) throws IOException {
        return cpuTicks(Files.readString(proc.resolve("stat"), US_ASCII));
    }

    /** The server's directory in {@code /proc}. */
    private static Path proc(ShippedServer server) {
        return Path.of("/proc", Long.toString(server.pid()));
    }

    /** utime + stime from the text of a {@code stat} file of {@code /proc}. */
    private static long cpuTicks(String stat) {
        String[] fields = statFields(stat);
        // fields[0] is field 3 (state): utime is field 14, stime field 15
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The fields of a {@code stat} file after the command name (which may hold spaces), from field 3 on. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** utime + stime of every thread of a process now, by "tid name" (name as in {@code /proc/<pid>/task/<tid>/comm}). */
    private static Map<String, Long> threadTicks(Path proc) throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"), US_ASCII);
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    ticks.put(task.getFileName() + " " + name, cpuTicks(stat));
                } catch (IOException ended) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return ticks;
    }

    /**
     * Where a run's CPU went inside the server, without a profiler: ms per mail of the threads grouped by name (the
     * digits that number a pool's threads dropped: {@code RemoteDelivery}, {@code ActiveMQ Broker}, {@code spooler},
     * ...), the busiest twelve first, after the kernel's part (stime) of the whole process, which the threads' figures
     * include. Two servers whose totals differ more than their chains can explain show here which threads differ.
     */
    static String threadGroups(Map<String, Long> before, Map<String, Long> after, int delivered, long systemTicks) {
        Map<String, Long> groups = new LinkedHashMap<>();
        for (Map.Entry<String, Long> thread : after.entrySet()) {
            String name = thread.getKey().substring(thread.getKey().indexOf(' ') + 1)
                .replaceAll("[-#_ ]+\\d+(?=$|[-#_ ])", "").replaceAll("[-#_ ]+$", "");
            groups.merge(name, thread.getValue() - before.getOrDefault(thread.getKey(), 0L), Long::sum);
        }
        double perMail = 1000.0 / CLOCK_TICKS_PER_SECOND / Math.max(1, delivered);
        StringBuilder line = new StringBuilder(String.format("kernel %.2f;", systemTicks * perMail));
        groups.entrySet().stream().filter(group -> group.getValue() > 0)
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
            .forEach(group -> line.append(String.format(" %s %.2f,", group.getKey(), group.getValue() * perMail)));
        return line.substring(0, line.length() - 1);
    }

    /** The ticks the JIT compiler's threads and the garbage collector's threads spent between two snapshots. */
    private static long[] jitAndGcTicks(Map<String, Long> before, Map<String, Long> after) {
        long[] jitAndGc = new long[2];
        for (Map.Entry<String, Long> thread : after.entrySet()) {
            String name = thread.getKey().substring(thread.getKey().indexOf(' ') + 1);
            long spent = thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
            if (name.matches("C\\d CompilerThre.*")) {
                jitAndGc[0] += spent;
            } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                jitAndGc[1] += spent;
            }
        }
        return jitAndGc;
    }

    /** Every CPU's busy time (all but idle and iowait) since boot, in clock ticks, from the first line of /proc/stat. */
    private static long machineBusyTicks() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat"), US_ASCII).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < Math.min(cpu.length, 9); i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(cpu[i]);
            }
        }
        return busy;
    }

    private static long peakRssMegabytes(Path proc) throws IOException {
        for (String line : Files.readAllLines(proc.resolve("status"), US_ASCII)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException(proc + "/status has no VmHWM");
    }

    private static long benchCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private String summary() {
        StringBuilder summary = new StringBuilder("\n=== summary: median of the runs, [min - max] ===\n");
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (String name : options.configurations) {
            List<Result> runs = runsOf(name);
            double[] rates = runs.stream().mapToDouble(Result::mailsPerSecond).sorted().toArray();
            double[] cpu = runs.stream().mapToDouble(Result::cpuMillisPerMail).sorted().toArray();
            double[] rss = runs.stream().mapToDouble(result -> result.peakRssMegabytes).sorted().toArray();
            double[] bytes = runs.stream().mapToDouble(Result::deliveredBytesPerMail).sorted().toArray();
            long disturbed = runs.stream().filter(Result::disturbed).count();
            medians.put(name, new double[] {median(rates), median(cpu), median(rss)});
            summary.append(String.format("%-8s %7.1f mails/s [%.1f - %.1f]   CPU %6.2f ms/mail [%.2f - %.2f]   peak RSS %5.0f MB"
                    + " [%.0f - %.0f]   %.0f bytes per mail delivered%s%n", name, median(rates), rates[0], rates[rates.length - 1],
                median(cpu), cpu[0], cpu[cpu.length - 1], median(rss), rss[0], rss[rss.length - 1], median(bytes),
                disturbed > 0 ? "   (" + disturbed + " of " + runs.size() + " runs DISTURBED)" : ""));
        }
        if (options.configurations.size() >= 2) {
            // every ratio against the plain relay when it runs (issue 17's targets are such ratios), else the first
            String baseline = options.configurations.contains("plain") ? "plain" : options.configurations.get(0);
            for (String other : options.configurations) {
                if (other.equals(baseline)) {
                    continue;
                }
                double[] a = medians.get(other);
                double[] b = medians.get(baseline);
                summary.append(String.format("%s / %s: mails/s %.2f, CPU per mail %.2fx, peak RSS %.2fx%n", other, baseline,
                    a[0] / b[0], a[1] / b[1], a[2] / b[2]));
                // the runs paired as they ran (run i of each): how far one pair can stray from the medians
                List<Double> pairs = new ArrayList<>();
                List<Result> mine = runsOf(other);
                List<Result> theirs = runsOf(baseline);
                for (int i = 0; i < Math.min(mine.size(), theirs.size()); i++) {
                    pairs.add(mine.get(i).cpuMillisPerMail() / theirs.get(i).cpuMillisPerMail());
                }
                summary.append(String.format("    CPU per mail, run by run: %s; median of the pairs %.2fx%n",
                    pairs.stream().map(ratio -> String.format("%.2fx", ratio)).collect(Collectors.joining(" ")),
                    median(pairs.stream().mapToDouble(Double::doubleValue).sorted().toArray())));
            }
        }
        return summary.toString();
    }

    private List<Result> runsOf(String configuration) {
        return results.stream().filter(result -> result.configuration.equals(configuration)).collect(Collectors.toList());
    }

    private static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private void stopServers() {
        servers.values().forEach(ShippedServer::stop);
    }

    /** A configuration: its server, the keys its tenant gets once the server runs, what a mail it delivers looks like. */
    private static final class Configuration {
        final String description;
        final Supplier<ShippedServer> server;
        final Keys keys;
        final Delivered delivered;

        Configuration(String description, Supplier<ShippedServer> server, Keys keys, Delivered delivered) {
            this.description = description;
            this.server = server;
            this.keys = keys;
            this.delivered = delivered;
        }
    }

    /** Creates the domain, Alice, the tenant and the keys in a started server, e.g. {@link SampleTenant#createSmimePairIn}. */
    @FunctionalInterface
    private interface Keys {
        void createIn(ShippedServer server, Path directory) throws Exception;
    }

    /** What Alice's text/plain mail to Bob has become at the sink, told by its top-level header block. */
    private enum Delivered {
        SMIME_ENCRYPTED("application/pkcs7-mime; smime-type=enveloped-data",
            type -> (type.match("application/pkcs7-mime") || type.match("application/x-pkcs7-mime"))
                && "enveloped-data".equalsIgnoreCase(type.getParameter("smime-type"))),
        PGP_ENCRYPTED("multipart/encrypted; protocol=application/pgp-encrypted",
            type -> type.match("multipart/encrypted") && "application/pgp-encrypted".equalsIgnoreCase(type.getParameter("protocol"))),
        /** PdfWrap's message: a text part and the PDF in a multipart/mixed, marked by X-Tresor-Protection: pdf. */
        PDF("multipart/mixed with X-Tresor-Protection: pdf", type -> type.match("multipart/mixed")),
        SMIME_SIGNED("multipart/signed; protocol=application/pkcs7-signature",
            type -> type.match("multipart/signed") && ("application/pkcs7-signature".equalsIgnoreCase(type.getParameter("protocol"))
                || "application/x-pkcs7-signature".equalsIgnoreCase(type.getParameter("protocol")))),
        CLEAR("text/plain", type -> type.match("text/plain"));

        final String description;
        private final Predicate<ContentType> contentType;

        Delivered(String description, Predicate<ContentType> contentType) {
            this.description = description;
            this.contentType = contentType;
        }

        boolean matches(InternetHeaders headers) {
            // MIME: a message without Content-Type is text/plain
            String type = Optional.ofNullable(headers.getHeader("Content-Type", null)).orElse("text/plain");
            boolean markedPdf = AppliedProtections.PDF.equals(headers.getHeader(AppliedProtections.HEADER, null));
            try {
                return contentType.test(new ContentType(type)) && markedPdf == (this == PDF);
            } catch (ParseException e) {
                return false;
            }
        }
    }

    /** The chain did not deliver what the configuration's name promises: nothing may be measured. */
    private static final class WrongChain extends Exception {
        private static final long serialVersionUID = 1L;

        WrongChain(String message) {
            super(message);
        }
    }

    /** One run's figures. */
    private static final class Result {
        final String configuration;
        final String label;
        final int sent;
        final int accepted;
        final int delivered;
        final long deliveredBytes;
        final double seconds;
        final double jamesCpuSeconds;
        final double jitCpuSeconds;
        final double gcCpuSeconds;
        final long peakRssMegabytes;
        final double benchCpuSeconds;
        final double idleServersCpuSeconds;
        final double othersCpuSeconds;
        /** James's CPU per mail by thread group and the kernel's share ({@link #threadGroups}). */
        String threads = "";
        /** {@code --together}: the queue's backlog at both ends of the window. */
        String backlog = "";

        Result(String configuration, String label, int sent, int accepted, int delivered, long deliveredBytes, double seconds,
               double jamesCpuSeconds, double jitCpuSeconds, double gcCpuSeconds, long peakRssMegabytes,
               double benchCpuSeconds, double idleServersCpuSeconds, double othersCpuSeconds) {
            this.configuration = configuration;
            this.label = label;
            this.sent = sent;
            this.accepted = accepted;
            this.delivered = delivered;
            this.deliveredBytes = deliveredBytes;
            this.seconds = seconds;
            this.jamesCpuSeconds = jamesCpuSeconds;
            this.jitCpuSeconds = jitCpuSeconds;
            this.gcCpuSeconds = gcCpuSeconds;
            this.peakRssMegabytes = peakRssMegabytes;
            this.benchCpuSeconds = benchCpuSeconds;
            this.idleServersCpuSeconds = idleServersCpuSeconds;
            this.othersCpuSeconds = othersCpuSeconds;
        }

        double mailsPerSecond() {
            return delivered / seconds;
        }

        /** The mean size of the mails the sink received, as they left the gateway (signed, encrypted, ...). */
        long deliveredBytesPerMail() {
            return deliveredBytes / Math.max(1, delivered);
        }

        double cpuMillisPerMail() {
            return jamesCpuSeconds * 1000 / Math.max(1, delivered);
        }

        /** The part of James's CPU the JIT compiler's threads spent, in percent. */
        double jitPercent() {
            return jamesCpuSeconds == 0 ? 0 : 100 * jitCpuSeconds / jamesCpuSeconds;
        }

        boolean incomplete() {
            return accepted < sent || delivered < accepted;
        }

        boolean disturbed() {
            return othersCpuSeconds / seconds > DISTURBED_CORES;
        }

        @Override
        public String toString() {
            return String.format("%-8s %-8s %5d sent %5d accepted %5d delivered in %6.1f s: %7.1f mails/s, James CPU"
                    + " %6.2f ms/mail (JIT %.2f, GC %.2f), peak RSS %5d MB, %d bytes per mail delivered; CPU s: bench %.1f,"
                    + " idle servers %.1f, others %.1f%s", configuration,
                label, sent, accepted, delivered, seconds, mailsPerSecond(), cpuMillisPerMail(),
                jitCpuSeconds * 1000 / Math.max(1, delivered), gcCpuSeconds * 1000 / Math.max(1, delivered), peakRssMegabytes,
                deliveredBytesPerMail(), benchCpuSeconds, idleServersCpuSeconds, othersCpuSeconds, disturbed() ? "  DISTURBED" : "")
                + (incomplete() ? "  (INCOMPLETE: see the server's log)" : "")
                + (backlog.isEmpty() ? "" : "; " + backlog)
                + (threads.isEmpty() ? "" : String.format("%n%-8s %-8s   ms/mail by thread: %s", configuration, label, threads));
        }
    }

    /** The command line. */
    static final class Options {
        List<String> configurations = List.of("tresor", "plain");
        int mails = 3000;
        int warmup = 2000;
        int runs = 3;
        int size = 100 * 1024;
        int sessions = 8;
        String heap = "1g";
        double settlePercent = 2;
        int warmupMax = 40_000;
        boolean together;

        static Options parse(String[] arguments) {
            Options options = new Options();
            for (int i = 0; i < arguments.length; i++) {
                String name = arguments[i];
                if (name.equals("--together")) {
                    options.together = true;
                    continue;
                }
                if (i + 1 >= arguments.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = arguments[++i];
                switch (name) {
                    case "--compare":
                        options.configurations = List.of(value.split(","));
                        for (String configuration : options.configurations) {
                            if (!CONFIGURATIONS.containsKey(configuration(configuration))) {
                                throw new IllegalArgumentException("Unknown configuration " + configuration);
                            }
                            if (configuration.contains("@")) {
                                positive(configuration, configuration.substring(configuration.indexOf('@') + 1));
                            }
                        }
                        if (new java.util.HashSet<>(options.configurations).size() < options.configurations.size()) {
                            throw new IllegalArgumentException("A configuration is named twice in " + value);
                        }
                        break;
                    case "--mails":
                        options.mails = positive(name, value);
                        break;
                    case "--warmup":
                        options.warmup = positive(name, value);
                        break;
                    case "--runs":
                        options.runs = positive(name, value);
                        break;
                    case "--size":
                        options.size = positive(name, value);
                        break;
                    case "--sessions":
                        options.sessions = positive(name, value);
                        break;
                    case "--heap":
                        options.heap = value;
                        break;
                    case "--settle":
                        options.settlePercent = percent(name, value);
                        break;
                    case "--warmup-max":
                        options.warmupMax = positive(name, value);
                        break;
                    default:
                        throw new IllegalArgumentException("Unknown option " + name);
                }
            }
            return options;
        }

        private static double percent(String name, String value) {
            try {
                double number = Double.parseDouble(value);
                if (number >= 0 && number <= 100) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // the message below says what is wanted
            }
            throw new IllegalArgumentException(name + " needs a percentage from 0 (no settling) to 100, not " + value);
        }

        /** The configuration a {@code --compare} entry names: {@code plain} of {@code plain@146000}. */
        static String configuration(String entry) {
            int at = entry.indexOf('@');
            return at < 0 ? entry : entry.substring(0, at);
        }

        /**
         * The size of the mails sent to an entry's server: {@code --size}, or the size after its {@code @}. The same
         * chain at two sizes in one session ({@code plain,plain@146000,smime}) tells what James's own work costs for
         * the larger message a chain delivers (an encrypted mail is about 40 % larger than the one submitted).
         */
        int size(String entry) {
            int at = entry.indexOf('@');
            return at < 0 ? size : Integer.parseInt(entry.substring(at + 1));
        }

        private static int positive(String name, String value) {
            try {
                int number = Integer.parseInt(value);
                if (number > 0) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // the message below says what is wanted
            }
            throw new IllegalArgumentException(name + " needs a positive whole number, not " + value);
        }
    }
}
