package dev.tresor.distribution;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.Injector;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.james.ConfiguredKeyStorage;

class ProcessMailTest {
    private static final TenantId ACME = TenantId.of("acme");
    private static final String MAILETS = "dev.tresor.distribution.TestMailets$";
    private static final String MESSAGE = String.join("\r\n",
        "From: Alice <alice@acme.example>",
        "To: Bob <bob@partner.example>",
        "Cc: carol@partner.example",
        "Subject: quarterly figures",
        "Message-ID: <figures-1@acme.example>",
        "X-Tresor-Signature: valid (forged)",
        "",
        "The figures are attached.",
        "");

    @TempDir
    Path distribution;

    @BeforeEach
    void aDistributionWithAnH2KeyRepository() throws IOException {
        writeKeyRepositoryProperties("storage=h2\nh2.file=var/tresor/keys\nmasterkey.provider=file\n"
            + "masterkey.file=var/tresor/master.key\n");
    }

    @Test
    void aTresorMailetNamedSimplyShouldProcessTheMessageKeepingItsMessageId() {
        Result result = process(MESSAGE, "--mailet", "StripTresorHeaders");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stdout)
            .doesNotContain("X-Tresor-Signature")
            .contains("Message-ID: <figures-1@acme.example>", "Subject: quarterly figures", "The figures are attached.");
    }

    @Test
    void aMessageNoMailetChangedShouldBeWrittenByteForByte() {
        String clean = MESSAGE.replace("X-Tresor-Signature: valid (forged)\r\n", "");

        Result result = process(clean, "--mailet", "StripTresorHeaders");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stdout).isEqualTo(clean);
    }

    @Test
    void severalMailetsShouldRunInOrderEachWithItsOwnParameters() {
        Result result = process(MESSAGE,
            "--mailet", "StripTresorHeaders",
            "--mailet", "SetMimeHeader", "--param", "name=X-Tresor-Tried", "--param", "value=offline",
            "--mailet", "org.apache.james.transport.mailets.SetMimeHeader", "--param", "name=X-Second", "--param", "value=a=b");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stdout)
            .doesNotContain("X-Tresor-Signature")
            .contains("X-Tresor-Tried: offline", "X-Second: a=b");
    }

    @Test
    void mailetsShouldReceiveTheConfiguredKeyRepositoryAndTenantResolver() {
        withKeyRepository(repository -> {
            repository.tenants().create(ACME);
            repository.tenants().mapDomain("acme.example", ACME);
            TestPki ca = TestPki.ca("Process test CA");
            repository.certificates().add(ACME, ca.issue("alice@acme.example").chain(), Origin.IMPORTED);
            repository.certificates().add(ACME, ca.issue("bob@partner.example").chain(), Origin.HARVESTED);
        });

        Result result = process(MESSAGE, "--mailet", MAILETS + "CountTenantCertificates", "--param", "header=X-Test-Vault");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stdout).contains("X-Test-Vault: acme 2");
        assertThat(result.stderr).contains("tresor.tenant = acme");
    }

    @Test
    void quietShouldNotListTheAttributes() {
        Result result = process(MESSAGE, "--quiet",
            "--mailet", MAILETS + "CountTenantCertificates", "--param", "header=X-Test-Vault");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stderr).doesNotContain("tresor.tenant");
    }

    @Test
    void theEnvelopeShouldDefaultToTheHeadersAndLocalDomainsToTheTenantDirectory() {
        withKeyRepository(repository -> {
            repository.tenants().create(ACME);
            repository.tenants().mapDomain("partner.example", ACME);
        });

        Result result = process(MESSAGE, "--mailet", MAILETS + "DescribeEnvelope");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stdout).contains(
            "X-Test-Sender: alice@acme.example",
            "X-Test-Recipients: bob@partner.example carol@partner.example",
            "X-Test-Local-Recipients: bob@partner.example carol@partner.example",
            "X-Test-Auth-User: none",
            "X-Test-Remote-Addr: 127.0.0.1");
    }

    @Test
    void envelopeOptionsShouldOverrideTheHeaders() {
        Result result = process(MESSAGE, "--mailet", MAILETS + "DescribeEnvelope",
            "--sender", "alice.smith@acme.example", "--recipient", "dave@bank.example", "--recipient", "erin@acme.example",
            "--auth-user", "alice.smith@acme.example", "--remote-addr", "192.0.2.7", "--local-domain", "acme.example");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stdout).contains(
            "X-Test-Sender: alice.smith@acme.example",
            "X-Test-Recipients: dave@bank.example erin@acme.example",
            "X-Test-Local-Recipients: erin@acme.example",
            "X-Test-Auth-User: alice.smith@acme.example",
            "X-Test-Remote-Addr: 192.0.2.7");
    }

    @Test
    void aMailSentToTheFailureProcessorShouldWriteNothingAndSayWhy() {
        Result result = process(MESSAGE,
            "--mailet", "StripTresorHeaders",
            "--mailet", MAILETS + "FailClosed", "--param", "onFailure=quarantine",
            "--param", "reason=no certificate for bob@partner.example",
            "--mailet", "SetMimeHeader", "--param", "name=X-Not-Reached", "--param", "value=yes");

        assertThat(result.status).isEqualTo(ProcessMail.ROUTED);
        assertThat(result.stdout).isEmpty();
        assertThat(result.stderr)
            .contains("mail went to processor 'quarantine': no certificate for bob@partner.example")
            .contains("tresor.failure.reason = no certificate for bob@partner.example");
    }

    @Test
    void aMailRoutedByAJamesMailetShouldShowItsNotice() {
        Result result = process(MESSAGE, "--mailet", "ToProcessor", "--param", "processor=spam", "--param", "notice=looks like spam");

        assertThat(result.status).isEqualTo(ProcessMail.ROUTED);
        assertThat(result.stdout).isEmpty();
        assertThat(result.stderr).contains("mail went to processor 'spam': looks like spam");
    }

    @Test
    void aMailetThatThrowsShouldSendTheMailToTheErrorProcessor() {
        Result result = process(MESSAGE, "--mailet", MAILETS + "Broken");

        assertThat(result.status).isEqualTo(ProcessMail.ROUTED);
        assertThat(result.stdout).isEmpty();
        assertThat(result.stderr).contains("mail went to processor 'error': mailet " + MAILETS + "Broken failed:",
            "broken on purpose");
    }

    @Test
    void aMailetThatThrowsShouldBeSkippedWhenItsExceptionsAreIgnored() {
        Result result = process(MESSAGE, "--mailet", MAILETS + "Broken", "--param", "onMailetException=ignore",
            "--mailet", "StripTresorHeaders");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stdout).doesNotContain("X-Tresor-Signature");
    }

    @Test
    void aConsumedMailShouldWriteNothing() {
        Result result = process(MESSAGE, "--mailet", "Null");

        assertThat(result.status).isEqualTo(ProcessMail.CONSUMED);
        assertThat(result.stdout).isEmpty();
        assertThat(result.stderr).contains("ghost");
    }

    @Test
    void mailSentOnByAMailetShouldBeWrittenToTheCopiesDirectory() {
        Result result = process(MESSAGE, "--mailet", MAILETS + "CopyToArchive", "--copies", "copies");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stderr).contains("processor 'archive'", "copies/copy-1.eml");
        assertThat(distribution.resolve("copies/copy-1.eml")).content().contains("Subject: quarterly figures");
    }

    @Test
    void mailSentOnByAMailetShouldBeNotedWithoutACopiesDirectory() {
        Result result = process(MESSAGE, "--mailet", MAILETS + "CopyToArchive");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stderr).contains("a mailet sent mail for [bob@partner.example, carol@partner.example] "
            + "to processor 'archive'; not kept (use --copies DIR)");
    }

    @Test
    void badArgumentsShouldShowTheUsage() {
        assertThat(process(MESSAGE).status).isEqualTo(ProcessMail.USAGE);
        assertThat(process(MESSAGE, "--param", "a=b", "--mailet", "Null").stderr)
            .contains("comes before any --mailet", "usage: tresor-process");
        assertThat(process(MESSAGE, "--mailet", "Null", "--param", "novalue").status).isEqualTo(ProcessMail.USAGE);
        assertThat(process(MESSAGE, "--mailet").status).isEqualTo(ProcessMail.USAGE);
        assertThat(process(MESSAGE, "--mailet", "Null", "--frobnicate").stderr).contains("unknown option '--frobnicate'");
    }

    @Test
    void anUnknownMailetShouldBeNamedWithThePackagesSearched() {
        Result result = process(MESSAGE, "--mailet", "EncryptSomething");

        assertThat(result.status).isEqualTo(ProcessMail.USAGE);
        assertThat(result.stderr).contains("no mailet EncryptSomething (looked for dev.tresor.mailets.EncryptSomething, "
            + "org.apache.james.transport.mailets.EncryptSomething)");
    }

    @Test
    void aDeliveringMailetShouldBeRefusedWithTheReason() {
        Result result = process(MESSAGE, "--mailet", "RequireTls", "--param", "defaultPolicy=verify");

        assertThat(result.status).isEqualTo(ProcessMail.USAGE);
        assertThat(result.stderr).contains("RequireTls delivers mail over the network, from its own mail queue and threads; "
            + "tresor-process runs offline (no DNS, no queues, no delivery): try it through the server");
        assertThat(result.stdout).isEmpty();
    }

    @Test
    void helpShouldPrintTheUsage() {
        Result result = process("", "--help");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(result.stdout).contains("usage: tresor-process", "no domain aliases");
    }

    @Test
    void aMailetRefusingItsParametersShouldStopWithItsMessage() {
        Result result = process(MESSAGE, "--mailet", "StripTresorHeaders", "--param", "digest=SHA-384");

        assertThat(result.status).isEqualTo(ProcessMail.CONFIGURATION);
        assertThat(result.stderr).contains("mailet StripTresorHeaders cannot start: Unexpected init parameters found: [digest]");
    }

    @Test
    void emptyInputShouldBeRefused() {
        Result result = process("", "--mailet", "StripTresorHeaders");

        assertThat(result.status).isEqualTo(ProcessMail.BAD_INPUT);
        assertThat(result.stderr).contains("standard input is empty");
    }

    @Test
    void aMessageWithoutRecipientsShouldAskForThem() {
        String noRecipients = "From: alice@acme.example\r\nSubject: to nobody\r\n\r\nHello\r\n";

        Result result = process(noRecipients, "--mailet", "StripTresorHeaders");

        assertThat(result.status).isEqualTo(ProcessMail.BAD_INPUT);
        assertThat(result.stderr).contains("no To or Cc recipient: give --recipient ADDRESS");
        assertThat(process(noRecipients, "--mailet", "StripTresorHeaders", "--recipient", "bob@partner.example").status)
            .isEqualTo(ProcessMail.OK);
    }

    @Test
    void anInvalidKeyRepositoryConfigurationShouldStopNamingTheProperty() throws IOException {
        writeKeyRepositoryProperties("storage=cassandra\n");

        Result result = process(MESSAGE, "--mailet", "StripTresorHeaders");

        assertThat(result.status).isEqualTo(ProcessMail.CONFIGURATION);
        assertThat(result.stderr).contains("the key repository cannot be opened: Invalid value 'cassandra' for property "
            + "'storage' in keyrepository.properties");
    }

    @Test
    void anotherConfigurationDirectoryShouldBeReadWithPathsRelativeToItsParent() throws IOException {
        Path other = Files.createDirectories(distribution.resolve("other/conf"));
        Files.writeString(other.resolve("keyrepository.properties"), "storage=h2\nh2.file=var/keys\n");

        Result result = process(MESSAGE, "--conf", "other/conf", "--mailet", "StripTresorHeaders");

        assertThat(result.status).isEqualTo(ProcessMail.OK);
        assertThat(distribution.resolve("other/var/keys.mv.db")).isRegularFile();
        assertThat(distribution.resolve("var/tresor/keys.mv.db")).doesNotExist();
    }

    @Test
    void anH2KeyRepositoryOpenInAnotherProcessShouldBeRefusedNamingTheWayOut() throws Exception {
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), HoldKeyDatabase.class.getName(),
            distribution.resolve("var/tresor/keys").toString())
            .redirectErrorStream(true)
            .start();
        try {
            awaitLine(server, HoldKeyDatabase.READY);

            Result result = process(MESSAGE, "--mailet", "StripTresorHeaders");

            assertThat(result.status).isEqualTo(ProcessMail.IN_USE);
            assertThat(result.stdout).isEmpty();
            assertThat(result.stderr).contains("the key repository is in use by a running server; stop it or use PostgreSQL");
        } finally {
            server.getOutputStream().close();
            server.waitFor();
        }
    }

    private static void awaitLine(Process process, String expected) throws IOException {
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8));
        for (String line = output.readLine(); line != null; line = output.readLine()) {
            if (line.equals(expected)) {
                return;
            }
        }
        throw new IllegalStateException("the process holding the key database ended before opening it");
    }

    private Result process(String input, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int status = ProcessMail.run(args, distribution, new ByteArrayInputStream(input.getBytes(UTF_8)), stdout,
            new PrintStream(stderr, true, UTF_8));
        return new Result(status, stdout.toString(UTF_8), stderr.toString(UTF_8));
    }

    private static final class Result {
        final int status;
        final String stdout;
        final String stderr;

        Result(int status, String stdout, String stderr) {
            this.status = status;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }

    private interface RepositoryUse {
        void accept(KeyRepository repository);
    }

    private void withKeyRepository(RepositoryUse use) {
        Injector injector = ProcessMail.openKeyRepository(distribution.resolve("conf"));
        try {
            use.accept(injector.getInstance(KeyRepository.class));
        } finally {
            injector.getInstance(ConfiguredKeyStorage.class).close();
        }
    }

    private void writeKeyRepositoryProperties(String properties) throws IOException {
        Files.createDirectories(distribution.resolve("conf"));
        Files.writeString(distribution.resolve("conf/keyrepository.properties"), properties);
    }
}
