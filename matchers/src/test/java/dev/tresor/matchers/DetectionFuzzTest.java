package dev.tresor.matchers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMatcherConfig;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.FuzzMaterial;
import dev.tresor.pgp.PgpForm;
import dev.tresor.smime.SmimeType;

/**
 * S/MIME and OpenPGP detection as the chain sees it: {@link IsSmimeSigned}, {@link IsSmimeEncrypted},
 * {@link IsPgpEncrypted} and {@link IsPgpSigned} on any mail, and {@link SmimeType#of} and {@link PgpForm#of} underneath
 * them. Seeds: plain, S/MIME (openssl) and OpenPGP (gpg) mails. Contract: the detectors answer or throw a
 * {@link MessagingException} (what James routes to the error processor), never anything else; a matcher answers all
 * recipients or none, exactly as the detector it asks.
 */
class DetectionFuzzTest {
    private static final List<GenericMatcher> MATCHERS = List.of(
        init(new IsSmimeSigned(), "IsSmimeSigned"), init(new IsSmimeEncrypted(), "IsSmimeEncrypted"),
        init(new IsPgpSigned(), "IsPgpSigned"), init(new IsPgpEncrypted(), "IsPgpEncrypted"));

    @FuzzTest(maxDuration = "10m")
    void detectionShouldAnswerForAnyMail(byte[] input) throws MessagingException {
        MimeMessage message;
        try {
            message = FuzzMaterial.parse(input);
        } catch (MessagingException e) {
            return;
        }
        Mail mail = FakeMail.builder().name("fuzzed").mimeMessage(message).sender("alice@globex.example")
            .recipients("bob@acme.example", "carol@acme.example").build();
        Boolean smimeSigned = null;
        Boolean smimeEncrypted = null;
        try {
            SmimeType type = SmimeType.of(message);
            smimeSigned = type.isSigned();
            smimeEncrypted = type.claimsEncryption();
        } catch (MessagingException e) {
            // James routes the mail to the error processor
        }
        boolean pgpSigned = false;
        boolean pgpEncrypted = false;
        try {
            PgpForm form = PgpForm.of(message);
            pgpSigned = form.isSigned();
            pgpEncrypted = form.isEncrypted();
        } catch (MessagingException e) {
            // the PGP matchers treat it as "not OpenPGP"
        }

        assertMatch(MATCHERS.get(0), mail, smimeSigned != null && smimeSigned);
        if (smimeEncrypted != null) {
            assertMatch(MATCHERS.get(1), mail, smimeEncrypted);
        }
        assertMatch(MATCHERS.get(2), mail, pgpSigned);
        assertMatch(MATCHERS.get(3), mail, pgpEncrypted);
    }

    private static void assertMatch(GenericMatcher matcher, Mail mail, boolean expected) throws MessagingException {
        Collection<MailAddress> matched = matcher.match(mail);
        assertThat(matched).as(matcher.getMatcherName()).hasSize(expected ? 2 : 0);
    }

    private static GenericMatcher init(GenericMatcher matcher, String name) {
        try {
            matcher.init(FakeMatcherConfig.builder().matcherName(name).build());
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
        return matcher;
    }
}
