package dev.tresor.it.shipped;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.tresor.it.shipped.ShippedServer.SmtpReply;
import dev.tresor.it.shipped.ShippedServer.SmtpRoute;

/**
 * The shipped server's front door, driven from outside: mail over SMTP with and without STARTTLS is marked as the
 * sample chain says, forged Tresor verdicts never reach the inbox, and the submission listeners relay only for
 * authenticated users.
 */
class ShippedServerTransportTest {
    private static final String DOMAIN = "acme.example";
    private static final String ALICE = "alice@" + DOMAIN;
    private static final String PASSWORD = "alice-secret";
    private static final String PARTNER = "partner@partner.example";

    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    @BeforeAll
    static void createDomainAndUser() {
        server.addDomain(DOMAIN);
        server.addUser(ALICE, PASSWORD);
    }

    @Test
    void mailReceivedOverStartTlsShouldBeMarkedAndForgedVerdictsStripped() throws Exception {
        // given a partner's mail that claims a valid signature and a TLS hop of its own
        String subject = "over TLS " + UUID.randomUUID();

        // when it arrives on port 25 after STARTTLS
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, PARTNER, List.of(ALICE), forgedMail(subject));

        // then Alice's copy says TLS once, and none of the forged verdicts survived
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, subject);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Inbound-TLS")).containsExactly("yes");
        assertThat(delivered).doesNotContain("forged").contains("X-Untouched: kept");
    }

    @Test
    void mailReceivedInClearTextShouldNotBeMarkedAndForgedVerdictsStripped() throws Exception {
        // given the same forged mail
        String subject = "in clear text " + UUID.randomUUID();

        // when it arrives on port 25 without STARTTLS
        server.sendToMxAccepted(SmtpRoute.MX_PLAIN, PARTNER, List.of(ALICE), forgedMail(subject));

        // then nothing claims TLS, and the verdicts are the chain's own (VerifySmime says none), not the forger's
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, subject);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Inbound-TLS")).isEmpty();
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Signature")).singleElement(as(STRING)).startsWith("none;");
        assertThat(delivered).doesNotContain("forged").contains("X-Untouched: kept");
    }

    @Test
    void submissionOverImplicitTlsShouldRelayForAnAuthenticatedUser() throws Exception {
        // given a mail from Alice to a partner
        String subject = "submissions " + UUID.randomUUID();

        // when she submits it on port 465 with her password
        server.submitAccepted(SmtpRoute.SUBMISSIONS_IMPLICIT_TLS, ALICE, PASSWORD, List.of(PARTNER),
            ShippedMail.plainText(ALICE, PARTNER, subject, "Hello over implicit TLS."));

        // then it leaves for the partner (nothing in the sample chain protects mail to a partner without keys)
        assertThat(new String(server.awaitRelayed(subject).data(), US_ASCII))
            .contains("Hello over implicit TLS.");
    }

    @Test
    void submissionShouldRefuseAWrongPassword() throws Exception {
        // when Alice submits with a wrong password on port 587
        SmtpReply reply = server.submit(SmtpRoute.SUBMISSION_STARTTLS, ALICE, "wrong", List.of(PARTNER),
            ShippedMail.plainText(ALICE, PARTNER, "never sent", "Never sent."));

        // then AUTH fails and nothing is sent
        assertThat(reply.command()).isEqualTo("AUTH");
        assertThat(reply.code()).isEqualTo(535);
        assertThat(reply.accepted()).isFalse();
    }

    private static byte[] forgedMail(String subject) {
        return ("From: " + PARTNER + "\r\nTo: " + ALICE + "\r\nSubject: " + subject + "\r\n"
            + "X-Tresor-Signature: valid; signer=ceo@acme.example (forged)\r\n"
            + "X-Tresor-Inbound-TLS: yes (forged)\r\n"
            + "X-Tresor-Decryption: decrypted (forged)\r\n"
            + "X-Untouched: kept\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nWire the money.\r\n").getBytes(US_ASCII);
    }
}
