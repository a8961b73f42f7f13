package dev.tresor.mime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/**
 * A copy of a message in which header fields can be changed without its body ever being parsed.
 *
 * <p>Any change to the header of James's own message class makes James call {@code saveChanges()} when it writes the
 * mail, and javax.mail then parses every multipart: one whose boundary never occurs, or an unparsable Content-Type,
 * throws ("Missing start boundary") and James sends the mail to its {@code error} processor. The copy is a
 * {@link ParsedMessage}: its header lines as they are, its body the raw bytes as they came, written back unchanged.
 */
public final class HeaderOnly {
    private HeaderOnly() {
    }

    /**
     * A copy of the message in which the header field {@code name} is {@code value}, as {@code setHeader} on
     * {@link #editable} would make it (the first field of that name replaced, further ones removed, or the field added
     * at the end of the header block; the name spelt as given), written in one pass: the copy's bytes are what a
     * mailet hands to James ({@link ParsedMessage#bytes()}), without writing the message a second time.
     */
    public static MimeMessage withHeader(MimeMessage message, String name, String value) throws MessagingException {
        if (message instanceof ParsedMessage) {
            message.setHeader(name, value);
            return message;
        }
        return copy(message, name, value);
    }

    /** The message itself when it is already such a copy, otherwise a copy of its header lines and raw body. */
    public static MimeMessage editable(MimeMessage message) throws MessagingException {
        return message instanceof ParsedMessage ? message : copy(message, null, null);
    }

    /** A copy of the header lines and raw body, with the field {@code name} set to {@code value} unless name is null. */
    private static MimeMessage copy(MimeMessage message, String name, String value) throws MessagingException {
        ByteSink copy = new ByteSink(Math.max(0, message.getSize()) + 8192);
        InputStream body;
        try {
            body = message.getRawInputStream();
        } catch (MessagingException e) {
            // built in memory, never parsed from bytes: it has no raw body until written, and writing it is safe
            try {
                message.writeTo(copy);
            } catch (IOException written) {
                throw new MessagingException("cannot write the mail", written);
            }
            MimeMessage built = copy.toMessage();
            if (name != null) {
                built.setHeader(name, value);
            }
            return built;
        }
        try (InputStream raw = body) {
            boolean written = name == null;
            for (String header : Collections.list(message.getAllHeaderLines())) {
                if (name == null || !isField(header, name)) {
                    copy.headerLine(header);
                } else if (!written) {
                    copy.headerLine(name + ": " + value);
                    written = true;
                }
            }
            if (!written) {
                copy.headerLine(name + ": " + value);
            }
            copy.crlf();
            copy.readFrom(raw);
        } catch (IOException e) {
            throw new MessagingException("cannot read the mail's body", e);
        }
        return copy.toMessage();
    }

    private static boolean isField(String headerLine, String name) {
        int colon = headerLine.indexOf(':');
        return colon > 0 && headerLine.substring(0, colon).trim().equalsIgnoreCase(name);
    }
}
