package dev.tresor.mailets;

import static dev.tresor.mailets.VerifySmimeTest.ALICE;
import static dev.tresor.mailets.VerifySmimeTest.PARTNER_CA;
import static dev.tresor.mailets.VerifySmimeTest.signed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.attributes.CertificateHarvest;
import dev.tresor.keys.AuditEvent;
import dev.tresor.keys.CertificateEntry;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.smime.HttpCrlFetcher;
import dev.tresor.smime.SmimeFixtures;

class HarvestCertificatesTest {
    @TempDir
    Path directory;

    private TestVaults vaults;
    private TenantId acme;
    private TenantId beta;
    private TenantId partner;
    private final FakeMailContext fakeContext = FakeMailContext.builder().build();

    @BeforeEach
    void setUp() {
        vaults = TestVaults.create(directory, Clock.systemUTC());
        acme = vaults.tenant("acme", "acme.example");
        beta = vaults.tenant("beta", "beta.example");
        partner = vaults.tenant("partner", "partner.example");
        vaults.addTrustAnchor(acme, PARTNER_CA);
        vaults.addTrustAnchor(partner, PARTNER_CA);
        vaults.addTrustAnchor(beta, TestPki.ca("Beta's own CA"));
    }

    @Test
    void aValidSignersCertificateShouldBeStoredOnceAndOnlyInTheRecipientsTenant() throws Exception {
        HarvestCertificates harvest = harvester();

        harvest.service(mail(signed(), "bob@acme.example"));
        harvest.service(mail(signed(), "bob@acme.example"));

        assertThat(certificates(acme)).singleElement().satisfies(entry -> {
            assertThat(entry.fingerprint()).isEqualTo(ALICE.fingerprint());
            assertThat(entry.origin()).isEqualTo(Origin.HARVESTED);
        });
        assertThat(certificates(partner)).isEmpty();
        assertThat(certificates(beta)).isEmpty();
        assertThat(vaults.keyUses(acme))
            .singleElement()
            .satisfies(event -> {
                assertThat(event.operation()).isEqualTo(AuditEvent.Operation.HARVEST);
                assertThat(event.key()).contains(ALICE.fingerprint().asString());
            });
    }

    @Test
    void theVerdictOfVerifySmimeShouldBeReusedPerTenant() throws Exception {
        Mail mail = mail(signed(), "bob@acme.example", "carol@beta.example");
        VerifySmime verify = new VerifySmime(vaults.repository(), vaults.tenantResolver(), Clock.systemUTC(),
            new HttpCrlFetcher(Duration.ofSeconds(1)));
        init(verify);
        verify.service(mail);
        vaults.repository().trustAnchors().list(acme).forEach(anchor -> vaults.repository().trustAnchors()
            .remove(acme, dev.tresor.keys.Fingerprint.sha256(encoded(anchor))));

        harvester().service(mail);

        assertThat(certificates(acme)).hasSize(1);
        assertThat(certificates(beta)).isEmpty();
    }

    @Test
    void untrustedInvalidAndUnsignedMailShouldHarvestNothing() throws Exception {
        HarvestCertificates harvest = harvester();
        String tampered = new String(SmimeFixtures.bytes(signed()), java.nio.charset.StandardCharsets.ISO_8859_1)
            .replace("Quarterly figures attached", "Quarterly figures attacked");

        harvest.service(mail(signed(), "carol@beta.example"));
        harvest.service(mail(SmimeFixtures.parse(tampered.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)), "bob@acme.example"));
        harvest.service(mail(SmimeFixtures.textMail("alice@partner.example", "bob@acme.example", "Hi\n"), "bob@acme.example"));

        assertThat(certificates(acme)).isEmpty();
        assertThat(certificates(beta)).isEmpty();
        assertThat(fakeContext.getSentMails()).isEmpty();
    }

    @Test
    void anUntrustedSignerShouldBeQuarantinedForApprovalWhenConfigured() throws Exception {
        harvester("untrusted", "quarantine").service(mail(signed(), "bob@acme.example", "carol@beta.example"));

        assertThat(certificates(beta)).isEmpty();
        assertThat(certificates(acme)).hasSize(1);
        assertThat(fakeContext.getSentMails()).singleElement().satisfies(sent -> {
            assertThat(sent.getState()).isEqualTo("tresor-harvest-quarantine");
            assertThat(sent.getRecipients()).extracting(Object::toString).containsExactly("carol@beta.example");
            assertThat(sent.getAttributes().get(CertificateHarvest.NAME))
                .isEqualTo(new Attribute(CertificateHarvest.NAME, AttributeValue.of("pending-approval")));
        });
    }

    @Test
    void invalidParametersShouldFailInit() {
        assertThatThrownBy(() -> harvester("untrusted", "store")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("'untrusted'").hasMessageContaining("ignore, quarantine");
        assertThatThrownBy(() -> harvester("quarantineProcessor", " ")).hasMessageContaining("quarantineProcessor");
        assertThatThrownBy(() -> harvester("report", "text")).hasMessageContaining("report");
    }

    private List<CertificateEntry> certificates(TenantId tenant) {
        return vaults.repository().certificates().list(tenant, Optional.empty(), 100);
    }

    private Mail mail(MimeMessage message, String... recipients) throws MessagingException {
        return FakeMail.builder().name("mail1").mimeMessage(message).sender("alice@partner.example").recipients(recipients).build();
    }

    private HarvestCertificates harvester(String... parameters) throws MessagingException {
        HarvestCertificates mailet = new HarvestCertificates(vaults.repository(), vaults.tenantResolver(), Clock.systemUTC(),
            new HttpCrlFetcher(Duration.ofSeconds(1)));
        init(mailet, parameters);
        return mailet;
    }

    private void init(GenericMailet mailet, String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(mailet.getClass().getSimpleName())
            .mailetContext(LocalDomains.context(fakeContext, "acme.example", "beta.example"));
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        mailet.init(config.build());
    }

    private static byte[] encoded(java.security.cert.X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
