package dev.tresor.mailets;

import java.util.Collections;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.tresor.attributes.InboundTls;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mime.HeaderOnly;

/**
 * Writes {@code X-Tresor-Inbound-TLS: yes} into the header of every mail it is given, behind the
 * {@code ReceivedOverTls} matcher, so that the recipient sees that the mail travelled encrypted on its last hop.
 *
 * <p>Only the header block changes: the header is set on a {@link HeaderOnly} copy, whose body is never parsed and is
 * written out byte for byte as it came. James's {@code SetMimeHeader} (like any header change on James's own message
 * class) makes James save the mail, which parses every multipart: one whose boundary never occurs failed there with
 * "Missing start boundary" and went to the {@code error} processor instead of being delivered. An incoming header of
 * this name cannot survive: {@link StripTresorHeaders} removes it first.
 *
 * <pre>{@code
 * <mailet match="dev.tresor.matchers.ReceivedOverTls" class="dev.tresor.mailets.MarkInboundTls"/>
 * }</pre>
 *
 * <p>It takes no init parameters (only James's own {@code onMailetException} / {@code onMatchException}).
 */
public class MarkInboundTls extends GenericMailet {

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Collections.emptySet());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MailMessages.replace(mail, HeaderOnly.withHeader(mail.getMessage(), InboundTls.HEADER, InboundTls.HEADER_VALUE));
    }

    @Override
    public String getMailetInfo() {
        return "Marks mail received over TLS with X-Tresor-Inbound-TLS: yes, without re-parsing its body";
    }
}
