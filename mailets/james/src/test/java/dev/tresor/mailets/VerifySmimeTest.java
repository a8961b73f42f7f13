package dev.tresor.mailets;

import static dev.tresor.smime.SmimeFixtures.textMail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.internet.MimeUtility;

import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.SmimeSignature;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.smime.HttpCrlFetcher;
import dev.tresor.smime.SmimeVerdict;
import dev.tresor.smime.SigningOptions;
import dev.tresor.smime.SmimeSigner;
import dev.tresor.smime.SmimeVerifier;
import dev.tresor.smime.VerificationOptions;

class VerifySmimeTest {
    static final TestPki PARTNER_CA = TestPki.ca("Partner CA");
    static final TestPki.Issued ALICE = PARTNER_CA.issue("alice@partner.example");

    @TempDir
    Path directory;

    private TestVaults vaults;
    private TenantId acme;
    private TenantId beta;
    private final FakeMailContext fakeContext = FakeMailContext.builder().build();

    @BeforeEach
    void setUp() {
        vaults = TestVaults.create(directory, Clock.systemUTC());
        acme = vaults.tenant("acme", "acme.example");
        beta = vaults.tenant("beta", "beta.example");
        vaults.tenant("partner", "partner.example");
        vaults.addTrustAnchor(acme, PARTNER_CA);
    }

    @Test
    void aForgedIncomingVerdictOnAnUnsignedMailShouldEndAsNone() throws Exception {
        MimeMessage message = textMail("mallory@evil.example", "bob@acme.example", "Trust me\n");
        message.addHeader(SmimeSignature.HEADER, "valid; signer=ceo@acme.example");
        Mail mail = mail(message, "bob@acme.example");

        mailet().service(mail);

        assertThat(mail.getMessage().getHeader(SmimeSignature.HEADER)).hasSize(1);
        assertThat(header(mail)).startsWith("none;");
        assertThat(status(mail)).isEqualTo("none");
    }

    @Test
    void eachTenantShouldVerifyWithItsOwnTrustAnchorsAndTheMailGetTheWorstVerdict() throws Exception {
        vaults.addTrustAnchor(beta, TestPki.ca("Beta's own CA"));
        Mail mail = mail(signed(), "bob@acme.example", "carol@beta.example");

        mailet().service(mail);

        SmimeSignature attribute = SmimeSignature.of(mail).orElseThrow();
        assertThat(attribute.statusFor(acme)).isEqualTo(SmimeVerdict.Status.VALID);
        assertThat(attribute.statusFor(beta)).isEqualTo(SmimeVerdict.Status.UNTRUSTED);
        assertThat(attribute.status()).isEqualTo(SmimeVerdict.Status.UNTRUSTED);
        assertThat(header(mail)).startsWith("untrusted; signer=alice@partner.example; reason=\"no path to a trust anchor of tenant beta");
    }

    @Test
    void eachTenantShouldUseItsOwnRevocationPolicy() throws Exception {
        // ALICE's certificate names no CRL distribution point: fine under soft-fail, unknown status under hard-fail
        vaults.addTrustAnchor(beta, PARTNER_CA);
        Mail mail = mail(signed(), "bob@acme.example", "carol@beta.example");

        mailet("revocation", "soft-fail", "tenantRevocation", "beta=hard-fail").service(mail);

        SmimeSignature attribute = SmimeSignature.of(mail).orElseThrow();
        assertThat(attribute.statusFor(acme)).isEqualTo(SmimeVerdict.Status.VALID);
        assertThat(attribute.statusFor(beta)).isEqualTo(SmimeVerdict.Status.UNTRUSTED);
        assertThat(header(mail)).startsWith("untrusted;").contains("revocation status unknown");
    }

    @Test
    void aValidSignatureShouldBeRecordedAndAuditedForTheRecipientTenant() throws Exception {
        Mail mail = mail(signed(), "bob@acme.example");

        mailet().service(mail);

        assertThat(status(mail)).isEqualTo("valid");
        assertThat(header(mail)).startsWith("valid; signer=alice@partner.example;");
        assertThat(vaults.keyUses(acme))
            .singleElement()
            .satisfies(event -> {
                assertThat(event.operation()).isEqualTo(AuditEvent.Operation.VERIFY);
                assertThat(event.key()).contains(ALICE.fingerprint().asString());
                assertThat(event.counterpart().orElseThrow().asString()).isEqualTo("alice@partner.example");
                assertThat(event.messageId()).contains("<t1@tresor.test>");
            });
        assertThat(vaults.keyUses(beta)).isEmpty();
    }

