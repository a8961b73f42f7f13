package dev.tresor.it.shipped;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.awaitility.Awaitility;

import dev.tresor.it.OpenSslIdentities;
import dev.tresor.it.SmtpSink;
import dev.tresor.it.shipped.ShippedServer.SmtpRoute;

/**
 * The James data an admin and the mail flow leave in a server, made through one server and checked through another
 * (or the same one after a restart): a domain, two users, an alias (a recipient rewrite), a mail in Alice's INBOX
 * delivered through that alias, and a mail held in the quarantine of the tenant acme.
 */
final class JamesDataScenario {
    static final String DOMAIN = "acme.example";
    static final String ALICE = "alice@" + DOMAIN;
    static final String FRANK = "frank@" + DOMAIN;
    static final String ALIAS = "ali@" + DOMAIN;
    static final String PASSWORD = "user secret";
    static final String BOB = "bob@partner.example";
    static final String ERIN = "erin@partner.example";
    static final String QUARANTINE = "var/mail/tresor-quarantine/acme/";
    private static final String P12_PASSWORD = "p12 secret";

    final String delivered = "delivered through the alias " + UUID.randomUUID();
    final String quarantined = "held back " + UUID.randomUUID();
    private String quarantineKey;

    /**
     * Through WebAdmin and SMTP, as the README does: the domain, Alice and Frank, the alias ali → alice, the tenant acme
     * with Alice's S/MIME key; then a partner's mail to the alias (delivered to Alice's INBOX) and a mail claiming to
     * be Alice's that did not authenticate (it must be signed as hers, cannot be, and is quarantined).
     */
    void createIn(ShippedServer server, Path directory) throws Exception {
        server.addDomain(DOMAIN);
        server.addUser(ALICE, PASSWORD);
        server.addUser(FRANK, PASSWORD);
        server.webAdmin().put("/address/aliases/" + ALICE + "/sources/" + ALIAS).then().statusCode(204);
        server.webAdmin().put("/tresor/tenants/acme").then().statusCode(201);
        server.webAdmin().put("/tresor/tenants/acme/domains/" + DOMAIN).then().statusCode(204);
        OpenSslIdentities openssl = new OpenSslIdentities(directory);
        openssl.selfSigned("alice", "/CN=Alice/O=Acme", ALICE);
        server.webAdmin().contentType("application/x-pkcs12").header("X-Tresor-Pkcs12-Password", P12_PASSWORD)
            .body(Files.readAllBytes(openssl.pkcs12("alice", P12_PASSWORD)))
            .post("/tresor/tenants/acme/keys").then().statusCode(201);

        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, "partner@partner.example", List.of(ALIAS),
            ShippedMail.plainText("partner@partner.example", ALIAS, delivered, "Kept in a local mailbox."));
        server.awaitImapMessageContaining(ALICE, PASSWORD, delivered);

        server.sendToMxAccepted(SmtpRoute.MX_PLAIN, ALICE, List.of(BOB),
            ShippedMail.plainText(ALICE, BOB, quarantined, "Not really from Alice."));
        quarantineKey = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
            .until(() -> server.mailRepositoryKeys(QUARANTINE), keys -> keys.size() == 1).get(0);
    }

    /** Everything {@link #createIn} made is there and in use in {@code server}. */
    void assertPresentIn(ShippedServer server) throws Exception {
        assertThat(server.webAdmin().get("/domains").then().statusCode(200).extract().jsonPath().getList("$"))
            .contains(DOMAIN);
        assertThat(server.webAdmin().get("/users").then().statusCode(200).extract().jsonPath().getList("username"))
            .contains(ALICE, FRANK);
        assertThat(server.webAdmin().get("/address/aliases/" + ALICE).then().statusCode(200).extract().jsonPath()
            .getList("source")).containsExactly(ALIAS);

        // the quarantined mail, listed and readable through WebAdmin, with the reason it was held
        assertThat(server.mailRepositoryKeys(QUARANTINE)).containsExactly(quarantineKey);
        assertThat(server.mailRepositoryMail(QUARANTINE, quarantineKey)).contains("did not authenticate");
        assertThat(new String(server.mailRepositoryMessage(QUARANTINE, quarantineKey), US_ASCII))
            .contains("Subject: " + quarantined);

        // the delivered mail, read over IMAP with the stored password
        assertThat(server.imapMessages(ALICE, PASSWORD)).anySatisfy(message -> assertThat(message).contains(delivered));

        // SMTP AUTH with the stored password, and the alias still rewrites
        String submitted = "submitted " + UUID.randomUUID();
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, FRANK, PASSWORD, List.of(ERIN),
            ShippedMail.plainText(FRANK, ERIN, submitted, "Frank's password still works."));
        SmtpSink.ReceivedMail relayed = server.awaitRelayed(submitted);
        assertThat(relayed.envelopeRecipients()).containsExactly(ERIN);
        String again = "alias again " + UUID.randomUUID();
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, "partner@partner.example", List.of(ALIAS),
            ShippedMail.plainText("partner@partner.example", ALIAS, again, "The alias still rewrites."));
        server.awaitImapMessageContaining(ALICE, PASSWORD, again);
    }
}
