package dev.tresor.matchers;

import java.util.Collection;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import com.google.common.base.Strings;
import com.google.common.collect.ImmutableList;

import dev.tresor.smime.SmimeType;

/**
 * Matches every recipient of a mail whose top-level content is S/MIME signed: {@code multipart/signed} with a PKCS#7
 * signature (detached), or {@code application/pkcs7-mime; smime-type=signed-data} (opaque). It reads the Content-Type
 * only and verifies nothing: use it to send signed mail to {@code VerifySmime}. A malformed Content-Type does not match.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.IsSmimeSigned" class="dev.tresor.mailets.VerifySmime"/>
 * }</pre>
 * It takes no condition.
 */
public class IsSmimeSigned extends GenericMatcher {

    @Override
    public void init() throws MessagingException {
        if (!Strings.isNullOrEmpty(getCondition())) {
            throw new MessagingException("IsSmimeSigned takes no condition, got '" + getCondition() + "'");
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return isSigned(mail) ? mail.getRecipients() : ImmutableList.of();
    }

    private static boolean isSigned(Mail mail) {
        try {
            return SmimeType.of(mail.getMessage()).isSigned();
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }
}
