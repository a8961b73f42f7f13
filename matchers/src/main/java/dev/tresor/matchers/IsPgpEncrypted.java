package dev.tresor.matchers;

import java.util.Collection;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import com.google.common.collect.ImmutableList;

import dev.tresor.pgp.PgpForm;

/**
 * Matches every recipient of a mail encrypted with OpenPGP as a whole: PGP/MIME ({@code multipart/encrypted;
 * protocol="application/pgp-encrypted"}), or a single text body that is one armored {@code PGP MESSAGE} holding encrypted
 * data (inline PGP). An armored block inside one part of a larger mail does not match (EFAIL). It decrypts nothing:
 * use it to send such mail to {@code DecryptPgp}. A malformed message does not match.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.IsPgpEncrypted" class="dev.tresor.mailets.DecryptPgp"/>
 * }</pre>
 * It takes no condition.
 */
public class IsPgpEncrypted extends GenericMatcher {

    @Override
    public void init() throws MessagingException {
        Conditions.refuse(this);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return isEncrypted(mail) ? mail.getRecipients() : ImmutableList.of();
    }

    private static boolean isEncrypted(Mail mail) {
        try {
            return PgpForm.of(mail.getMessage()).isEncrypted();
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }
}
