package dev.tresor.mailets.support;

import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedFileInputStream;

import org.apache.james.lifecycle.api.Disposable;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.util.SizeFormat;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.mime.ByteSink;
import dev.tresor.mime.MessageBytes;
import dev.tresor.mime.ParsedMessage;

/**
 * Gives a mail the message a mailet made, without the copy James makes of it, and lets the next Tresor mailet read it
 * without James reading it again.
 *
 * <p>{@link Mail#setMessage} in James ({@code MailImpl}) copies every message it is given into a new
 * {@code MimeMessageInputStreamSource}: written out through javax.mail, in memory up to James's threshold (100 KiB,
 * {@code james.message.memory.threshold}), into a temporary file beyond it. Measured in the relay benchmark (issue 17),
 * the three copies a signed and encrypted 100 KB mail took were the largest cost of Tresor's chain after the
 * cryptography itself. The messages our engines make are already whole ({@link ParsedMessage#bytes()}), so James gets a
 * source over those bytes instead:
 * <ul>
 *     <li>up to James's threshold, the bytes themselves, kept in memory while the mail is processed;</li>
 *     <li>beyond it, the bytes until anything but a Tresor mailet reads the message (a matcher, a James mailet, the
 *         queue that takes the mail on), then a temporary file of ours with the bytes written once, as they are, deleted
 *         when James disposes of the message (it does when a mailet replaces it and when the mail is done). A message
 *         that the next mailet replaces (the signed message EncryptSmime encrypts) is never written at all: that mailet
 *         reads it with {@link #toRead} from memory. Above {@link #KEPT_UNTIL_READ_LIMIT} the file is written at
 *         once, so that no spooler thread holds a large mail twice. Keeping larger messages in memory until the mail
 *         is done was measured too: the encrypted form of each mail then lives through the queue's disk syncs, survives
 *         young collections, is promoted, and the heap grew to 1.6 times the plain relay's peak RSS (measured again
 *         in the settled 100 KB relay of 2026-12-07: 1,280 MB against 816 MB with the files, for no less CPU).
 *         James's threshold is where James itself stops keeping a message in memory, so Tresor holds no more of a
 *         mail than James would once James has read it.</li>
 * </ul>
 * A mail or message of another kind goes through {@link Mail#setMessage} as before.
 */
