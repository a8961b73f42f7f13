package dev.tresor.mime;

import java.io.IOException;
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
 *
 * <p>A message made from bytes of ours ({@link ByteSink#toMessage()}, {@link Pieces#toMessage()}) hands them on as its
 * {@link #bytes()} while nothing was changed, so that a mailet can give James the message without another copy.
 */
public final class ParsedMessage extends MimeMessage {
    /** The bytes this message was parsed from, when it was made from bytes of ours; null otherwise. */
    private final MessageBytes source;
    private boolean contentReplaced;
    private boolean headersChanged;

    public ParsedMessage(InputStream in) throws MessagingException {
        super(Mime.SESSION, in);
        this.source = null;
    }

    /**
     * The message in these bytes, which nobody may change afterwards: those of a message of ours made before
     * ({@link #bytes()}), parsed anew for a reader that must not change the one that holds them.
     */
    public static ParsedMessage of(MessageBytes source) throws MessagingException {
        return new ParsedMessage(source);
    }

    /** The message in these bytes, which nobody may change afterwards. */
    ParsedMessage(MessageBytes source) throws MessagingException {
        super(Mime.SESSION, source.newStream());
        this.source = source;
    }

    /**
     * The message as bytes: those it was parsed from while neither its header nor its content changed (no copy),
     * otherwise the message written anew ({@link #writeTo}).
     */
    public MessageBytes bytes() throws MessagingException {
        if (source != null && !headersChanged && !contentReplaced) {
            return source;
        }
        ByteSink copy = new ByteSink(Math.max(0, getSize()) + 8192);
        try {
            writeTo(copy);
        } catch (IOException e) {
            throw new MessagingException("cannot write the message", e);
        }
        return MessageBytes.of(copy.array(), copy.size());
    }

    @Override
    public void setHeader(String name, String value) throws MessagingException {
        headersChanged = true;
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) throws MessagingException {
        headersChanged = true;
        super.addHeader(name, value);
    }

    @Override
    public void removeHeader(String name) throws MessagingException {
        headersChanged = true;
        super.removeHeader(name);
    }

    @Override
    public void addHeaderLine(String line) throws MessagingException {
        headersChanged = true;
        super.addHeaderLine(line);
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
