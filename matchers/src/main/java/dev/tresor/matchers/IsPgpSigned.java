package dev.tresor.matchers;

import java.util.Collection;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import com.google.common.collect.ImmutableList;

import dev.tresor.pgp.PgpForm;

/**
 * Matches every recipient of a mail signed with OpenPGP as a whole: PGP/MIME ({@code multipart/signed;
 * protocol="application/pgp-signature"}), or a single text body that is one armored, signed {@code PGP MESSAGE}. It
 * verifies nothing: use it to send signed mail to {@code VerifyPgp}. A malformed message does not match.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.IsPgpSigned" class="dev.tresor.mailets.VerifyPgp"/>
 * }</pre>
 * It takes no condition.
 */
public class IsPgpSigned extends GenericMatcher {

    @Override
    public void init() throws MessagingException {
        Conditions.refuse(this);
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return isSigned(mail) ? mail.getRecipients() : ImmutableList.of();
    }

    private static boolean isSigned(Mail mail) {
        try {
            return PgpForm.of(mail.getMessage()).isSigned();
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }
}
