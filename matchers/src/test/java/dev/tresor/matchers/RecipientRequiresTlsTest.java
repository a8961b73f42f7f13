package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.TenantId;
import dev.tresor.keys.TlsPolicy;
import dev.tresor.mailets.TestVaults;
import dev.tresor.smime.SmimeFixtures;
import dev.tresor.attributes.RequireTlsOption;

class RecipientRequiresTlsTest {
    private static final String BANK = "joe@bank.example";
    private static final String PARTNER = "pat@partner.example";
    private static final String OTHER = "oz@other.example";
    private static final String LOCAL = "lou@localhost";

    @TempDir
    Path directory;
    private TestVaults vaults;
    private TenantId acme;

    @BeforeEach
    void setUp() {
        vaults = TestVaults.create(directory, Clock.systemUTC());
        acme = vaults.tenant("acme", "acme.example");
        vaults.tenant("globex", "globex.example");
    }

    private RecipientRequiresTls matcher(String condition) throws MessagingException {
        RecipientRequiresTls matcher = new RecipientRequiresTls(vaults.repository(), vaults.tenantResolver());
        matcher.init(FakeMatcherConfig.builder().matcherName("RecipientRequiresTls").condition(condition).build());
        return matcher;
    }

    private static Mail mail(String from, String... recipients) throws MessagingException {
        return FakeMail.builder().name("m").mimeMessage(SmimeFixtures.textMail(from, recipients[0], "Hi\n")).sender(from)
            .recipients(recipients).build();
    }

    @Test
    void theSenderTenantsEncryptOrVerifyPoliciesShouldMatchAndOtherTenantsPoliciesNot() throws Exception {
        vaults.repository().tlsPolicies().set(acme, "bank.example", TlsPolicy.parse("verify"));
        vaults.repository().tlsPolicies().set(acme, "partner.example", TlsPolicy.parse("encrypt"));
        vaults.repository().tlsPolicies().set(acme, "other.example", TlsPolicy.parse("may"));

        assertThat(matcher("").match(mail("alice@acme.example", BANK, PARTNER, OTHER)))
            .containsExactly(new MailAddress(BANK), new MailAddress(PARTNER));
        assertThat(matcher("").match(mail("gina@globex.example", BANK, PARTNER, OTHER))).isEmpty();
    }

    @Test
    void conditionDomainsShouldMatchUnlessTheTenantSaysOtherwise() throws Exception {
        vaults.repository().tlsPolicies().set(acme, "partner.example", TlsPolicy.parse("may"));
        RecipientRequiresTls matcher = matcher("Bank.Example, partner.example");

        assertThat(matcher.match(mail("gina@globex.example", BANK, PARTNER, OTHER)))
            .containsExactly(new MailAddress(BANK), new MailAddress(PARTNER));
        assertThat(matcher.match(mail("alice@acme.example", BANK, PARTNER, OTHER))).containsExactly(new MailAddress(BANK));
    }

    @Test
    void aMailSentWithRequireTlsShouldMatchEveryRemoteRecipient() throws Exception {
        Mail mail = mail("alice@acme.example", OTHER, LOCAL);
        assertThat(matcher("").match(mail)).isEmpty();

        mail.setAttribute(RequireTlsOption.PRESENT);

        assertThat(matcher("").match(mail)).containsExactly(new MailAddress(OTHER));
    }

    @Test
    void anInvalidDomainInTheConditionShouldFailStartUp() {
        assertThatThrownBy(() -> matcher("bank..example")).isInstanceOf(MessagingException.class)
            .hasMessageContaining("RecipientRequiresTls: invalid domain");
    }
}
