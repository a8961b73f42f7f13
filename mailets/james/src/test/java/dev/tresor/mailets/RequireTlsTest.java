package dev.tresor.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.james.queue.api.ManageableMailQueue;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.RawMailQueueItemDecoratorFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.DeliveryAttempts;
import dev.tresor.attributes.FailureReason;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.TlsPolicy;
import dev.tresor.attributes.RequireTlsOption;
import dev.tresor.tls.LoopbackSmtpServer;
import dev.tresor.tls.MtaStsSource;
import dev.tresor.tls.StallingSmtpServer;
import dev.tresor.tls.TlsTestPki;

/**
 * RequireTls against real SMTP servers on loopback, as "the Internet": mx.good.example offers STARTTLS with a
 * certificate from the test CA, mx.plain.example offers no STARTTLS, mx.wrongname.example offers STARTTLS with a
 * certificate for another name, mx.slow.example accepts connections and never answers. Each is the MX of its domain in
 * the test DNS. The mailet delivers from James's in-memory mail queue on its own threads, as it does in James.
 */
class RequireTlsTest {
    private static final String GOOD = "alice@good.example";
    private static final String PLAIN = "bob@plain.example";
    private static final String WRONG_NAME = "carol@wrongname.example";
    private static final String UNREACHABLE = "dave@down.example";
    private static final String SLOW = "erin@slow.example";
    private static final String SENDER = "sender@acme.example";
    private static final String PROCESSOR = "tls-required";

    @TempDir
    static Path pkiDirectory;
    private static TlsTestPki pki;
    private static LoopbackSmtpServer good;
    private static LoopbackSmtpServer plain;
    private static LoopbackSmtpServer wrongName;
    private static LoopbackSmtpServer oldTls;
    private static StallingSmtpServer slow;
    private static TestDns dns;
    private static final AtomicInteger QUEUES = new AtomicInteger();

    @TempDir
    Path directory;
    private TestVaults vaults;
    private TenantId acme;
    private FakeMailContext context;
    private TestClock clock;
    private MemoryMailQueueFactory queues;
    private final List<RequireTls> running = new ArrayList<>();

    @BeforeAll
    static void startServers() {
        pki = new TlsTestPki(pkiDirectory);
        good = LoopbackSmtpServer.start("127.0.0.1", 0, "mx.good.example", Optional.of(pki.server("good", "mx.good.example")));
        int port = good.port();
        plain = LoopbackSmtpServer.start("127.0.0.2", port, "mx.plain.example", Optional.empty());
        wrongName = LoopbackSmtpServer.start("127.0.0.3", port, "mx.wrongname.example",
            Optional.of(pki.server("wrongname", "mx.other.example")));
        oldTls = LoopbackSmtpServer.start("127.0.0.5", port, "mx.old.example", Optional.of(pki.server("old", "mx.old.example")),
            "TLSv1.2");
        slow = StallingSmtpServer.start("127.0.0.6", port);
        dns = new TestDns(
            Map.of("good.example", "mx.good.example", "plain.example", "mx.plain.example",
                "wrongname.example", "mx.wrongname.example", "down.example", "mx.down.example", "old.example", "mx.old.example",
                "slow.example", "mx.slow.example"),
            Map.of("mx.good.example", "127.0.0.1", "mx.plain.example", "127.0.0.2", "mx.wrongname.example", "127.0.0.3",
                "mx.down.example", "127.0.0.4", "mx.old.example", "127.0.0.5", "mx.slow.example", "127.0.0.6"));
    }

    @AfterAll
    static void stopServers() {
        good.close();
        plain.close();
        wrongName.close();
        oldTls.close();
        slow.close();
    }

