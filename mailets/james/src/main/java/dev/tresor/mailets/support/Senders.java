package dev.tresor.mailets.support;

import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import dev.tresor.keys.EmailAddress;

/**
 * Who a mail is from, as S/MIME sees it: the single address of the {@code From} header, which is what a recipient's
 * client compares with the signer certificate. A mail with no, several or an unparsable From has no sender here.
 */
public final class Senders {
    private Senders() {
    }

    public static Optional<EmailAddress> from(MimeMessage message) {
        try {
            String[] values = message.getHeader("From");
            if (values == null || values.length != 1) {
                return Optional.empty();
            }
            InternetAddress[] addresses = InternetAddress.parseHeader(values[0], false);
            if (addresses.length != 1 || addresses[0].isGroup()) {
                return Optional.empty();
            }
            return Optional.of(EmailAddress.of(addresses[0].getAddress()));
        } catch (MessagingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