public final class MailMessages {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailMessages.class);
    /** Messages up to this size stay in memory, as far as James keeps its own; larger ones go to a file. */
    static final int IN_MEMORY_LIMIT = jamesThreshold();
    /**
     * Messages above this size go to their file at once rather than when James first reads them: the next Tresor
     * mailet then streams from the file while it builds its own message, instead of holding both in memory (25 MB and
     * 34 MB for a 25 MB mail signed and then encrypted, in each spooler thread at once).
     */
    static final int KEPT_UNTIL_READ_LIMIT = 1024 * 1024;
    /** Room for the header block beyond the body's size when a message of James is read ({@link #toReadWhole}). */
    private static final int HEADER_ROOM = 8 * 1024;
    private static final AtomicLong SOURCES = new AtomicLong();
    /** Deletes a message file nobody disposed of once its source is unreachable: a safety net, not the rule. */
    private static final Cleaner CLEANER = Cleaner.create();

    private MailMessages() {
    }

    /** {@code mail.setMessage(message)}, without James's copy when the message is one of ours. */
    public static void replace(Mail mail, MimeMessage message) throws MessagingException {
        if (mail instanceof MailImpl && message instanceof ParsedMessage) {
            MessageBytes bytes = ((ParsedMessage) message).bytes();
            Content content = bytes.length() <= IN_MEMORY_LIMIT
                ? new Content(nextId("memory"), bytes, false)
                : new Content(nextId("file"), bytes, true);
            if (bytes.length() > KEPT_UNTIL_READ_LIMIT) {
                content.spill();
            }
            ((MailImpl) mail).setMessageNoCopy(new ContentMessage(content));
            return;
        }
        mail.setMessage(message);
    }

    /**
     * The mail's message, to be read and not changed: when it is one a Tresor mailet gave the mail ({@link #replace})
     * and nobody changed or read it through James since, the same message parsed anew from its bytes in memory,
     * so that neither a file is written for it nor James parses it; otherwise {@link Mail#getMessage()}.
     */
    public static MimeMessage toRead(Mail mail) throws MessagingException {
        MimeMessage message = mail.getMessage();
        if (message instanceof ContentMessage) {
            Optional<MessageBytes> bytes = ((ContentMessage) message).unchangedBytes();
            if (bytes.isPresent()) {
                return ParsedMessage.of(bytes.get());
            }
        }
        return message;
    }

    /**
     * The mail's message, to be read through, body and all, and not changed: {@link #toRead}, except for a message of
     * James (as the queue or SMTP made it, or one of ours that James has read or changed since) whose body James has not
     * changed and which is at most {@link #KEPT_UNTIL_READ_LIMIT}: that one is read once from James's source into
     * memory and parsed there. James parses the whole message itself the first time its body is read after any change
     * to its header ({@code MimeMessageWrapper.getRawInputStream}), and javax.mail's parse copies the body through an
     * array that doubles as it grows: in the settled 100 KB relay (issue 17, 2026-12-07) about 350 KB allocated per
     * mail, a tenth of everything the S/MIME relay allocated, because James's {@code RemoveMimeHeader} of the
     * {@code transport} processor changes the header of every mail. The copy here is one array of the message's size.
     * Larger messages stay James's, read from its file as they are needed.
     */
    public static MimeMessage toReadWhole(Mail mail) throws MessagingException {
        MimeMessage message = toRead(mail);
        if (!(message instanceof MimeMessageWrapper)) {
            return message;
        }
        MimeMessageWrapper james = (MimeMessageWrapper) message;
        // James knows the body's size only while the body is its source's: -1 once James changed it
        int body = james.getSize();
        if (body < 0 || body > KEPT_UNTIL_READ_LIMIT) {
            return message;
        }
        ByteSink bytes = new ByteSink(body + HEADER_ROOM);
        try (InputStream in = james.getMessageInputStream()) {
            bytes.readFrom(in);
        } catch (IOException e) {
            throw new MessagingException("Cannot read the message of mail " + mail.getName(), e);
        }
        return bytes.toMessage();
    }

    /**
     * Sets a header of the mail's message (every earlier one of that name goes). A message of ours ({@link #toRead})
     * takes it without James parsing the body: the mail gets the message anew with the header changed and the body as it
     * was ({@link ParsedMessage}). Any other message is changed in place and saved, as a James mailet would.
     */
    public static void setHeader(Mail mail, String name, String value) throws MessagingException {
        MimeMessage message = toRead(mail);
        message.setHeader(name, value);
        if (message instanceof ParsedMessage) {
            replace(mail, message);
        } else {
            message.saveChanges();
        }
    }

    /**
     * James's own {@code MimeMessageInputStreamSource} threshold: the same property, read the same way (a value James
     * cannot read stops James's start before any mail is processed).
     */
    private static int jamesThreshold() {
        String configured = System.getProperty("james.message.memory.threshold");
        return configured == null ? 100 * 1024 : Math.toIntExact(SizeFormat.parseAsByteCount(configured));
    }

    /** The directory of this process's message files; null before the first. */
    static Path messageDirectory() {
        return MessageDirectory.directory;
    }

    private static String nextId(String kind) {
        return "tresor-" + kind + "-" + SOURCES.incrementAndGet();
    }

    /** James's message over one of our contents; it tells whether James changed it since. */
    private static final class ContentMessage extends MimeMessageWrapper {
        private final Content content;

        ContentMessage(Content content) {
            super(content);
            this.content = content;
        }

        /** The bytes, while neither a header nor the body was changed through James and they are in memory. */
        Optional<MessageBytes> unchangedBytes() {
            return isModified() ? Optional.empty() : content.inMemory();
        }
    }

    /**
     * A message's bytes as James's message source. Small ones stay in memory; a large one ({@code spill}) is written to
     * a temporary file of ours the first time James reads it (above {@link #KEPT_UNTIL_READ_LIMIT}, at once), and read
     * from that file from then on, its bytes in memory let go. If that file cannot be written, the bytes stay in memory
     * and the reason goes to the log: the mail is processed on, not failed.
     */
    private static final class Content implements MimeMessageSource, Disposable {
        private final String id;
        private final long length;
        private boolean spill;
        /** Null once written to a file or disposed. */
        private MessageBytes bytes;
        private SpillFile file;
        private boolean disposed;

        Content(String id, MessageBytes bytes, boolean spill) {
            this.id = id;
            this.length = bytes.length();
            this.bytes = bytes;
            this.spill = spill;
        }

        @Override
        public String getSourceId() {
            return id;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (disposed) {
                throw new IOException("The message " + id + " was disposed of");
            }
            spill();
            return file != null ? file.open() : bytes.newStream();
        }

        /** Writes a large message's bytes to its file, unless they are there already. */
        synchronized void spill() {
            if (spill && file == null && !disposed) {
                try {
                    file = SpillFile.write(id, bytes);
                    bytes = null;
                } catch (IOException e) {
                    spill = false;
                    LOGGER.warn("Cannot write the message {} to a temporary file, it stays in memory: {}", id,
                        e.getMessage());
                }
            }
        }

        @Override
        public long getMessageSize() {
            return length;
        }

        synchronized Optional<MessageBytes> inMemory() {
            return Optional.ofNullable(bytes);
        }

        @Override
        public synchronized void dispose() {
            disposed = true;
            bytes = null;
            if (file != null) {
                file.delete();
                file = null;
            }
        }
    }

    /**
     * A temporary file of a message, named after its source id, in a directory only this process's user may enter
     * ({@link MessageDirectory}), read as a {@link SharedFileInputStream} so that javax.mail parses it without copying it
     * into memory. Like James's own temporary files, one left by a process that was killed is not deleted at the next
     * start; the mail itself is still in the spool and is processed again.
     */
    private static final class SpillFile {
        /** javax.mail's default is 2 KiB: 70 reads for a 140 KB encrypted mail. */
        private static final int READ_BUFFER = 16 * 1024;
        private final Path path;
        private final Cleaner.Cleanable deletion;

        private SpillFile(Path path) {
            this.path = path;
            this.deletion = CLEANER.register(this, new Deletion(path));
        }

        static SpillFile write(String id, MessageBytes bytes) throws IOException {
            NewFile file = MessageDirectory.create(id + ".eml");
            try (OutputStream out = new Slices(file.out);
                 InputStream in = bytes.newStream()) {
                in.transferTo(out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file.path);
                throw e;
            }
            return new SpillFile(file.path);
        }

        InputStream open() throws IOException {
            return new SharedFileInputStream(path.toFile(), READ_BUFFER);
        }

        void delete() {
            deletion.clean();
        }
    }

    /**
     * Hands a file at most {@value #SLICE} bytes per write. Not NIO's {@code Files.newOutputStream}: its channel copies
     * each write into a temporary direct buffer as large as the write and keeps that buffer for the thread, so every
     * spooler thread would hold native memory the size of the largest mail it ever spilled (25 MB and more). A
     * {@link FileOutputStream} writes up to 8 KiB from the stack; larger writes cost a native allocation each.
     */
    private static final class Slices extends FilterOutputStream {
        private static final int SLICE = 8 * 1024;

        Slices(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            int from = offset;
            int left = length;
            while (left > 0) {
                int slice = Math.min(left, SLICE);
                out.write(bytes, from, slice);
                from += slice;
                left -= slice;
            }
        }
    }

    /**
     * Where the message files go: one directory per process, made on first use in {@code java.io.tmpdir} (like James's
     * own temporary files) with owner-only permissions, so a file in it needs neither a random name nor permissions of
     * its own, and is created by the one open that writes it. {@code Files.createTempFile} made each file, and opening
     * it again for writing truncated it: ext4 ({@code auto_da_alloc}, its default) writes a truncated file back to disk
     * when it is closed, so every spill file went to disk although it is deleted moments later. A loop of create, write
     * 140 KB, close and delete took 520-750 us per file that way, 130-200 us now (issue 17).
     */
    private static final class MessageDirectory {
        private static volatile Path directory;

        /**
         * A new file, open for writing. Its name must be unique in this process. If the directory is gone (a cleaner of
         * {@code java.io.tmpdir} removed it), it is made anew.
         */
        static NewFile create(String name) throws IOException {
            Path current = directory;
            try {
                return new NewFile((current != null ? current : existing()).resolve(name));
            } catch (FileNotFoundException e) {
                return new NewFile(existing().resolve(name));
            }
        }

        /** The directory, made when there is none yet or when it no longer exists. */
        private static synchronized Path existing() throws IOException {
            if (directory == null || !Files.isDirectory(directory)) {
                directory = Files.createTempDirectory("tresor-messages-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                // removed at a normal exit if it is empty then (a directory with files in it is not deleted)
                directory.toFile().deleteOnExit();
            }
            return directory;
        }
    }

    /** A file just made, open for writing. */
    private static final class NewFile {
        final Path path;
        final FileOutputStream out;

        NewFile(Path path) throws FileNotFoundException {
            this.path = path;
            this.out = new FileOutputStream(path.toFile());
        }
    }

    /** Deletes one message file; holds no reference to its source, so that the source can become unreachable. */
    private static final class Deletion implements Runnable {
        private final Path file;

        Deletion(Path file) {
            this.file = file;
        }

        @Override
        public void run() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOGGER.warn("Cannot delete the temporary message file {}: {}", file, e.getMessage());
            }
        }
    }
}
