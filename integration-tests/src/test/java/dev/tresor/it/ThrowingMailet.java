package dev.tresor.it;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/** A mailet with a bug: it throws, with a message naming internals, as a broken mailet would. */
public class ThrowingMailet extends GenericMailet {
    static final String INTERNAL_DETAIL = "connection pool tresor-h2 exhausted at jdbc:h2:file:/srv/secret/keys";

    @Override
    public void service(Mail mail) throws MessagingException {
        throw new MessagingException(INTERNAL_DETAIL, new IllegalStateException("nested " + INTERNAL_DETAIL));
    }
}
