package dev.tresor.mailets.support;

import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.mailet.Mail;

import dev.tresor.mime.MessageBytes;
import dev.tresor.mime.ParsedMessage;

/**
 * Gives a mail the message a mailet made, without the copy James makes of it.
 *
 * <p>{@link Mail#setMessage} in James ({@code MailImpl}) copies every message it is given into a new
 * {@code MimeMessageInputStreamSource}: in memory up to James's threshold (100 KiB), into a temporary file beyond it,
 * read back by the next mailet and by the queue. Measured in the relay benchmark (issue 17), the three copies a signed
 * and encrypted 100 KB mail took (one file each, written and read again) were the largest cost of Tresor's chain after
 * the cryptography itself. The messages our engines make are already whole arrays ({@link ParsedMessage}), so James
 * gets a source over that array instead: the same bytes it would have copied, kept in memory while the mail is
 * processed, and released with the mail. A message above {@link #IN_MEMORY_LIMIT}, or a mail or message of another kind,
 * goes through {@link Mail#setMessage} as before, so a very large mail still spills to disk as James would spill it.
 */
public final class MailMessages {
    /** Messages up to this size stay in memory; larger ones go to James's copy (a temporary file). */
    static final int IN_MEMORY_LIMIT = 4 * 1024 * 1024;
    private static final AtomicLong SOURCES = new AtomicLong();

    private MailMessages() {
    }

    /** {@code mail.setMessage(message)}, without James's copy when the message is one of ours and not too large. */
    public static void replace(Mail mail, MimeMessage message) throws MessagingException {
        if (mail instanceof MailImpl && message instanceof ParsedMessage && message.getSize() <= IN_MEMORY_LIMIT) {
            MessageBytes bytes = ((ParsedMessage) message).bytes();
            if (bytes.length() <= IN_MEMORY_LIMIT) {
                ((MailImpl) mail).setMessageContent(new InMemorySource(bytes));
                return;
            }
        }
        mail.setMessage(message);
    }

    /** A message source over bytes in memory; nothing to dispose. */
    private static final class InMemorySource implements MimeMessageSource {
        private final String id = "tresor-memory-" + SOURCES.incrementAndGet();
        private final MessageBytes bytes;

        InMemorySource(MessageBytes bytes) {
            this.bytes = bytes;
        }

        @Override
        public String getSourceId() {
            return id;
        }

        @Override
        public InputStream getInputStream() {
            return bytes.newStream();
        }

        @Override
        public long getMessageSize() {
            return bytes.length();
        }
    }
}
