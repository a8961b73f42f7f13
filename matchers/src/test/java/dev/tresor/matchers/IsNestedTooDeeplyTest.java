package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import dev.tresor.attributes.FailureReason;
import dev.tresor.mime.Mime;

class IsNestedTooDeeplyTest {
    @Test
    void aMailNested2000LevelsDeepShouldMatchEveryRecipientWithTheReason() throws Exception {
        Mail mail = mail(nested(2000, "multipart/mixed"));

        assertThat(matcher(null).match(mail))
            .containsExactly(new MailAddress("bob@acme.example"), new MailAddress("carol@acme.example"));
        assertThat(mail.getAttribute(FailureReason.NAME)).hasValueSatisfying(reason ->
            assertThat(reason.getValue().value().toString()).contains("nested deeper than 100 levels"));
    }

    @Test
    void aMailAtTheLimitShouldNotMatchAndOneLevelMoreShould() throws Exception {
        IsNestedTooDeeply matcher = matcher(null);

        Mail atTheLimit = mail(nested(100, "multipart/mixed"));
        assertThat(matcher.match(atTheLimit)).isEmpty();
        assertThat(atTheLimit.getAttribute(FailureReason.NAME)).isEmpty();
        assertThat(matcher.match(mail(nested(101, "multipart/mixed")))).hasSize(2);
    }

    @Test
    void attachedMessagesShouldCountAsLevelsToo() throws Exception {
        IsNestedTooDeeply matcher = matcher("3");

        assertThat(matcher.match(mail(nested(3, "message/rfc822")))).isEmpty();
        assertThat(matcher.match(mail(nested(4, "message/rfc822")))).hasSize(2);
    }

    @Test
    void anOrdinaryOrBrokenMailShouldNotMatch() throws Exception {
        IsNestedTooDeeply matcher = matcher(null);

        assertThat(matcher.match(mail("Content-Type: text/plain\r\n\r\nhello\r\n"))).isEmpty();
        assertThat(matcher.match(mail("Content-Type: multipart/mixed; boundary=\"missing\"\r\n\r\nno parts at all\r\n"))).isEmpty();
    }

    @Test
    void aConditionOutsideOneToTheLimitShouldFailStartUp() {
        for (String condition : new String[] {"0", "101", "deep", "-3"}) {
            assertThatThrownBy(() -> matcher(condition)).as(condition).isInstanceOf(MessagingException.class)
                .hasMessageContaining("from 1 to 100");
        }
    }

    /** A text part inside {@code depth} containers of the given type. */
    private static String nested(int depth, String container) {
        StringBuilder mail = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            if (container.equals("message/rfc822")) {
                mail.append("Content-Type: message/rfc822\r\n\r\nSubject: level ").append(i).append("\r\n");
            } else {
                mail.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i).append("\r\n");
            }
        }
        mail.append("Content-Type: text/plain\r\n\r\nhello\r\n");
        for (int i = depth - 1; i >= 0; i--) {
            if (!container.equals("message/rfc822")) {
                mail.append("--b").append(i).append("--\r\n");
            }
        }
        return mail.toString();
    }

    private static IsNestedTooDeeply matcher(String condition) throws MessagingException {
        IsNestedTooDeeply matcher = new IsNestedTooDeeply();
        matcher.init(FakeMatcherConfig.builder().matcherName("IsNestedTooDeeply").condition(condition).build());
        return matcher;
    }

    private static Mail mail(String contentAndBody) throws MessagingException {
        String raw = "From: alice@partner.example\r\nTo: bob@acme.example\r\nSubject: nested\r\nMIME-Version: 1.0\r\n" + contentAndBody;
        return FakeMail.builder().name("m")
            .mimeMessage(new MimeMessage(Mime.SESSION, new SharedByteArrayInputStream(raw.getBytes(StandardCharsets.US_ASCII))))
            .sender("alice@partner.example").recipients("bob@acme.example", "carol@acme.example").build();
    }
}
