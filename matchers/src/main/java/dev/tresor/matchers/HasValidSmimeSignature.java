package dev.tresor.matchers;

import java.util.Collection;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import com.google.common.base.Strings;
import com.google.common.collect.ImmutableList;

import dev.tresor.attributes.SmimeSignature;
import dev.tresor.smime.SmimeVerdict;

/**
 * Matches every recipient of a mail whose {@code tresor.smime.signature} attribute says {@code valid}. It does not
 * verify anything itself: {@code dev.tresor.mailets.VerifySmime} must run earlier in the chain, or nothing matches
 * (which fails closed: an unverified mail is never taken for a validly signed one). The attribute cannot come from
 * outside, since attributes never travel with a mail over SMTP.
 *
 * <pre>{@code
 * <mailet match="All" class="dev.tresor.mailets.VerifySmime"/>
 * <mailet match="dev.tresor.matchers.HasValidSmimeSignature" class="dev.tresor.mailets.HarvestCertificates"/>
 * }</pre>
 * It takes no condition.
 */
public class HasValidSmimeSignature extends GenericMatcher {

    @Override
    public void init() throws MessagingException {
        if (!Strings.isNullOrEmpty(getCondition())) {
            throw new MessagingException("HasValidSmimeSignature takes no condition, got '" + getCondition() + "'");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return hasValidSignature(mail) ? mail.getRecipients() : ImmutableList.of();
    }

    private static boolean hasValidSignature(Mail mail) {
        return SmimeSignature.of(mail)
            .map(attribute -> attribute.status() == SmimeVerdict.Status.VALID)
            .orElse(false);
    }
}