    @BeforeEach
    void setUp() {
        clock = new TestClock(Instant.parse("2026-11-22T10:00:00Z"));
        vaults = TestVaults.create(directory, clock);
        acme = vaults.tenant("acme", "acme.example");
        context = FakeMailContext.defaultContext();
        queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory());
    }

    @AfterEach
    void stopMailets() {
        running.forEach(RequireTls::destroy);
    }

    /** A started mailet on a queue of its own (unless the parameters name one), stopped after the test. */
    private RequireTls mailet(String... parameters) throws MessagingException {
        return mailet(Optional.empty(), clock, parameters);
    }

    private RequireTls mailet(Optional<MtaStsSource> mtaSts, Clock clock, String... parameters) throws MessagingException {
        RequireTls mailet = new RequireTls(vaults.repository(), vaults.tenantResolver(), dns, queues, clock,
            Duration.ofMillis(500), mtaSts);
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("RequireTls").mailetContext(context)
            .setProperty("trustedCertificates", pki.caCertificate().toString())
            .setProperty("port", String.valueOf(good.port()))
            .setProperty("heloName", "gateway.test")
            .setProperty("connectTimeout", "2s")
            .setProperty("readTimeout", "5s")
            .setProperty("outgoingQueue", "test-" + QUEUES.incrementAndGet());
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        running.add(mailet);
        return mailet;
    }

    private MemoryMailQueueFactory.MemoryCacheableMailQueue queueOf(RequireTls mailet) {
        return queues.getQueue(MailQueueName.of(mailet.getInitParameter("outgoingQueue"))).orElseThrow();
    }

    /** service(), as the spooler calls it, then waits until the delivery threads have done what is due now. */
    private void deliver(RequireTls mailet, Mail mail) throws Exception {
        mailet.service(mail);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        awaitIdle(queueOf(mailet));
    }

    /** Nothing being delivered and nothing due: whatever is left waits for a later attempt. */
    private static void awaitIdle(ManageableMailQueue queue) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int idleChecks = 0;
        while (idleChecks < 3) {
            assertThat(System.nanoTime() - deadline).as("queue idle within 30 s").isNegative();
            Thread.sleep(20);
            idleChecks = isIdle(queue) ? idleChecks + 1 : 0;
        }
    }

    private static boolean isIdle(ManageableMailQueue queue) throws Exception {
        List<ManageableMailQueue.MailQueueItemView> waiting = waiting(queue);
        ZonedDateTime now = ZonedDateTime.now();
        return queue.getSize() == waiting.size()
            && waiting.stream().allMatch(item -> item.getNextDelivery().map(now::isBefore).orElse(false));
    }

    private static List<ManageableMailQueue.MailQueueItemView> waiting(ManageableMailQueue queue) throws Exception {
        List<ManageableMailQueue.MailQueueItemView> items = new ArrayList<>();
        queue.browse().forEachRemaining(items::add);
        return items;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as(what + " within 30 s").isNegative();
            Thread.sleep(20);
        }
    }

    private Mail mail(String subject, String... recipients) throws MessagingException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(SENDER);
        message.setSubject(subject);
        message.setText("Confidential figures.\n.\nA line with a lone dot above.\n");
        message.saveChanges();
        return FakeMail.builder().name("mail-" + System.nanoTime()).mimeMessage(message).sender(SENDER)
            .recipients(recipients).state(PROCESSOR).build();
    }

    private static List<LoopbackSmtpServer.Received> receivedWithSubject(LoopbackSmtpServer server, String subject) {
        return server.received().stream().filter(mail -> mail.text().contains("Subject: " + subject)).collect(Collectors.toList());
    }

    private String dsnText() throws Exception {
        assertThat(context.getSentMails()).hasSize(1);
        FakeMailContext.SentMail dsn = context.getSentMails().get(0);
        assertThat(dsn.getRecipients()).extracting(Object::toString).containsExactly(SENDER);
        assertThat(dsn.getSender()).isNull();
        MimeMultipart report = (MimeMultipart) dsn.getMsg().getContent();
        assertThat(dsn.getMsg().getContentType()).startsWith("multipart/report");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        report.writeTo(out);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void verifyShouldDeliverOnlyToTheServerWithAValidCertificateAndBounceTheOthersWithTheReason() throws Exception {
        Mail mail = mail("verify run", GOOD, PLAIN, WRONG_NAME);

        deliver(mailet(), mail);

        assertThat(receivedWithSubject(good, "verify run")).singleElement().satisfies(received -> {
            assertThat(received.recipients()).containsExactly(GOOD);
            assertThat(received.tlsProtocol()).isPresent();
            assertThat(received.text()).contains("Confidential figures.\r\n.\r\nA line with a lone dot above.\r\n");
        });
        assertThat(receivedWithSubject(plain, "verify run")).isEmpty();
        assertThat(receivedWithSubject(wrongName, "verify run")).isEmpty();
        String dsn = dsnText();
        assertThat(dsn)
            .contains(PLAIN + ": mx.plain.example offered no STARTTLS")
            .contains(WRONG_NAME + ": certificate name mismatch: mx.wrongname.example (the certificate names mx.other.example)")
            .contains("Final-Recipient: rfc822; " + PLAIN)
            .contains("Status: 5.7.10")
            .doesNotContain("Final-Recipient: rfc822; " + GOOD);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void encryptShouldDeliverToBothTlsServersWhateverTheirCertificateAndBounceTheClearTextOne() throws Exception {
        Mail mail = mail("encrypt run", GOOD, PLAIN, WRONG_NAME);

        deliver(mailet("defaultPolicy", "encrypt"), mail);

        assertThat(receivedWithSubject(good, "encrypt run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).isPresent());
        assertThat(receivedWithSubject(wrongName, "encrypt run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).isPresent());
        assertThat(receivedWithSubject(plain, "encrypt run")).isEmpty();
        assertThat(dsnText()).contains(PLAIN + ": mx.plain.example offered no STARTTLS").doesNotContain(WRONG_NAME + ":");
    }

    @Test
    void nothingShouldEverReachAServerInClearTextUnderEncryptOrVerify() throws Exception {
        deliver(mailet(), mail("clear check 1", GOOD, PLAIN, WRONG_NAME));
        deliver(mailet("defaultPolicy", "encrypt"), mail("clear check 2", GOOD, PLAIN, WRONG_NAME));

        assertThat(plain.received()).noneMatch(received -> received.text().contains("clear check"));
        assertThat(good.received()).allSatisfy(received -> assertThat(received.tlsProtocol()).isPresent());
        assertThat(wrongName.received()).allSatisfy(received -> assertThat(received.tlsProtocol()).isPresent());
    }

    @Test
    void theSenderTenantsPolicyShouldWinOverTheConfiguredOnes() throws Exception {
        vaults.repository().tlsPolicies().set(acme, "wrongname.example", TlsPolicy.parse("encrypt"));
        vaults.repository().tlsPolicies().set(acme, "plain.example", TlsPolicy.parse("may"));

        deliver(mailet("policies", "wrongname.example: verify; plain.example: encrypt"), mail("tenant run", WRONG_NAME, PLAIN));

        assertThat(receivedWithSubject(wrongName, "tenant run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).isPresent());
        assertThat(receivedWithSubject(plain, "tenant run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).isEmpty());
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void configuredPoliciesShouldApplyPerDomain() throws Exception {
        deliver(mailet("defaultPolicy", "verify", "policies", "wrongname.example: verify names=mx.other.example"),
            mail("names run", WRONG_NAME));

        assertThat(receivedWithSubject(wrongName, "names run")).hasSize(1);
    }

    @Test
    void aMinimumVersionShouldBeEnforced() throws Exception {
        deliver(mailet("policies", "old.example: verify min=TLSv1.2"), mail("tls12 run", "olga@old.example"));
        assertThat(receivedWithSubject(oldTls, "tls12 run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).contains("TLSv1.2"));

        deliver(mailet("policies", "old.example: verify min=TLSv1.3"), mail("tls13 run", "olga@old.example"));

        assertThat(receivedWithSubject(oldTls, "tls13 run")).isEmpty();
        assertThat(dsnText()).contains("olga@old.example: TLS handshake with mx.old.example failed (TLSv1.3 or newer required)");
    }

    @Test
    void pinsShouldBeEnforced() throws Exception {
        String goodPin = TlsPolicy.Pin.ofPublicKey(pki.certificate("good")).asString();
        String otherPin = TlsPolicy.Pin.ofPublicKey(pki.certificate("wrongname")).asString();

        deliver(mailet("policies", "good.example: verify pins=" + goodPin + "; wrongname.example: encrypt pins=" + goodPin),
            mail("pin run", GOOD, WRONG_NAME));

        assertThat(receivedWithSubject(good, "pin run")).hasSize(1);
        assertThat(receivedWithSubject(wrongName, "pin run")).isEmpty();
        assertThat(dsnText()).contains(WRONG_NAME + ": certificate of mx.wrongname.example matches no pinned fingerprint");
        assertThat(otherPin).isNotEqualTo(goodPin);
    }

    @Test
    void deliveriesOverTlsShouldBeAuditedWithProtocolAndCipherInTheSenderTenant() throws Exception {
        deliver(mailet(), mail("audit run", GOOD));

        List<AuditEvent> events = vaults.keyUses(acme);
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.operation()).isEqualTo(AuditEvent.Operation.DELIVER);
            assertThat(event.counterpart()).hasValueSatisfying(address -> assertThat(address.asString()).isEqualTo(GOOD));
            assertThat(event.key()).contains(dev.tresor.keys.Fingerprint.sha256(pki.certificate("good").getEncoded()).asString());
            assertThat(event.detail()).hasValueSatisfying(detail -> assertThat(detail).matches("mx\\.good\\.example TLSv1\\.[23] TLS_\\S+"));
        });
    }

    @Test
    void requireTlsFromTheSenderShouldRaiseThePolicyAndNeedANextHopThatSupportsIt() throws Exception {
        Mail mail = mail("requiretls run", GOOD, PLAIN);
        mail.setAttribute(RequireTlsOption.PRESENT);

        deliver(mailet("defaultPolicy", "may"), mail);

        assertThat(receivedWithSubject(good, "requiretls run")).isEmpty();
        assertThat(receivedWithSubject(plain, "requiretls run")).isEmpty();
        assertThat(dsnText())
            .contains(GOOD + ": mx.good.example does not support REQUIRETLS")
            .contains(PLAIN + ": mx.plain.example offered no STARTTLS")
            .contains("Status: 5.7.30");
    }

    @Test
    void tlsRequiredNoShouldNotLowerAConfiguredPolicy() throws Exception {
        Mail mail = mail("tls-required-no run", PLAIN);
        mail.getMessage().setHeader("TLS-Required", "No");
        mail.getMessage().saveChanges();

        deliver(mailet("defaultPolicy", "encrypt"), mail);

        assertThat(receivedWithSubject(plain, "tls-required-no run")).isEmpty();
        assertThat(dsnText()).contains(PLAIN + ": mx.plain.example offered no STARTTLS");
    }

    private RequireTls mailetWithMtaSts(Map<String, String> published, String... parameters) throws MessagingException {
        String[] all = Stream.concat(Stream.of("mtaSts", "true"), Arrays.stream(parameters)).toArray(String[]::new);
        return mailet(Optional.of(domain -> Optional.ofNullable(published.get(domain)).map(dev.tresor.tls.MtaStsPolicy::parse)),
            clock, all);
    }

    @Test
    void anEnforcedMtaStsPolicyShouldRaiseTheDefaultToVerifyAndLimitTheMxHosts() throws Exception {
        RequireTls mailet = mailetWithMtaSts(Map.of(
            "wrongname.example", "version: STSv1\nmode: enforce\nmx: mx.wrongname.example\nmax_age: 600\n",
            "good.example", "version: STSv1\nmode: enforce\nmx: *.elsewhere.example\nmax_age: 600\n",
            "plain.example", "version: STSv1\nmode: testing\nmx: mx.plain.example\nmax_age: 600\n"),
            "defaultPolicy", "may");

        deliver(mailet, mail("mta-sts run", WRONG_NAME, GOOD, PLAIN));

        assertThat(receivedWithSubject(wrongName, "mta-sts run")).isEmpty();
        assertThat(receivedWithSubject(good, "mta-sts run")).isEmpty();
        assertThat(receivedWithSubject(plain, "mta-sts run")).as("testing mode enforces nothing").hasSize(1);
        assertThat(dsnText())
            .contains(WRONG_NAME + ": certificate name mismatch: mx.wrongname.example")
            .contains(GOOD + ": no MX host of good.example (mx.good.example) is allowed by its MTA-STS policy [*.elsewhere.example]");
    }

    @Test
    void tlsRequiredNoShouldOnlyMakeRequireTlsSkipMtaSts() throws Exception {
        RequireTls mailet = mailetWithMtaSts(Map.of(
            "wrongname.example", "version: STSv1\nmode: enforce\nmx: mx.wrongname.example\nmax_age: 600\n"),
            "defaultPolicy", "encrypt");
        Mail mail = mail("tls-required-no mta-sts run", WRONG_NAME);
        mail.getMessage().setHeader("TLS-Required", "No");
        mail.getMessage().saveChanges();

        deliver(mailet, mail);

        assertThat(receivedWithSubject(wrongName, "tls-required-no mta-sts run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).as("still the default encrypt").isPresent());
    }

    @Test
    void aTemporaryFailureShouldWaitInTheQueueWithItsAttemptCountAndStoredNextAttempt() throws Exception {
        Mail mail = mail("retry run", GOOD, UNREACHABLE);
        RequireTls mailet = mailet("retryDelays", "5m, 1h");

        deliver(mailet, mail);

        assertThat(receivedWithSubject(good, "retry run")).hasSize(1);
        assertThat(context.getSentMails()).as("no bounce, no mail through the spooler").isEmpty();
        assertThat(waiting(queueOf(mailet))).singleElement().satisfies(retry -> {
            assertThat(retry.getMail().getRecipients()).extracting(Object::toString).containsExactly(UNREACHABLE);
            assertThat(retry.getMail().getAttribute(AttributeName.of(DeliveryAttempts.ATTEMPTS)))
                .hasValueSatisfying(attempts -> assertThat(attempts.getValue().value()).isEqualTo(1));
            assertThat(retry.getMail().getAttribute(AttributeName.of(DeliveryAttempts.NEXT_ATTEMPT)))
                .hasValueSatisfying(next -> assertThat(next.getValue().value()).isEqualTo("2026-11-22T10:05:00Z"));
            assertThat(retry.getNextDelivery()).hasValueSatisfying(due -> assertThat(due)
                .isBetween(ZonedDateTime.now().plusMinutes(4), ZonedDateTime.now().plusMinutes(5)));
        });
    }

    @Test
    void aMailTheQueueHandsOverBeforeItsStoredNextAttemptShouldGoBackUntilThen() throws Exception {
        Mail mail = mail("early run", GOOD);
        mail.setAttribute(new Attribute(AttributeName.of(DeliveryAttempts.ATTEMPTS), AttributeValue.of(1)));
        mail.setAttribute(new Attribute(AttributeName.of(DeliveryAttempts.NEXT_ATTEMPT), AttributeValue.of("2026-11-22T11:00:00Z")));
        RequireTls mailet = mailet();

        deliver(mailet, mail);

        assertThat(receivedWithSubject(good, "early run")).isEmpty();
        assertThat(waiting(queueOf(mailet))).singleElement().satisfies(waiting -> assertThat(waiting.getNextDelivery())
            .hasValueSatisfying(due -> assertThat(due).isBetween(ZonedDateTime.now().plusMinutes(59), ZonedDateTime.now().plusMinutes(60))));
    }

    @Test
    void aRetryShouldBeDeliveredFromTheQueueOnceItIsDue() throws Exception {
        RequireTls mailet = mailet(Optional.empty(), Clock.systemUTC(), "retryDelays", "1s");
        Mail mail = mail("due run", GOOD);
        mail.setAttribute(new Attribute(AttributeName.of(DeliveryAttempts.ATTEMPTS), AttributeValue.of(1)));
        mail.setAttribute(new Attribute(AttributeName.of(DeliveryAttempts.NEXT_ATTEMPT),
            AttributeValue.of(Instant.now().plusSeconds(2).toString())));

        mailet.service(mail);

        await("the retry delivered", () -> receivedWithSubject(good, "due run").size() == 1);
    }

    @Test
    void serviceShouldReturnAtOnceAndOtherMailShouldLeaveWhileASlowMxStalls() throws Exception {
        RequireTls mailet = mailet("readTimeout", "1m", "deliveryThreads", "2");
        int stalledBefore = slow.accepted();
        Mail stalled = mail("stalled run", SLOW);

        mailet.service(stalled);

        assertThat(stalled.getState()).isEqualTo(Mail.GHOST);
        await("the delivery thread connected to the slow MX", () -> slow.accepted() == stalledBefore + 1);

        mailet.service(mail("meanwhile run", GOOD));

        await("the other mail delivered", () -> receivedWithSubject(good, "meanwhile run").size() == 1);
        assertThat(slow.open()).as("the slow MX still holds its connection").isPositive();
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void destroyWhileDeliveringShouldPutTheUnfinishedRecipientsBackForTheNextStart() throws Exception {
        RequireTls first = mailet("readTimeout", "1m", "outgoingQueue", "restart-test");
        ManageableMailQueue queue = queueOf(first); // held by the test, as a durable queue outlives the mailet
        int stalledBefore = slow.accepted();
        first.service(mail("restart run", GOOD, SLOW));
        await("good.example done and the slow MX reached", () -> slow.accepted() == stalledBefore + 1
            && receivedWithSubject(good, "restart run").size() == 1);

        first.destroy();
        running.remove(first);

        assertThat(waiting(queue)).singleElement().satisfies(unfinished -> {
            assertThat(unfinished.getMail().getRecipients()).extracting(Object::toString).containsExactly(SLOW);
            assertThat(unfinished.getMail().getAttribute(AttributeName.of(DeliveryAttempts.ATTEMPTS))).as("the cut attempt does not count").isEmpty();
        });
        assertThat(context.getSentMails()).as("no bounce").isEmpty();
        await("the cut connection closed", () -> slow.open() == 0);

        slow.close();
        try (LoopbackSmtpServer recovered = LoopbackSmtpServer.start("127.0.0.6", good.port(), "mx.slow.example",
            Optional.of(pki.server("slow", "mx.slow.example")))) {
            mailet("outgoingQueue", "restart-test");

            await("the next start delivered it", () -> receivedWithSubject(recovered, "restart run").size() == 1);
            assertThat(receivedWithSubject(recovered, "restart run").get(0).recipients()).containsExactly(SLOW);
        } finally {
            slow = StallingSmtpServer.start("127.0.0.6", good.port());
        }
        assertThat(receivedWithSubject(good, "restart run")).as("delivered once").hasSize(1);
    }

    @Test
    void theLastTemporaryFailureShouldBounceWithTheReason() throws Exception {
        Mail mail = mail("give up run", UNREACHABLE);
        mail.setAttribute(new org.apache.mailet.Attribute(org.apache.mailet.AttributeName.of(DeliveryAttempts.ATTEMPTS),
            org.apache.mailet.AttributeValue.of(2)));

        deliver(mailet("retryDelays", "5m, 1h"), mail);

        assertThat(dsnText()).contains(UNREACHABLE + ": gave up after 3 attempts: cannot talk to mx.down.example (127.0.0.4)");
    }

    @Test
    void aFailureWithoutSenderToNotifyShouldGoToTheFailureProcessor() throws Exception {
        Mail mail = FakeMail.builder().name("bounce").mimeMessage(mail("x", PLAIN).getMessage())
            .sender(org.apache.james.core.MaybeSender.nullSender()).recipients(PLAIN).state(PROCESSOR).build();

        deliver(mailet("onFailure", "tls-quarantine"), mail);

        assertThat(context.getSentMails()).singleElement().satisfies(failed -> {
            assertThat(failed.getState()).isEqualTo("tls-quarantine");
            assertThat(failed.getRecipients()).extracting(Object::toString).containsExactly(PLAIN);
            assertThat(failed.getAttributes().get(FailureReason.NAME).getValue().value().toString())
                .contains("mx.plain.example offered no STARTTLS");
        });
    }

    @Test
    void invalidParametersShouldFailStartUpNamingThem() {
        assertThatThrownBy(() -> mailet("defaultPolicy", "strict")).hasMessageContaining("'defaultPolicy'");
        assertThatThrownBy(() -> mailet("policies", "bank.example verify")).hasMessageContaining("'policies'");
        assertThatThrownBy(() -> mailet("retryDelays", "5 fortnights")).hasMessageContaining("'retryDelays'");
        assertThatThrownBy(() -> mailet("retryDelays", "5m, 0s")).hasMessageContaining("'retryDelays'");
        assertThatThrownBy(() -> mailet("connectTimeout", "soon")).hasMessageContaining("'connectTimeout'");
        assertThatThrownBy(() -> mailet("port", "0")).hasMessageContaining("'port'");
        assertThatThrownBy(() -> mailet("trustedCertificates", "/nonexistent.pem")).hasMessageContaining("'trustedCertificates'");
        assertThatThrownBy(() -> mailet("gateway", "relay.example")).hasMessageContaining("gateway");
        assertThatThrownBy(() -> mailet("deliveryThreads", "0")).hasMessageContaining("'deliveryThreads'");
        assertThatThrownBy(() -> mailet("deliveryThreads", "many")).hasMessageContaining("'deliveryThreads'");
        assertThatThrownBy(() -> mailet("outgoingQueue", "my queue")).hasMessageContaining("'outgoingQueue'");
    }

    @Test
    void twoRequireTlsMailetsShouldNotShareAQueue() throws Exception {
        mailet("outgoingQueue", RequireTls.DEFAULT_QUEUE);

        assertThatThrownBy(() -> mailet("outgoingQueue", RequireTls.DEFAULT_QUEUE))
            .hasMessageContaining("'outgoingQueue'").hasMessageContaining("no other RequireTls mailet uses");

        queues = new MemoryMailQueueFactory(new RawMailQueueItemDecoratorFactory()); // another James server
        assertThat(mailet("outgoingQueue", RequireTls.DEFAULT_QUEUE)).isNotNull();
    }
}
