package dev.tresor.it.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped server on its embedded defaults keeps James's data across a normal stop and start on the same data
 * directory: domains, users (SMTP AUTH and IMAP still accept their passwords), a recipient rewrite, a mail in a local
 * mailbox and a quarantined mail (listed and read through WebAdmin).
 */
class DurableJamesDataTest {
    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    @TempDir
    static Path directory;

    @Test
    void domainsUsersAliasesMailboxesAndQuarantineShouldSurviveARestart() throws Exception {
        // given an admin's set-up and some mail flow on a fresh data directory
        JamesDataScenario scenario = new JamesDataScenario();
        scenario.createIn(server, directory);

        // when the server is stopped normally and started again on the same data directory
        server.restart();

        // then everything is still there and in use, kept in the embedded database inside the data directory
        scenario.assertPresentIn(server);
        assertThat(server.dataDirectory().resolve("var/store/derby")).isDirectory();
    }
}
