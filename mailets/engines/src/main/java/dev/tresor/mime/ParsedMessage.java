package dev.tresor.mime;

import java.io.InputStream;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/**
 * A message parsed from bytes that stays those bytes until its content is replaced. Plain javax.mail would, on
 * {@code saveChanges()} (which many James mailets call after setting a header), re-serialise the whole content tree,
 * add missing {@code Content-Transfer-Encoding} headers to parts and replace the {@code Message-ID}: harmless for
 * ordinary mail, fatal for a signature over those parts. Here a header change is written as it is, the body is kept
 * byte for byte, and an existing Message-ID is never replaced.
 */
public final class ParsedMessage extends MimeMessage {
    private boolean contentReplaced;

    public ParsedMessage(InputStream in) throws MessagingException {
        super(Mime.SESSION, in);
    }

    @Override
    public void setDataHandler(DataHandler handler) throws MessagingException {
        contentReplaced = true;
        super.setDataHandler(handler);
    }

    @Override
    public void saveChanges() throws MessagingException {
        if (contentReplaced) {
            super.saveChanges();
        } else {
            saved = true;
        }
    }

    @Override
    protected void updateMessageID() throws MessagingException {
        if (getHeader("Message-ID") == null) {
            super.updateMessageID();
        }
    }
}
