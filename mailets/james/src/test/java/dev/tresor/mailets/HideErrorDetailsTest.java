package dev.tresor.mailets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class HideErrorDetailsTest {
    private static final String STACK_TRACE = "Exception calling dev.tresor.mailets.Broken: pool exhausted at jdbc:h2:file:/srv/keys\n"
        + "javax.mail.MessagingException: pool exhausted at jdbc:h2:file:/srv/keys\n"
        + "\tat dev.tresor.mailets.Broken.service(Broken.java:12)\n";

    @Test
    void anErrorMessageShouldBeReplacedByAPlainNoticeWithTheMailsNameAsReference() throws Exception {
        // given a mail on which a mailet threw
        Mail mail = FakeMail.builder().name("mail-42").sender("partner@partner.example").recipient("alice@acme.example").build();
        mail.setErrorMessage(STACK_TRACE);

        // when
        init().service(mail);

        // then
        assertThat(mail.getErrorMessage())
            .isEqualTo(HideErrorDetails.DEFAULT_NOTICE + " (reference mail-42)")
            .doesNotContain("Exception").doesNotContain("jdbc");
    }

    @Test
    void aConfiguredNoticeShouldBeUsed() throws Exception {
        Mail mail = FakeMail.builder().name("mail-43").build();
        mail.setErrorMessage(STACK_TRACE);

        init("notice", "Sorry, this failed.").service(mail);

        assertThat(mail.getErrorMessage()).isEqualTo("Sorry, this failed. (reference mail-43)");
    }

    @Test
    void aMailWithoutErrorMessageShouldBeLeftAlone() throws Exception {
        Mail mail = FakeMail.builder().name("mail-44").build();

        init().service(mail);

        assertThat(mail.getErrorMessage()).isNull();
    }

    @Test
    void anUnknownParameterShouldFailStartUp() {
        assertThatThrownBy(() -> init("notise", "typo")).isInstanceOf(MessagingException.class).hasMessageContaining("notise");
    }

    private static HideErrorDetails init(String... parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("HideErrorDetails");
        for (int i = 0; i < parameters.length; i += 2) {
            config.setProperty(parameters[i], parameters[i + 1]);
        }
        HideErrorDetails mailet = new HideErrorDetails();
        mailet.init(config.build());
        return mailet;
    }
}
