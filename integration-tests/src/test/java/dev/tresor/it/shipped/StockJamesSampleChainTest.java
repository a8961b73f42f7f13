package dev.tresor.it.shipped;

import static dev.tresor.it.shipped.SampleTenant.ALICE;
import static dev.tresor.it.shipped.SampleTenant.BOB;
import static dev.tresor.it.shipped.SampleTenant.PASSWORD;
import static dev.tresor.it.shipped.SampleTenant.PAUL;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.it.SmtpSink;
import dev.tresor.it.shipped.ShippedServer.SmtpRoute;

/**
 * The drop-in bundle in an unmodified Apache James 3.8.1 (its own class path, Bouncy Castle 1.70) running Tresor's
 * sample chain: the {@code conf/} of the distribution (mailetcontainer.xml, smtpserver.xml with the hooks, ...) plus
 * the bundle's lines, as an operator installs it. Inbound S/MIME that openssl signed and encrypted arrives decrypted
 * and verified; outbound mail leaves as S/MIME that openssl opens and as PGP/MIME that gpg opens.
 */
class StockJamesSampleChainTest {
    @RegisterExtension
    static ShippedServer stockJames = ShippedServer.stockJamesWithBundle();

    @TempDir
    static Path directory;

    private static SampleTenant acme;

    @BeforeAll
    static void setUpUsersTenantAndKeys() throws Exception {
        acme = SampleTenant.createIn(stockJames, directory);
    }

    @AfterAll
    static void stopAgent() {
        if (acme != null) {
            acme.close();
        }
    }

    @Test
    void aPartnersMailSignedThenEncryptedByOpensslShouldArriveDecryptedAndVerified() throws Exception {
        // given a mail Bob signed, then encrypted, with openssl cms
        String subject = "stock inbound " + UUID.randomUUID();

        // when it reaches the stock James's MX listener over STARTTLS
        stockJames.sendToMxAccepted(SmtpRoute.MX_STARTTLS, BOB, List.of(ALICE),
            acme.signedThenEncryptedByBob(subject, "Signed and encrypted offer."));

        // then Alice reads it over IMAPS decrypted, verified, marked as received over TLS
        String delivered = stockJames.awaitImapMessageContaining(ALICE, PASSWORD, subject);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Decryption")).singleElement(as(STRING))
            .startsWith("decrypted");
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Signature")).singleElement(as(STRING))
            .startsWith("valid");
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Inbound-TLS")).containsExactly("yes");
        assertThat(delivered).contains("Signed and encrypted offer.");
    }

    @Test
    void mailToAPartnerWithACertificateShouldLeaveAsSmimeThatOpensslDecryptsAndVerifies() throws Exception {
        // given Alice's mail to Bob, whose certificate the tenant holds
        String subject = "stock to bob " + UUID.randomUUID();

        // when she submits it to the stock James with STARTTLS and AUTH
        stockJames.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, ALICE, PASSWORD, List.of(BOB),
            ShippedMail.plainText(ALICE, BOB, subject, "The merger closes on Friday."));

        // then Bob gets S/MIME that openssl decrypts and verifies
        SmtpSink.ReceivedMail relayed = stockJames.awaitRelayed(subject);
        assertThat(new String(relayed.data(), US_ASCII)).doesNotContain("merger");
        assertThat(acme.bobDecryptsAndVerifies(relayed)).contains("The merger closes on Friday.");
        // and the bundle's AWS-LC made Alice's RSA signature inside the stock James (Linux x86-64)
        if (System.getProperty("os.arch").equals("amd64")) {
            assertThat(Files.readString(stockJames.log())).contains("RSA signatures use AWS-LC");
        }
    }

    @Test
    void mailToAPartnerWithOnlyAPgpKeyShouldLeaveAsPgpMimeThatGpgDecrypts() throws Exception {
        // given Alice's mail to Paul, whose OpenPGP key the tenant holds
        String subject = "stock to paul " + UUID.randomUUID();

        // when she submits it to the stock James with implicit TLS and AUTH
        stockJames.submitAccepted(SmtpRoute.SUBMISSIONS_IMPLICIT_TLS, ALICE, PASSWORD, List.of(PAUL),
            ShippedMail.plainText(ALICE, PAUL, subject, "The merger closes on Friday."));

        // then Paul gets PGP/MIME that gpg decrypts
        SmtpSink.ReceivedMail relayed = stockJames.awaitRelayed(subject);
        assertThat(new String(relayed.data(), US_ASCII)).doesNotContain("merger");
        assertThat(acme.paulDecrypts(relayed)).contains("The merger closes on Friday.");
    }
}
