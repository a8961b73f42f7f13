package dev.tresor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import dev.tresor.attributes.FailureReason;
import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.TenantId;
import dev.tresor.mailets.PdfWrap;
import dev.tresor.mailets.TestVaults;
import dev.tresor.mime.ByteSink;
import dev.tresor.pdf.PdfFixtures;
import dev.tresor.pdf.PdfFonts;
import dev.tresor.pdf.PdfProtection;
import dev.tresor.pdf.PdfWrapper;
import dev.tresor.smime.SmimeFixtures;

/**
 * PDFs per second for three mails: 100 KB of text in four scripts, 1 MB with a body and three attachments, 10 MB with
 * one attachment; the engine alone and the whole mailet (pre-shared password from an in-memory key repository,
 * outgoing mail composed, audit written). After each iteration the peak heap of that iteration is printed
 * ("peak heap: N MiB"), from the JVM's memory pools, reset before the iteration; run with {@code -prof gc} for the
 * bytes allocated per PDF as well.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
public class PdfWrapBenchmark {
    @Param({"text-100k", "attachments-1m", "large-10m"})
    public String mail;

    private byte[] raw;
    private PdfWrapper wrapper;
    private PdfWrap mailet;
    private Path directory;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        raw = SmimeFixtures.bytes(message(mail));
        wrapper = new PdfWrapper(PdfFonts.defaults(), PdfProtection.DEFAULT);
        directory = Files.createTempDirectory("pdfwrap-bench");
        TestVaults vaults = TestVaults.create(directory, Clock.systemUTC());
        TenantId acme = vaults.tenant("acme", "acme.example");
        vaults.repository().pdfPasswords().set(acme, EmailAddress.of("bob@partner.example"), "benchmark-password".toCharArray());
        mailet = new PdfWrap(vaults.repository(), vaults.tenantResolver());
        mailet.init(FakeMailetConfig.builder().mailetName("PdfWrap")
            .mailetContext(FakeMailContext.builder().postmaster(new MailAddress("postmaster@acme.example")).build()).build());
    }

    @Setup(Level.Iteration)
    public void resetPeak() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    @TearDown(Level.Iteration)
    public void printPeak() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("peak heap: " + peak / (1024 * 1024) + " MiB (" + mail + ")");
    }

    @Benchmark
    public int engine() throws Exception {
        ByteSink pdf = new ByteSink(raw.length);
        wrapper.wrap(SmimeFixtures.parse(raw), "benchmark-password".toCharArray(), pdf);
        return pdf.size();
    }

    @Benchmark
    public Mail mailet() throws Exception {
        Mail mail = FakeMail.builder().name("bench").mimeMessage(SmimeFixtures.parse(raw)).sender("alice@acme.example")
            .recipients("bob@partner.example").state("relay").build();
        mailet.service(mail);
        if (!"relay".equals(mail.getState())) {
            throw new IllegalStateException("not wrapped: " + mail.getAttribute(FailureReason.NAME));
        }
        return mail;
    }

    static MimeMessage message(String kind) throws Exception {
        switch (kind) {
            case "text-100k":
                return SmimeFixtures.textMail("alice@acme.example", "bob@partner.example", text(100 * 1024));
            case "attachments-1m":
                return withAttachments(text(20 * 1024), SmimeFixtures.randomBytes(600 * 1024, 1),
                    text(250 * 1024).getBytes(StandardCharsets.UTF_8), PdfFixtures.png(600, 400));
            case "large-10m":
                return SmimeFixtures.mailWithAttachment("alice@acme.example", "bob@partner.example", SmimeFixtures.randomBytes(10 * 1024 * 1024, 3));
            default:
                throw new IllegalArgumentException(kind);
        }
    }

    /** Business prose in the four scripts of the tests, line by line, to the given size in bytes. */
    private static String text(int bytes) {
        String[] lines = {PdfFixtures.GERMAN, "The quarterly figures are attached; please review them before Friday's call.",
            PdfFixtures.JAPANESE, PdfFixtures.GREEK, PdfFixtures.RUSSIAN, ""};
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() * 1.3 < bytes; i++) {
            text.append(lines[i % lines.length]).append('\n');
        }
        return text.toString();
    }

    private static MimeMessage withAttachments(String body, byte[] binary, byte[] document, byte[] picture) throws Exception {
        String raw = "From: alice@acme.example\r\nTo: bob@partner.example\r\nSubject: Figures\r\nMessage-ID: <bench@acme.example>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            + "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + Base64.getMimeEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)) + "\r\n"
            + part("application/octet-stream", "data.bin", binary) + part("text/csv", "figures.csv", document)
            + part("image/png", "chart.png", picture) + "--b--\r\n";
        return SmimeFixtures.parse(raw.getBytes(StandardCharsets.US_ASCII));
    }

    private static String part(String type, String name, byte[] content) {
        return "--b\r\nContent-Type: " + type + "; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name
            + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Base64.getMimeEncoder().encodeToString(content) + "\r\n";
    }
}
