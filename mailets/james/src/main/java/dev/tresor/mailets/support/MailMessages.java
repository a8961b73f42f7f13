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
import java.util.concurrent.atomic.AtomicLong;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedFileInputStream;

import org.apache.james.lifecycle.api.Disposable;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.util.SizeFormat;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.mime.MessageBytes;
import dev.tresor.mime.ParsedMessage;

/**
 * Gives a mail the message a mailet made, without the copy James makes of it.
 *
 * <p>{@link Mail#setMessage} in James ({@code MailImpl}) copies every message it is given into a new
 * {@code MimeMessageInputStreamSource}: written out through javax.mail, in memory up to James's threshold (100 KiB,
 * {@code james.message.memory.threshold}), into a temporary file beyond it. Measured in the relay benchmark (issue 17),
 * the three copies a signed and encrypted 100 KB mail took were the largest cost of Tresor's chain after the
 * cryptography itself. The messages our engines make are already whole ({@link ParsedMessage#bytes()}), so James gets a
 * source over those bytes instead:
 * <ul>
 *     <li>up to James's threshold, the bytes themselves, kept in memory while the mail is processed;</li>
 *     <li>beyond it, a temporary file of ours with the bytes written once, as they are, deleted when James disposes of
 *         the message (it does when a mailet replaces it and when the mail is done). Keeping larger messages in memory
 *         was measured too: the encrypted form of each mail then lives through the queue's disk syncs, survives young
 *         collections, is promoted, and the heap grew to 1.6 times the plain relay's peak RSS. James's threshold is
 *         where James itself stops keeping a message in memory, so Tresor holds no more of a mail than James would.</li>
 * </ul>
 * A mail or message of another kind goes through {@link Mail#setMessage} as before.
 */
public final class MailMessages {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailMessages.class);
    /** Messages up to this size stay in memory, as far as James keeps its own; larger ones go to a file. */
    static final int IN_MEMORY_LIMIT = jamesThreshold();
    private static final AtomicLong SOURCES = new AtomicLong();
    /** Deletes a message file nobody disposed of once its source is unreachable: a safety net, not the rule. */
    private static final Cleaner CLEANER = Cleaner.create();

    private MailMessages() {
    }

    /** {@code mail.setMessage(message)}, without James's copy when the message is one of ours. */
    public static void replace(Mail mail, MimeMessage message) throws MessagingException {
        if (mail instanceof MailImpl && message instanceof ParsedMessage) {
            MessageBytes bytes = ((ParsedMessage) message).bytes();
            MimeMessageSource source;
            if (bytes.length() <= IN_MEMORY_LIMIT) {
                source = new InMemorySource(bytes);
            } else {
                try {
                    source = FileSource.write(bytes);
                } catch (IOException e) {
                    throw new MessagingException("Cannot write the message to a temporary file: " + e.getMessage(), e);
                }
            }
            ((MailImpl) mail).setMessageContent(source);
            return;
        }
        mail.setMessage(message);
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

    /** A message source over bytes in memory; nothing to dispose. */
    private static final class InMemorySource implements MimeMessageSource {
        private final String id = nextId("memory");
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

    /**
     * A message source over a temporary file named after its source id, in a directory only this process's user may
     * enter ({@link MessageDirectory}), read as a {@link SharedFileInputStream} so that javax.mail parses it without
     * copying it into memory. Like James's own temporary files, one left by a process that was killed is not deleted at
     * the next start; the mail itself is still in the spool and is processed again.
     */
    private static final class FileSource implements MimeMessageSource, Disposable {
        /** javax.mail's default is 2 KiB: 70 reads for a 140 KB encrypted mail. */
        private static final int READ_BUFFER = 16 * 1024;
        private final String id;
        private final Path file;
        private final long length;
        private final Cleaner.Cleanable deletion;

        private FileSource(String id, Path file, long length) {
            this.id = id;
            this.file = file;
            this.length = length;
            this.deletion = CLEANER.register(this, new Deletion(file));
        }

        static FileSource write(MessageBytes bytes) throws IOException {
            String id = nextId("file");
            NewFile file = MessageDirectory.create(id + ".eml");
            try (OutputStream out = new Slices(file.out);
                 InputStream in = bytes.newStream()) {
                in.transferTo(out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file.path);
                throw e;
            }
            return new FileSource(id, file.path, bytes.length());
        }

        @Override
        public String getSourceId() {
            return id;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            return new SharedFileInputStream(file.toFile(), READ_BUFFER);
        }

        @Override
        public long getMessageSize() {
            return length;
        }

        @Override
        public void dispose() {
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
