package dev.tresor.mime;

import java.io.IOException;
import java.io.InputStream;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

/**
 * A message parsed from bytes that stays those bytes until its content is replaced. Plain javax.mail would, on
 * {@code saveChanges()} (which many James mailets call after setting a header), re-serialise the whole content tree,
 * add missing {@code Content-Transfer-Encoding} headers to parts and replace the {@code Message-ID}: harmless for
 * ordinary mail, fatal for a signature over those parts. Here a header change is written as it is, the body is kept
 * byte for byte, and an existing Message-ID is never replaced.
 *
 * <p>A message made from one array ({@link ByteSink#toMessage()}) hands that array on as its {@link #bytes()} while
 * nothing was changed, so that a mailet can give James the message without another copy.
 */
public final class ParsedMessage extends MimeMessage {
    /** The bytes this message was parsed from, when they are one array; null otherwise. */
    private final byte[] array;
    private final int length;
    private boolean contentReplaced;
    private boolean headersChanged;

    public ParsedMessage(InputStream in) throws MessagingException {
        super(Mime.SESSION, in);
        this.array = null;
        this.length = -1;
    }

    /** The message in the first {@code length} bytes of {@code array}, which nobody may change afterwards. */
    ParsedMessage(byte[] array, int length) throws MessagingException {
        super(Mime.SESSION, new SharedByteArrayInputStream(array, 0, length));
        this.array = array;
        this.length = length;
    }

    /**
     * The message as bytes: the array it was parsed from while neither its header nor its content changed (no copy),
     * otherwise the message written anew ({@link #writeTo}).
     */
    public MessageBytes bytes() throws MessagingException {
        if (array != null && !headersChanged && !contentReplaced) {
            return new MessageBytes(array, length);
        }
        ByteSink copy = new ByteSink(Math.max(0, getSize()) + 8192);
        try {
            writeTo(copy);
        } catch (IOException e) {
            throw new MessagingException("cannot write the message", e);
        }
        return new MessageBytes(copy.array(), copy.size());
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
