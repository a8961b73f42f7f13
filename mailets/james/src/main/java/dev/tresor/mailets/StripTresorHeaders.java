package dev.tresor.mailets;

import java.util.Collections;
import java.util.List;

import javax.mail.Header;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableList;

import dev.tresor.attributes.TresorHeaders;
import dev.tresor.mailets.support.MailMessages;
import dev.tresor.mime.HeaderOnly;

/**
 * Removes every {@code X-Tresor-*} header ({@link TresorHeaders}) from the top level of a mail, so that a verdict Tresor writes later
 * (signature status, protection applied, ...) can never be forged by whoever sent the mail. It must be the first
 * mailet of the {@code root} processor, before anything reads or writes such a header.
 *
 * <p>Only the message's own header block is cleaned: headers inside attached messages and body parts are content,
 * possibly signed, and are left untouched. A removal is logged at INFO with the header names, since a mail arriving
 * with our headers is either forged or has passed through another Tresor gateway. Only the header block changes: the
 * body is never parsed (the headers are removed on a {@link HeaderOnly} copy), so a broken multipart is cleaned and
 * passed on like any other mail.
 *
 * <pre>{@code
 * <processor state="root">
 *     <mailet match="All" class="dev.tresor.mailets.StripTresorHeaders"/>
 *     ...
 * </processor>
 * }</pre>
 *
 * <p>It takes no init parameters (only James's own {@code onMailetException} / {@code onMatchException}).
 */
public class StripTresorHeaders extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(StripTresorHeaders.class);

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Collections.emptySet());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        List<String> forged = tresorHeaderNames(mail.getMessage());
        if (!forged.isEmpty()) {
            // not on James's message and no saveChanges(): either parses the body when the mail is written, and a
            // broken multipart would send the mail to James's error processor
            MimeMessage message = HeaderOnly.editable(mail.getMessage());
            for (String name : forged) {
                message.removeHeader(name);
            }
            MailMessages.replace(mail, message);
            LOGGER.info("Removed incoming Tresor headers {} from mail {}", forged, mail.getName());
        }
    }

    private List<String> tresorHeaderNames(MimeMessage message) throws MessagingException {
        return Collections.list(message.getAllHeaders())
            .stream()
            .map(Header::getName)
            .filter(TresorHeaders::isTresorHeader)
            .distinct()
            .collect(ImmutableList.toImmutableList());
    }

    @Override
    public String getMailetInfo() {
        return "Removes incoming X-Tresor-* headers so that Tresor's verdicts cannot be forged";
    }
}
