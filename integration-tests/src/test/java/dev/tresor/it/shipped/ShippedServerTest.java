package dev.tresor.it.shipped;

import static dev.tresor.it.shipped.SampleTenant.ALICE;
import static dev.tresor.it.shipped.SampleTenant.BOB;
import static dev.tresor.it.shipped.SampleTenant.CAROL;
import static dev.tresor.it.shipped.SampleTenant.CAROLS_PDF_PASSWORD;
import static dev.tresor.it.shipped.SampleTenant.ERIN;
import static dev.tresor.it.shipped.SampleTenant.FRANK;
import static dev.tresor.it.shipped.SampleTenant.PASSWORD;
import static dev.tresor.it.shipped.SampleTenant.PAUL;
import static dev.tresor.it.shipped.SampleTenant.TEXT_ENTITY;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.it.SmtpSink;
import dev.tresor.it.shipped.ShippedServer.ProcessOutcome;
import dev.tresor.it.shipped.ShippedServer.SmtpReply;
import dev.tresor.it.shipped.ShippedServer.SmtpRoute;
import dev.tresor.pdf.PdfTools;

/**
 * The shipped server ({@code bin/tresor-server}) and its sample chain, driven from outside only, with the real tools
 * as judges: SMTP with and without STARTTLS and forged verdicts; mail that openssl and gpg made arrives decrypted and
 * verified (read over IMAPS); what an authenticated local sender submits leaves in the form each partner can open with
 * openssl, gpg or qpdf. The people and their keys: {@link SampleTenant}. One server for all (start-up is the cost).
 *
 * <p>The last test stops the server: {@code bin/tresor-process} opens the same key database, which the embedded H2
 * allows to one process only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShippedServerTest {
    @RegisterExtension
    static ShippedServer server = new ShippedServer();

    @TempDir
    static Path directory;

    private static SampleTenant acme;

    @BeforeAll
    static void setUpUsersTenantAndKeys() throws Exception {
        acme = SampleTenant.createIn(server, directory);
    }

    @AfterAll
    static void stopAgent() {
        if (acme != null) {
            acme.close();
        }
    }

    // --- the process: the durable mail queues' broker opens no port of its own ---------------------------------

    @Test
    @Order(1)
    void theQueueBrokerShouldOpenNoNetworkListener() throws Exception {
        // given the server with its queues started
        assertThat(server.healthcheck().body()).contains("Embedded ActiveMQ");

        // when we list the TCP sockets the server's process listens on
        Set<Integer> listening = ListeningSockets.tcpPortsListenedOnBy(server.pid());

        // then they are the configured listeners' (SMTP, IMAP, WebAdmin), none of a broker
        assertThat(listening).isNotEmpty().isSubsetOf(server.listenerPorts());
    }

    // --- the front door: SMTP with and without TLS, forged verdicts, submission ---------------------------------

    @Test
    void mailReceivedOverStartTlsShouldBeMarkedAndForgedVerdictsStripped() throws Exception {
        // given a partner's mail that claims a valid signature and a TLS hop of its own
        String subject = "over TLS " + UUID.randomUUID();

        // when it arrives on port 25 after STARTTLS
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, ERIN, List.of(ALICE), forgedMail(subject));

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
        server.sendToMxAccepted(SmtpRoute.MX_PLAIN, ERIN, List.of(ALICE), forgedMail(subject));

        // then nothing claims TLS, and the verdicts are the chain's own (VerifySmime says none), not the forger's
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, subject);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Inbound-TLS")).isEmpty();
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Signature")).singleElement(as(STRING)).startsWith("none;");
        assertThat(delivered).doesNotContain("forged").contains("X-Untouched: kept");
    }

    @Test
    void submissionShouldRefuseAWrongPassword() throws Exception {
        // when Frank submits with a wrong password on port 587
        SmtpReply reply = server.submit(SmtpRoute.SUBMISSION_STARTTLS, FRANK, "wrong", List.of(ERIN),
            ShippedMail.plainText(FRANK, ERIN, "never sent", "Never sent."));

        // then AUTH fails and nothing is sent
        assertThat(reply.command()).isEqualTo("AUTH");
        assertThat(reply.code()).isEqualTo(535);
        assertThat(reply.accepted()).isFalse();
    }

    @Test
    void mailFromASenderWithoutKeysToAPartnerWithNothingShouldLeaveAsItCame() throws Exception {
        // given Frank (no key of his own) writes to Erin (nothing agreed with her)
        String subject = "frank to erin " + UUID.randomUUID();

        // when he submits it on port 465 with implicit TLS and AUTH
        server.submitAccepted(SmtpRoute.SUBMISSIONS_IMPLICIT_TLS, FRANK, PASSWORD, List.of(ERIN),
            ShippedMail.plainText(FRANK, ERIN, subject, "Hello over implicit TLS."));

        // then it leaves for Erin unprotected: the sample chain's second PdfWrap, for everyone else, is commented out
        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(relayed.envelopeRecipients()).containsExactly(ERIN);
        assertThat(new String(relayed.data(), US_ASCII)).contains("Hello over implicit TLS.")
            .doesNotContain("multipart/signed").doesNotContain("X-Tresor-Protection");
    }

    // --- inbound S/MIME, made by openssl ------------------------------------------------------------------------

    @Test
    void aPartnersMailSignedByOpensslShouldArriveWithAValidVerdict() throws Exception {
        // given a mail Bob signed with openssl cms (multipart/signed)
        String subject = "signed " + UUID.randomUUID();

        // when it reaches the MX over STARTTLS
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, BOB, List.of(ALICE), acme.signedByBob(subject, "Signed offer."));

        // then Alice reads it, verified
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, subject);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Signature")).singleElement(as(STRING))
            .startsWith("valid");
        assertThat(delivered).contains("Signed offer.");
    }

    @Test
    void aPartnersMailEncryptedByOpensslShouldArriveDecrypted() throws Exception {
        // given a mail Bob encrypted with openssl cms to Alice's certificate
        String subject = "encrypted " + UUID.randomUUID();

        // when it reaches the MX
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, BOB, List.of(ALICE),
            acme.encryptedByBob(subject, TEXT_ENTITY + "Encrypted offer.\r\n"));

        // then Alice reads it in clear, marked as decrypted, without a signature
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, subject);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Decryption")).singleElement(as(STRING))
            .startsWith("decrypted");
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Signature")).singleElement(as(STRING))
            .startsWith("none");
        assertThat(delivered).contains("Encrypted offer.").doesNotContain("application/pkcs7-mime");
    }

    @Test
    void aPartnersMailSignedThenEncryptedByOpensslShouldArriveDecryptedAndVerified() throws Exception {
        // given a mail Bob signed, then encrypted, with openssl cms
        String subject = "signed and encrypted " + UUID.randomUUID();

        // when it reaches the MX
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, BOB, List.of(ALICE),
            acme.signedThenEncryptedByBob(subject, "Signed and encrypted offer."));

        // then Alice reads it decrypted and verified
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, subject);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Decryption")).singleElement(as(STRING))
            .startsWith("decrypted");
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Signature")).singleElement(as(STRING))
            .startsWith("valid");
        assertThat(delivered).contains("Signed and encrypted offer.");
    }

    // --- inbound OpenPGP, made by gpg ---------------------------------------------------------------------------

    @Test
    void aPartnersPgpMimeMailSignedByGpgShouldArriveWithAValidVerdict() throws Exception {
        // given a PGP/MIME multipart/signed mail, Paul's detached signature made by gpg
        String subject = "pgp signed " + UUID.randomUUID();

        // when it reaches the MX
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, PAUL, List.of(ALICE), acme.pgpSignedByPaul(subject, "Signed by Paul."));

        // then Alice reads it with a valid OpenPGP verdict
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, subject);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Pgp-Signature")).singleElement(as(STRING))
            .startsWith("valid");
        assertThat(delivered).contains("Signed by Paul.");
    }

    @Test
    void aPartnersPgpMimeMailEncryptedByGpgShouldArriveDecrypted() throws Exception {
        // given a PGP/MIME mail gpg encrypted to Alice's key, unsigned
        String subject = "pgp encrypted " + UUID.randomUUID();

        // when it reaches the MX
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, PAUL, List.of(ALICE),
            acme.pgpEncryptedByPaul(subject, "Encrypted by Paul.", false));

        // then Alice reads it in clear, marked as decrypted with OpenPGP
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, subject);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Decryption")).singleElement(as(STRING))
            .startsWith("decrypted (OpenPGP");
        assertThat(delivered).contains("Encrypted by Paul.").doesNotContain("BEGIN PGP MESSAGE");
    }

    @Test
    void aPartnersPgpMimeMailSignedAndEncryptedByGpgShouldArriveDecryptedAndVerified() throws Exception {
        // given a PGP/MIME mail gpg signed and encrypted in one pass, claiming a verdict of its own
        String subject = "pgp signed and encrypted " + UUID.randomUUID();
        byte[] mail = acme.pgpEncryptedByPaul(subject, "Signed and encrypted by Paul.", true);
        byte[] forged = ("X-Tresor-Pgp-Signature: valid; forged\r\n" + new String(mail, US_ASCII)).getBytes(US_ASCII);

        // when it reaches the MX
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, PAUL, List.of(ALICE), forged);

        // then Alice reads it decrypted with the chain's own valid verdict
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, subject);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Decryption")).singleElement(as(STRING))
            .startsWith("decrypted (OpenPGP");
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Pgp-Signature")).singleElement(as(STRING))
            .startsWith("valid");
        assertThat(delivered).contains("Signed and encrypted by Paul.").doesNotContain("forged");
    }

    // --- protected headers (RFC 9788, and the form Thunderbird writes) ------------------------------------------

    @Test
    void encryptedMailWithRfc9788ProtectedHeadersShouldShowTheRealSubject() throws Exception {
        // given Bob's client encrypted a mail with header protection: the outer Subject is a placeholder, the real one
        // and the other header fields are on the encrypted part (hp="cipher"), with a legacy display part in front
        String token = UUID.randomUUID().toString();
        String realSubject = "Quarterly figures " + token;
        String inner = "Content-Type: multipart/mixed; boundary=\"hp\"; hp=\"cipher\"\r\n"
            + "From: Bob <" + BOB + ">\r\nTo: " + ALICE + "\r\nSubject: " + realSubject + "\r\n"
            + "Message-ID: <" + token + "@partner.example>\r\nHP-Outer: Subject: ...\r\n\r\n"
            + "--hp\r\nContent-Type: text/plain; charset=us-ascii; hp-legacy-display=\"1\"\r\n\r\n"
            + "Subject: " + realSubject + "\r\n\r\n"
            + "--hp\r\n" + TEXT_ENTITY + "The figures are attached in spirit (" + token + ").\r\n--hp--\r\n";

        // when it reaches the MX
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, BOB, List.of(ALICE), acme.encryptedByBob("...", inner));

        // then Alice's inbox shows the real subject, and the legacy display part is gone (RFC 9788, section 4.10)
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, "The figures are attached in spirit (" + token);
        assertThat(ShippedMail.headerValues(delivered, "X-Tresor-Decryption")).singleElement(as(STRING))
            .startsWith("decrypted");
        assertThat(ShippedMail.headerValues(delivered, "Subject")).containsExactly(realSubject);
        assertThat(delivered).doesNotContain("hp-legacy-display");
    }

    @Test
    void encryptedMailWithThunderbirdProtectedHeadersShouldShowTheRealSubject() throws Exception {
        // given a mail encrypted as Thunderbird writes it: outer Subject "...", the real header fields on the
        // encrypted multipart marked protected-headers="v1"
        String token = UUID.randomUUID().toString();
        String realSubject = "Board meeting " + token;
        String inner = "Content-Type: multipart/mixed; boundary=\"tb\"; protected-headers=\"v1\"\r\n"
            + "From: Bob <" + BOB + ">\r\nTo: " + ALICE + "\r\nMessage-ID: <" + token + "@partner.example>\r\n"
            + "Subject: " + realSubject + "\r\n\r\n"
            + "--tb\r\nContent-Type: text/plain; charset=UTF-8; format=flowed\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
            + "See you on Monday (" + token + ").\r\n--tb--\r\n";

        // when it reaches the MX
        server.sendToMxAccepted(SmtpRoute.MX_STARTTLS, BOB, List.of(ALICE), acme.encryptedByBob("...", inner));

        // then Alice's inbox shows the real subject
        String delivered = server.awaitImapMessageContaining(ALICE, PASSWORD, "See you on Monday (" + token);
        assertThat(ShippedMail.headerValues(delivered, "Subject")).containsExactly(realSubject);
    }

    // --- outbound, from an authenticated local sender -----------------------------------------------------------

    @Test
    void mailToAPartnerWithACertificateShouldLeaveAsSmimeThatOpensslDecryptsAndVerifies() throws Exception {
        // given Alice's mail to Bob, whose certificate the tenant holds
        String subject = "to bob " + UUID.randomUUID();

        // when she submits it on port 587 with STARTTLS and AUTH
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, ALICE, PASSWORD, List.of(BOB),
            ShippedMail.plainText(ALICE, BOB, subject, "The merger closes on Friday."));

        // then Bob gets S/MIME that openssl decrypts with his key and verifies against Alice's certificate
        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(new String(relayed.data(), US_ASCII)).doesNotContain("merger");
        assertThat(acme.bobDecryptsAndVerifies(relayed)).contains("The merger closes on Friday.");
        // and Alice's RSA signature was made by AWS-LC from the distribution's lib/, as on every Linux x86-64 machine
        if (System.getProperty("os.arch").equals("amd64")) {
            assertThat(Files.readString(server.log())).contains("RSA signatures use AWS-LC");
        }
    }

    @Test
    void mailToAPartnerWithOnlyAPgpKeyShouldLeaveAsPgpMimeThatGpgDecrypts() throws Exception {
        // given Alice's mail to Paul, whose OpenPGP key (and nothing else) the tenant holds
        String subject = "to paul " + UUID.randomUUID();

        // when she submits it on port 465 with implicit TLS and AUTH
        server.submitAccepted(SmtpRoute.SUBMISSIONS_IMPLICIT_TLS, ALICE, PASSWORD, List.of(PAUL),
            ShippedMail.plainText(ALICE, PAUL, subject, "The merger closes on Friday."));

        // then Paul gets PGP/MIME that gpg decrypts with his key
        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(new String(relayed.data(), US_ASCII)).doesNotContain("merger");
        assertThat(acme.paulDecrypts(relayed)).contains("The merger closes on Friday.");
    }

    @Test
    void mailFromASenderWithoutKeysToAPartnerWithOnlyAPdfPasswordShouldLeaveAsALockedPdf() throws Exception {
        // given Frank (no key of his own) writes to Carol, with whom the tenant agreed a PDF password
        String subject = "to carol from frank " + UUID.randomUUID();

        // when he submits it
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, FRANK, PASSWORD, List.of(CAROL),
            ShippedMail.plainText(FRANK, CAROL, subject, "Frank's figures for Carol."));

        // then Carol gets a PDF that qpdf opens with the password and pdftotext reads
        assertCarolGetsALockedPdfWith(server.awaitRelayed(subject), "Frank's figures for Carol.");
    }

    @Test
    void signedMailToAPartnerWithOnlyAPdfPasswordShouldLeaveAsALockedPdf() throws Exception {
        // given Alice, who signs with S/MIME, writes to Carol: SignSmime signs, then PdfWrap wraps the signed mail
        String subject = "to carol from alice " + UUID.randomUUID();

        // when she submits it
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, ALICE, PASSWORD, List.of(CAROL),
            ShippedMail.plainText(ALICE, CAROL, subject, "Alice's figures for Carol."));

        // then Carol gets a PDF that qpdf opens with the password and pdftotext reads
        assertCarolGetsALockedPdfWith(server.awaitRelayed(subject), "Alice's figures for Carol.");
    }

    @Test
    void mailToAPartnerWithNothingShouldLeaveSignedInClearTextAsTheSampleChainSays() throws Exception {
        // given Alice writes to Erin, for whom the tenant has no certificate, key or password; the sample chain signs
        // everything Alice sends (SignSmime) and leaves the second PdfWrap, for everyone else, commented out
        String subject = "to erin " + UUID.randomUUID();

        // when she submits it
        server.submitAccepted(SmtpRoute.SUBMISSION_STARTTLS, ALICE, PASSWORD, List.of(ERIN),
            ShippedMail.plainText(ALICE, ERIN, subject, "Nothing protects this text."));

        // then Erin gets it readable by anyone on the way, S/MIME signed (openssl verifies it), not encrypted
        SmtpSink.ReceivedMail relayed = server.awaitRelayed(subject);
        assertThat(relayed.envelopeRecipients()).containsExactly(ERIN);
        assertThat(new String(relayed.data(), US_ASCII)).contains("Nothing protects this text.").contains("multipart/signed")
            .doesNotContain("enveloped-data").doesNotContain("X-Tresor-Protection");
        Files.write(directory.resolve("to-erin.eml"), relayed.data());
        acme.openssl().run("cms", "-verify", "-CAfile", "alice-cert.pem", "-in", "to-erin.eml", "-out", "to-erin.txt");
        assertThat(Files.readString(directory.resolve("to-erin.txt"))).contains("Nothing protects this text.");
    }

    // --- bin/tresor-process, after the server --------------------------------------------------------------------

    @Test
    @Order(Integer.MAX_VALUE)
    void tresorProcessShouldGiveAVerdictOnAMailSignedByOpenssl() throws Exception {
        // given a mail Bob signed with openssl, and the server stopped (the embedded key database has one user)
        byte[] signed = acme.signedByBob("offline " + UUID.randomUUID(), "Verify me offline.");
        server.stop();

        // when an admin runs VerifySmime over it offline, with the key repository the server filled
        ProcessOutcome outcome = server.process(signed, "--mailet", "VerifySmime");

        // then the verdict is valid (Bob's certificate is an acme trust anchor, Alice an acme recipient)
        assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
        assertThat(ShippedMail.headerValues(outcome.stdoutText(), "X-Tresor-Signature")).singleElement(as(STRING))
            .startsWith("valid");
        assertThat(outcome.stderr()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static byte[] forgedMail(String subject) {
        return ("From: " + ERIN + "\r\nTo: " + ALICE + "\r\nSubject: " + subject + "\r\n"
            + "X-Tresor-Signature: valid; signer=ceo@acme.example (forged)\r\n"
            + "X-Tresor-Inbound-TLS: yes (forged)\r\n"
            + "X-Tresor-Decryption: decrypted (forged)\r\n"
            + "X-Untouched: kept\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nWire the money.\r\n").getBytes(US_ASCII);
    }

    private static void assertCarolGetsALockedPdfWith(SmtpSink.ReceivedMail relayed, String text) throws Exception {
        assertThat(relayed.envelopeRecipients()).containsExactly(CAROL);
        assertThat(relayed.message().getHeader("X-Tresor-Protection")).containsExactly("pdf");
        assertThat(new String(relayed.data(), UTF_8)).doesNotContain(text).doesNotContain(CAROLS_PDF_PASSWORD);
        Path pdf = directory.resolve("carol-" + UUID.randomUUID() + ".pdf");
        MimeMultipart parts = (MimeMultipart) relayed.message().getContent();
        try (InputStream in = parts.getBodyPart(1).getInputStream(); OutputStream out = Files.newOutputStream(pdf)) {
            in.transferTo(out); // javax.mail's base64 stream can end early for readAllBytes
        }
        Path decrypted = directory.resolve("decrypted-" + pdf.getFileName());
        PdfTools.succeed(directory, "qpdf", "--password=" + CAROLS_PDF_PASSWORD, "--decrypt", pdf.toString(),
            decrypted.toString());
        assertThat(PdfTools.succeed(directory, "pdftotext", decrypted.toString(), "-")).contains(text);
        assertThat(PdfTools.run(directory, "pdftotext", pdf.toString(), "-").exitCode).isNotZero();
    }
}
