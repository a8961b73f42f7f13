package dev.tresor.matchers;

import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import dev.tresor.smime.SmimeType;

/**
 * Matches every recipient of a mail that is S/MIME encrypted as a whole: {@code application/pkcs7-mime} with
 * EnvelopedData or AuthEnvelopedData, or whose body is no readable CMS at all (garbage, plain text): such a mail looks
 * encrypted to a mail client, and DecryptSmime gives it a {@code failed} verdict instead of letting it pass without
 * one. Opaque-signed mail ({@code signed-data}) does not match. An encrypted attachment inside a plain message does not
 * count (DecryptSmime would not open it either). An unparsable Content-Type means text/plain (RFC 2045) and does not
 * match. Takes no condition.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.IsSmimeEncrypted" class="dev.tresor.mailets.DecryptSmime"/>
 * }</pre>
 */
public class IsSmimeEncrypted extends GenericMatcher {
    @Override
    public void init() throws MessagingException {
        Conditions.refuse(this);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return claimsEncryption(mail) ? mail.getRecipients() : List.of();
    }

    /** A message javax.mail cannot even read the header of is no S/MIME message: never an exception into James. */
    private static boolean claimsEncryption(Mail mail) {
        try {
            return SmimeType.of(mail.getMessage()).claimsEncryption();
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }
}