    @Test
    void stripSignatureShouldLeaveOnlyTheSignedContentOfAValidMail() throws Exception {
        Mail mail = mail(signed(), "bob@acme.example");

        mailet("stripSignature", "true").service(mail);

        assertThat(mail.getMessage().getContentType()).startsWith("text/plain");
        assertThat(mail.getMessage().getContent()).isEqualTo("Quarterly figures attached\r\n");
        assertThat(mail.getMessage().getHeader("Subject", null)).isEqualTo("Quarterly figures");
        assertThat(header(mail)).startsWith("valid;");
    }

    @Test
    void aReportShouldComeFirstAndLeaveTheOriginalVerifiable() throws Exception {
        Mail mail = mail(signed(), "bob@acme.example");

        mailet("report", "text").service(mail);

        MimeMultipart parts = (MimeMultipart) mail.getMessage().getContent();
        assertThat(parts.getBodyPart(0).getContent().toString()).contains("S/MIME signature check: valid");
        MimeMessage original = (MimeMessage) parts.getBodyPart(1).getContent();
        SmimeVerdict again = new SmimeVerifier(new HttpCrlFetcher(Duration.ofSeconds(1)), Clock.systemUTC())
            .verify(original, VerificationOptions.trusting("test", java.util.List.of(PARTNER_CA.certificate())));
        assertThat(again.status()).as(again.reason()).isEqualTo(SmimeVerdict.Status.VALID);
    }

    @Test
    void invalidOrUnknownParametersShouldFailInitNamingTheParameter() {
        assertThatThrownBy(() -> mailet("revocation", "sometimes"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("'revocation'").hasMessageContaining("soft-fail, hard-fail, off");
        assertThatThrownBy(() -> mailet("report", "pdf")).hasMessageContaining("'report'");
        assertThatThrownBy(() -> mailet("trustJdkCacerts", "yes")).hasMessageContaining("'trustJdkCacerts'");
        assertThatThrownBy(() -> mailet("revocaton", "off")).isInstanceOf(MessagingException.class).hasMessageContaining("revocaton");
        assertThatThrownBy(() -> mailet("tenantRevocation", "acme:hard-fail")).hasMessageContaining("'tenantRevocation'")
            .hasMessageContaining("tenant=soft-fail|hard-fail|off");
        assertThatThrownBy(() -> mailet("tenantRevocation", "acme=hard-fail, acme=off")).hasMessageContaining("named twice");
    }

    static MimeMessage signed() throws Exception {
        return new SmimeSigner(SigningOptions.DEFAULT).sign(
            textMail("alice@partner.example", "bob@acme.example", "Quarterly figures attached\n"), ALICE.privateKey(), ALICE.chain());
    }

    private Mail mail(MimeMessage message, String... recipients) throws MessagingException {
        return FakeMail.builder().name("mail1").mimeMessage(message).sender("alice@partner.example").recipients(recipients).build();
    }

    private VerifySmime mailet(String... parameters) throws MessagingException {
        VerifySmime mailet = new VerifySmime(vaults.repository(), vaults.tenantResolver(), Clock.systemUTC(),
            new HttpCrlFetcher(Duration.ofSeconds(1)));
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("VerifySmime")
            .mailetContext(LocalDomains.context(fakeContext, "acme.example", "beta.example"));
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
        return mailet;
    }

    private static String header(Mail mail) throws MessagingException {
        return MimeUtility.unfold(mail.getMessage().getHeader(SmimeSignature.HEADER, null));
    }

    @SuppressWarnings("unchecked")
    private static String status(Mail mail) {
        Map<String, AttributeValue<?>> map = (Map<String, AttributeValue<?>>) mail.getAttribute(SmimeSignature.NAME)
            .orElseThrow().getValue().value();
        return (String) map.get("status").value();
    }
}
