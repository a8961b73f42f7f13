package dev.tresor.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.TlsPolicy;
import dev.tresor.smtp.RequireTlsOption;
import dev.tresor.tls.LoopbackSmtpServer;
import dev.tresor.tls.TestDns;
import dev.tresor.tls.TlsTestPki;

/**
 * RequireTls against three real SMTP servers on loopback, as "the Internet": mx.good.example offers STARTTLS with a
 * certificate from the test CA, mx.plain.example offers no STARTTLS, mx.wrongname.example offers STARTTLS with a
 * certificate for another name. Each is the MX of its domain in the test DNS.
 */
class RequireTlsTest {
    private static final String GOOD = "alice@good.example";
    private static final String PLAIN = "bob@plain.example";
    private static final String WRONG_NAME = "carol@wrongname.example";
    private static final String UNREACHABLE = "dave@down.example";
    private static final String SENDER = "sender@acme.example";
    private static final String PROCESSOR = "tls-required";

    @TempDir
    static Path pkiDirectory;
    private static TlsTestPki pki;
    private static LoopbackSmtpServer good;
    private static LoopbackSmtpServer plain;
    private static LoopbackSmtpServer wrongName;
    private static LoopbackSmtpServer oldTls;
    private static TestDns dns;

    @TempDir
    Path directory;
    private TestVaults vaults;
    private TenantId acme;
    private FakeMailContext context;
    private TestClock clock;

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
        dns = new TestDns(
            Map.of("good.example", "mx.good.example", "plain.example", "mx.plain.example",
                "wrongname.example", "mx.wrongname.example", "down.example", "mx.down.example", "old.example", "mx.old.example"),
            Map.of("mx.good.example", "127.0.0.1", "mx.plain.example", "127.0.0.2", "mx.wrongname.example", "127.0.0.3",
                "mx.down.example", "127.0.0.4", "mx.old.example", "127.0.0.5"));
    }

    @AfterAll
    static void stopServers() {
        good.close();
        plain.close();
        wrongName.close();
        oldTls.close();
    }

    @BeforeEach
    void setUp() {
        clock = new TestClock(Instant.parse("2026-11-22T10:00:00Z"));
        vaults = TestVaults.create(directory, clock);
        acme = vaults.tenant("acme", "acme.example");
        context = FakeMailContext.defaultContext();
    }

    private RequireTls mailet(String... parameters) throws MessagingException {
        RequireTls mailet = new RequireTls(vaults.repository(), vaults.tenantResolver(), dns, clock);
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("RequireTls").mailetContext(context)
            .setProperty("trustedCertificates", pki.caCertificate().toString())
            .setProperty("port", String.valueOf(good.port()))
            .setProperty("heloName", "gateway.test")
            .setProperty("connectTimeout", "2s")
            .setProperty("readTimeout", "5s");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
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
        return server.received().stream().filter(mail -> mail.text().contains("Subject: " + subject)).collect(java.util.stream.Collectors.toList());
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

        mailet().service(mail);

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

        mailet("defaultPolicy", "encrypt").service(mail);

        assertThat(receivedWithSubject(good, "encrypt run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).isPresent());
        assertThat(receivedWithSubject(wrongName, "encrypt run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).isPresent());
        assertThat(receivedWithSubject(plain, "encrypt run")).isEmpty();
        assertThat(dsnText()).contains(PLAIN + ": mx.plain.example offered no STARTTLS").doesNotContain(WRONG_NAME + ":");
    }

    @Test
    void nothingShouldEverReachAServerInClearTextUnderEncryptOrVerify() throws Exception {
        mailet().service(mail("clear check 1", GOOD, PLAIN, WRONG_NAME));
        mailet("defaultPolicy", "encrypt").service(mail("clear check 2", GOOD, PLAIN, WRONG_NAME));

        assertThat(plain.received()).noneMatch(received -> received.text().contains("clear check"));
        assertThat(good.received()).allSatisfy(received -> assertThat(received.tlsProtocol()).isPresent());
        assertThat(wrongName.received()).allSatisfy(received -> assertThat(received.tlsProtocol()).isPresent());
    }

    @Test
    void theSenderTenantsPolicyShouldWinOverTheConfiguredOnes() throws Exception {
        vaults.repository().tlsPolicies().set(acme, "wrongname.example", TlsPolicy.parse("encrypt"));
        vaults.repository().tlsPolicies().set(acme, "plain.example", TlsPolicy.parse("may"));

        mailet("policies", "wrongname.example: verify; plain.example: encrypt").service(mail("tenant run", WRONG_NAME, PLAIN));

        assertThat(receivedWithSubject(wrongName, "tenant run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).isPresent());
        assertThat(receivedWithSubject(plain, "tenant run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).isEmpty());
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void configuredPoliciesShouldApplyPerDomain() throws Exception {
        mailet("defaultPolicy", "verify", "policies", "wrongname.example: verify names=mx.other.example").service(
            mail("names run", WRONG_NAME));

        assertThat(receivedWithSubject(wrongName, "names run")).hasSize(1);
    }

    @Test
    void aMinimumVersionShouldBeEnforced() throws Exception {
        mailet("policies", "old.example: verify min=TLSv1.2").service(mail("tls12 run", "olga@old.example"));
        assertThat(receivedWithSubject(oldTls, "tls12 run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).contains("TLSv1.2"));

        mailet("policies", "old.example: verify min=TLSv1.3").service(mail("tls13 run", "olga@old.example"));

        assertThat(receivedWithSubject(oldTls, "tls13 run")).isEmpty();
        assertThat(dsnText()).contains("olga@old.example: TLS handshake with mx.old.example failed (TLSv1.3 or newer required)");
    }

    @Test
    void pinsShouldBeEnforced() throws Exception {
        String goodPin = TlsPolicy.Pin.ofPublicKey(pki.certificate("good")).asString();
        String otherPin = TlsPolicy.Pin.ofPublicKey(pki.certificate("wrongname")).asString();

        mailet("policies", "good.example: verify pins=" + goodPin + "; wrongname.example: encrypt pins=" + goodPin)
            .service(mail("pin run", GOOD, WRONG_NAME));

        assertThat(receivedWithSubject(good, "pin run")).hasSize(1);
        assertThat(receivedWithSubject(wrongName, "pin run")).isEmpty();
        assertThat(dsnText()).contains(WRONG_NAME + ": certificate of mx.wrongname.example matches no pinned fingerprint");
        assertThat(otherPin).isNotEqualTo(goodPin);
    }

    @Test
    void deliveriesOverTlsShouldBeAuditedWithProtocolAndCipherInTheSenderTenant() throws Exception {
        mailet().service(mail("audit run", GOOD));

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

        mailet("defaultPolicy", "may").service(mail);

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

        mailet("defaultPolicy", "encrypt").service(mail);

        assertThat(receivedWithSubject(plain, "tls-required-no run")).isEmpty();
        assertThat(dsnText()).contains(PLAIN + ": mx.plain.example offered no STARTTLS");
    }

    private RequireTls mailetWithMtaSts(java.util.Map<String, String> published, String... parameters) throws MessagingException {
        RequireTls mailet = new RequireTls(vaults.repository(), vaults.tenantResolver(), dns, clock,
            Optional.of(domain -> Optional.ofNullable(published.get(domain)).map(dev.tresor.tls.MtaStsPolicy::parse)));
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("RequireTls").mailetContext(context)
            .setProperty("trustedCertificates", pki.caCertificate().toString())
            .setProperty("port", String.valueOf(good.port()))
            .setProperty("heloName", "gateway.test")
            .setProperty("mtaSts", "true");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    @Test
    void anEnforcedMtaStsPolicyShouldRaiseTheDefaultToVerifyAndLimitTheMxHosts() throws Exception {
        RequireTls mailet = mailetWithMtaSts(Map.of(
            "wrongname.example", "version: STSv1\nmode: enforce\nmx: mx.wrongname.example\nmax_age: 600\n",
            "good.example", "version: STSv1\nmode: enforce\nmx: *.elsewhere.example\nmax_age: 600\n",
            "plain.example", "version: STSv1\nmode: testing\nmx: mx.plain.example\nmax_age: 600\n"),
            "defaultPolicy", "may");

        mailet.service(mail("mta-sts run", WRONG_NAME, GOOD, PLAIN));

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

        mailet.service(mail);

        assertThat(receivedWithSubject(wrongName, "tls-required-no mta-sts run")).singleElement()
            .satisfies(received -> assertThat(received.tlsProtocol()).as("still the default encrypt").isPresent());
    }

    @Test
    void temporaryFailuresShouldBeRetriedInThisProcessorAfterTheConfiguredDelay() throws Exception {
        Mail mail = mail("retry run", GOOD, UNREACHABLE);

        mailet("retryDelays", "5m, 1h").service(mail);

        assertThat(receivedWithSubject(good, "retry run")).hasSize(1);
        assertThat(context.getSentMails()).singleElement().satisfies(retry -> {
            assertThat(retry.getRecipients()).extracting(Object::toString).containsExactly(UNREACHABLE);
            assertThat(retry.getState()).isEqualTo(PROCESSOR);
            assertThat(retry.getDelay()).contains(new FakeMailContext.Delay(TimeUnit.MINUTES.toMillis(5), TimeUnit.MILLISECONDS));
            assertThat(retry.getAttributes().get(org.apache.mailet.AttributeName.of(RequireTls.ATTEMPTS)).getValue().value()).isEqualTo(1);
        });
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void theLastTemporaryFailureShouldBounceWithTheReason() throws Exception {
        Mail mail = mail("give up run", UNREACHABLE);
        mail.setAttribute(new org.apache.mailet.Attribute(org.apache.mailet.AttributeName.of(RequireTls.ATTEMPTS),
            org.apache.mailet.AttributeValue.of(2)));

        mailet("retryDelays", "5m, 1h").service(mail);

        assertThat(dsnText()).contains(UNREACHABLE + ": gave up after 3 attempts: cannot talk to mx.down.example (127.0.0.4)");
    }

    @Test
    void aFailureWithoutSenderToNotifyShouldGoToTheFailureProcessor() throws Exception {
        Mail mail = FakeMail.builder().name("bounce").mimeMessage(mail("x", PLAIN).getMessage())
            .sender(org.apache.james.core.MaybeSender.nullSender()).recipients(PLAIN).state(PROCESSOR).build();

        mailet("onFailure", "tls-quarantine").service(mail);

        assertThat(mail.getState()).isEqualTo("tls-quarantine");
        assertThat(mail.getAttribute(TresorAttributes.FAILURE_REASON)).hasValueSatisfying(attribute ->
            assertThat(attribute.getValue().value().toString()).contains("mx.plain.example offered no STARTTLS"));
        assertThat(context.getSentMails()).isEmpty();
    }

    @Test
    void invalidParametersShouldFailStartUpNamingThem() {
        assertThatThrownBy(() -> mailet("defaultPolicy", "strict")).hasMessageContaining("'defaultPolicy'");
        assertThatThrownBy(() -> mailet("policies", "bank.example verify")).hasMessageContaining("'policies'");
        assertThatThrownBy(() -> mailet("retryDelays", "5 minutes")).hasMessageContaining("'retryDelays'");
        assertThatThrownBy(() -> mailet("port", "0")).hasMessageContaining("'port'");
        assertThatThrownBy(() -> mailet("trustedCertificates", "/nonexistent.pem")).hasMessageContaining("'trustedCertificates'");
        assertThatThrownBy(() -> mailet("gateway", "relay.example")).hasMessageContaining("gateway");
    }
}
