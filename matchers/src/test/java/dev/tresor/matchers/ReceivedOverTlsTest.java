package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.TlsVersion;
import dev.tresor.attributes.InboundTls;

class ReceivedOverTlsTest {
    private static final String ALICE = "alice@acme.example";
    private static final String BOB = "bob@acme.example";

    @Test
    void shouldMatchAllRecipientsOfMailReceivedOverTls() throws Exception {
        ReceivedOverTls matcher = matcher(null);

        assertThat(matcher.match(mailReceivedOver(TlsVersion.TLS_1_2)))
            .containsExactlyInAnyOrder(new MailAddress(ALICE), new MailAddress(BOB));
    }

    @Test
    void shouldNotMatchMailReceivedInClearText() throws Exception {
        ReceivedOverTls matcher = matcher(null);
        FakeMail mail = FakeMail.builder().name("mail").recipients(ALICE, BOB).build();

        assertThat(matcher.match(mail)).isEmpty();
    }

    @Test
    void shouldNotMatchAnAttributeItDidNotWrite() throws Exception {
        ReceivedOverTls matcher = matcher(null);
        FakeMail mail = FakeMail.builder().name("mail").recipients(ALICE)
            .attribute(new Attribute(InboundTls.NAME, AttributeValue.of(true)))
            .build();

        assertThat(matcher.match(mail)).isEmpty();
    }

    @Test
    void minimumProtocolShouldRejectOlderVersions() throws Exception {
        ReceivedOverTls matcher = matcher("TLSv1.3");

        assertThat(matcher.match(mailReceivedOver(TlsVersion.TLS_1_2))).isEmpty();
        assertThat(matcher.match(mailReceivedOver(TlsVersion.TLS_1_3))).hasSize(2);
    }

    @Test
    void minimumProtocolShouldAcceptNewerVersions() throws Exception {
        ReceivedOverTls matcher = matcher("TLSv1.2");

        assertThat(matcher.match(mailReceivedOver(TlsVersion.TLS_1_3))).hasSize(2);
    }

    @Test
    void initShouldRejectAnUnsupportedMinimumNamingTheAllowedValues() {
        assertThatThrownBy(() -> matcher("TLSv1.1"))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("TLSv1.1")
            .hasMessageContaining("TLSv1.2 and TLSv1.3");
    }

    private static ReceivedOverTls matcher(String condition) throws MessagingException {
        ReceivedOverTls matcher = new ReceivedOverTls();
        matcher.init(FakeMatcherConfig.builder().matcherName("ReceivedOverTls").condition(condition).build());
        return matcher;
    }

    private static FakeMail mailReceivedOver(TlsVersion protocol) throws MessagingException {
        return FakeMail.builder().name("mail").recipients(ALICE, BOB)
            .attribute(InboundTls.of(protocol, "TLS_AES_128_GCM_SHA256").asAttribute())
            .build();
    }
}
