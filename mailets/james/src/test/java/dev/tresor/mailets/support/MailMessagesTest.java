package dev.tresor.mailets.support;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tresor.mime.ByteSink;
import dev.tresor.mime.ParsedMessage;

class MailMessagesTest {
    private static final String HEADER = "From: alice@acme.example\r\nTo: bob@partner.example\r\nSubject: kept\r\n"
        + "Content-Type: text/plain\r\n\r\n";

    @Test
    void aMessageOfOursShouldReachJamesWithoutJamesCopyingIt() throws Exception {
        MailImpl mail = jamesMail();
        String text = HEADER + "x".repeat(50 * 1024) + "\r\n";

        MailMessages.replace(mail, parsed(text));

        MimeMessageWrapper message = (MimeMessageWrapper) mail.getMessage();
        assertThat(message.getSourceId()).startsWith("tresor-memory-");
        assertThat(written(message)).isEqualTo(text);
        assertThat(message.getSubject()).isEqualTo("kept");
        assertThat(mail.getMessageSize()).isEqualTo(text.length());
    }

    @Test
    void aMessageAboveJamesThresholdShouldGoToAFileOfOursWhenJamesReadsItAndDisposingShouldDeleteIt() throws Exception {
        MailImpl mail = jamesMail();
        String text = HEADER + "y".repeat(MailMessages.IN_MEMORY_LIMIT + 10) + "\r\n";

        MailMessages.replace(mail, parsed(text));

        MimeMessageWrapper message = (MimeMessageWrapper) mail.getMessage();
        assertThat(message.getSourceId()).startsWith("tresor-file-");
        assertThat(filesOf(message)).as("before James reads it").isEmpty();
        assertThat(mail.getMessageSize()).isEqualTo(text.length());
        assertThat(message.getSubject()).isEqualTo("kept");
        Path file = onlyTemporaryFileOf(message);
        assertThat(Files.readString(file, US_ASCII)).isEqualTo(text);
        assertThat(file.getParent().getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
        assertThat(Files.getPosixFilePermissions(file.getParent())).as("the directory of the message files")
            .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        assertThat(written(message)).isEqualTo(text);
        assertThat(MailMessages.toRead(mail)).as("read by James: from the file on").isSameAs(message);

        mail.dispose();

        assertThat(file).doesNotExist();
    }

    @Test
    void aLargeMessageTheNextTresorMailetReplacesShouldNeverBeWritten() throws Exception {
        MailImpl mail = jamesMail();
        String signed = HEADER + "s".repeat(MailMessages.IN_MEMORY_LIMIT * 2) + "\r\n";
        MailMessages.replace(mail, parsed(signed));
        MimeMessageWrapper signedMessage = (MimeMessageWrapper) mail.getMessage();

        MimeMessage read = MailMessages.toRead(mail);

        assertThat(read).isNotSameAs(signedMessage);
        assertThat(read.getSubject()).isEqualTo("kept");
        assertThat(written(read)).isEqualTo(signed);
        assertThat(filesOf(signedMessage)).as("read by a Tresor mailet").isEmpty();
        MailMessages.replace(mail, parsed(HEADER + "encrypted\r\n"));
        assertThat(filesOf(signedMessage)).isEmpty();
        assertThat(written(mail.getMessage())).endsWith("\r\n\r\nencrypted\r\n");
        mail.dispose();
    }

    @Test
    void aMessageAboveTheKeptUntilReadLimitShouldGoToItsFileAtOnce() throws Exception {
        String text = HEADER + "l".repeat(MailMessages.KEPT_UNTIL_READ_LIMIT + 1) + "\r\n";
        MailImpl mail = mailOfOurs(text);
        MimeMessageWrapper message = (MimeMessageWrapper) mail.getMessage();

        Path file = onlyTemporaryFileOf(message);

        assertThat(Files.size(file)).isEqualTo(text.length());
        assertThat(MailMessages.toRead(mail)).as("read from the file, as James reads it").isSameAs(message);
        assertThat(written(message)).isEqualTo(text);
        mail.dispose();
        assertThat(file).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(ints = {20 * 1024, 200 * 1024})
    void whatAReaderChangesInTheMessageItReadShouldNotReachTheMail(int size) throws Exception {
        String text = HEADER + "r".repeat(size) + "\r\n";
        MailImpl mail = mailOfOurs(text);

        MimeMessage read = MailMessages.toRead(mail);
        read.setHeader("Subject", "changed by a reader");

        assertThat(written(mail.getMessage())).isEqualTo(text);
        mail.dispose();
    }

    @Test
    void aMessageChangedThroughJamesShouldBeReadAsJamesHasIt() throws Exception {
        MailImpl mail = jamesMail();
        MailMessages.replace(mail, parsed(HEADER + "body\r\n"));
        mail.getMessage().setHeader("Subject", "changed");

        MimeMessage read = MailMessages.toRead(mail);

        assertThat(read).isSameAs(mail.getMessage());
        assertThat(read.getSubject()).isEqualTo("changed");
    }

    @Test
    void aMessageOfJamesShouldBeReadAsJamesHasIt() throws Exception {
        MailImpl mail = jamesMail();

        assertThat(MailMessages.toRead(mail)).isSameAs(mail.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {20 * 1024, 200 * 1024})
    void aMessageOfJamesWithAChangedHeaderShouldBeReadWholeWithoutJamesParsingIt(int size) throws Exception {
        String text = HEADER + "w".repeat(size) + "\r\n";
        JamesMessage james = new JamesMessage(HEADER.replace("Subject: kept\r\n", "Subject: kept\r\nBcc: carol@acme.example\r\n")
            + "w".repeat(size) + "\r\n");
        MailImpl mail = MailImpl.builder().name("mail").build();
        mail.setMessageNoCopy(james);
        james.removeHeader("Bcc");

        MimeMessage read = MailMessages.toReadWhole(mail);

        assertThat(read).isInstanceOf(ParsedMessage.class);
        assertThat(written(read)).isEqualTo(text);
        assertThat(james.parsed()).as("James parsed its message").isFalse();
        assertThat(mail.getMessage()).isSameAs(james);
        mail.dispose();
    }

    @Test
    void aMessageOfJamesWhoseBodyJamesChangedShouldBeReadAsJamesHasIt() throws Exception {
        MailImpl mail = jamesMail();
        mail.getMessage().setText("changed");

        assertThat(MailMessages.toReadWhole(mail)).isSameAs(mail.getMessage());
    }

    @Test
    void aMessageOfJamesAboveTheKeptUntilReadLimitShouldBeReadFromJamesSource() throws Exception {
        JamesMessage james = new JamesMessage(HEADER + "x".repeat(MailMessages.KEPT_UNTIL_READ_LIMIT + 1) + "\r\n");
        MailImpl mail = MailImpl.builder().name("mail").build();
        mail.setMessageNoCopy(james);

        assertThat(MailMessages.toReadWhole(mail)).isSameAs(james);
        mail.dispose();
    }

    @Test
    void aMessageOfOursShouldBeReadWholeAsToReadReadsIt() throws Exception {
        String text = HEADER + "o".repeat(20 * 1024) + "\r\n";
        MailImpl mail = mailOfOurs(text);

        MimeMessage read = MailMessages.toReadWhole(mail);

        assertThat(read).isInstanceOf(ParsedMessage.class).isNotSameAs(mail.getMessage());
        assertThat(written(read)).isEqualTo(text);
        mail.dispose();
    }

    @ParameterizedTest
    @ValueSource(ints = {20 * 1024, 200 * 1024})
    void aHeaderSetOnAMessageOfOursShouldKeepItsBodyAsItIs(int size) throws Exception {
        MailImpl mail = jamesMail();
        String body = "h".repeat(size) + "\r\n";
        MailMessages.replace(mail, parsed(HEADER + body));
        String before = ((MimeMessageWrapper) mail.getMessage()).getSourceId();

        MailMessages.setHeader(mail, "Subject", "set");

        MimeMessageWrapper message = (MimeMessageWrapper) mail.getMessage();
        assertThat(message.getSourceId()).startsWith("tresor-").isNotEqualTo(before);
        assertThat(written(message)).isEqualTo(HEADER.replace("Subject: kept", "Subject: set") + body);
        mail.dispose();
    }

    @Test
    void aHeaderSetOnAMessageOfJamesShouldBeSetInPlace() throws Exception {
        MailImpl mail = jamesMail();
        MimeMessage message = mail.getMessage();

        MailMessages.setHeader(mail, "Subject", "set");

        assertThat(mail.getMessage()).isSameAs(message);
        assertThat(written(message)).contains("Subject: set\r\n").endsWith("\r\n\r\noriginal\r\n");
    }

    @Test
    void writingALargeMessageShouldLeaveTheThreadNoDirectBufferOfItsSize() throws Exception {
        String text = HEADER + "z".repeat(8 * 1024 * 1024) + "\r\n";
        MimeMessage large = parsed(text);
        long[] directBytes = new long[2];
        Throwable[] failure = new Throwable[1];
        // a thread of its own, as a spooler thread: NIO's per-thread buffer cache starts empty there
        Thread spooler = new Thread(() -> {
            try {
                MailImpl mail = jamesMail();
                directBytes[0] = directMemoryUsed();
                MailMessages.replace(mail, large);
                // James reads it: written to its file now
                mail.getMessage().getSubject();
                directBytes[1] = directMemoryUsed();
                mail.dispose();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        spooler.start();
        spooler.join();

        assertThat(failure[0]).isNull();
        assertThat(directBytes[1] - directBytes[0]).isLessThan(1024 * 1024);
    }

    @Test
    void aMessageDirectoryRemovedByATemporaryFilesCleanerShouldBeMadeAgain() throws Exception {
        MailImpl first = jamesMail();
        MailMessages.replace(first, parsed(HEADER + "a".repeat(MailMessages.IN_MEMORY_LIMIT + 1) + "\r\n"));
        first.getMessage().getSubject();
        Path directory = onlyTemporaryFileOf((MimeMessageWrapper) first.getMessage()).getParent();
        first.dispose();
        Files.delete(directory);

        MailImpl second = jamesMail();
        String text = HEADER + "b".repeat(MailMessages.IN_MEMORY_LIMIT + 1) + "\r\n";
        MailMessages.replace(second, parsed(text));
        second.getMessage().getSubject();

        Path file = onlyTemporaryFileOf((MimeMessageWrapper) second.getMessage());
        assertThat(file.getParent()).isNotEqualTo(directory);
        assertThat(written(second.getMessage())).isEqualTo(text);
        assertThat(Files.getPosixFilePermissions(file.getParent())).containsExactlyInAnyOrder(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        second.dispose();
    }

    @Test
    void replacingAMessageInAFileShouldDeleteThatFile() throws Exception {
        MailImpl mail = jamesMail();
        MailMessages.replace(mail, parsed(HEADER + "s".repeat(MailMessages.IN_MEMORY_LIMIT * 2) + "\r\n"));
        mail.getMessage().getSubject();
        Path signed = onlyTemporaryFileOf((MimeMessageWrapper) mail.getMessage());

        MailMessages.replace(mail, parsed(HEADER + "encrypted\r\n"));

        assertThat(signed).doesNotExist();
        assertThat(written(mail.getMessage())).endsWith("\r\n\r\nencrypted\r\n");
    }

    @Test
    void aHeaderChangedAfterParsingShouldBeInWhatJamesGets() throws Exception {
        MailImpl mail = jamesMail();
        MimeMessage message = parsed(HEADER + "body\r\n");
        message.setHeader("X-Tresor-Inbound-TLS", "yes");
        message.removeHeader("Subject");

        MailMessages.replace(mail, message);

        String written = written(mail.getMessage());
        assertThat(written).contains("X-Tresor-Inbound-TLS: yes\r\n").doesNotContain("Subject").endsWith("\r\n\r\nbody\r\n");
        assertThat(((MimeMessageWrapper) mail.getMessage()).getSourceId()).startsWith("tresor-memory-");
    }

    @Test
    void aMessageOfAnotherKindShouldGoThroughJamesCopy() throws Exception {
        MailImpl mail = jamesMail();
        MimeMessage other = new MimeMessage(null, new ByteArrayInputStream((HEADER + "other\r\n").getBytes(US_ASCII)));

        MailMessages.replace(mail, other);

        assertThat(((MimeMessageWrapper) mail.getMessage()).getSourceId()).doesNotStartWith("tresor-");
        assertThat(written(mail.getMessage())).endsWith("\r\n\r\nother\r\n");
    }

    @Test
    void aMailOfAnotherKindShouldTakeTheMessageAsItIs() throws Exception {
        FakeMail mail = FakeMail.builder().name("fake").build();
        MimeMessage message = parsed(HEADER + "fake\r\n");

        MailMessages.replace(mail, message);

        assertThat(mail.getMessage()).isSameAs(message);
    }

    @ParameterizedTest
    @ValueSource(ints = {20 * 1024, 200 * 1024})
    void theMailShouldStillBeDuplicatedAndDisposedAsJamesDoes(int size) throws Exception {
        String text = HEADER + "z".repeat(size) + "\r\n";
        MailImpl mail = mailOfOurs(text);

        MailImpl copy = MailImpl.duplicate(mail);
        mail.dispose();

        assertThat(written(copy.getMessage())).isEqualTo(text);
        copy.dispose();
    }

    /** James's message over a source in memory, as the queue makes it; it tells whether James parsed it. */
    private static final class JamesMessage extends MimeMessageWrapper {
        JamesMessage(String text) throws Exception {
            super(MimeMessageInputStreamSource.create("james", new ByteArrayInputStream(text.getBytes(US_ASCII))));
        }

        boolean parsed() {
            return messageParsed;
        }
    }

    /** A mail of James whose message is one of ours ({@link MailMessages#replace}) with this text. */
    private static MailImpl mailOfOurs(String text) throws Exception {
        MailImpl mail = jamesMail();
        MailMessages.replace(mail, parsed(text));
        return mail;
    }

    private static MailImpl jamesMail() throws Exception {
        MimeMessage original = new MimeMessageWrapper(MimeMessageInputStreamSource.create("original",
            new ByteArrayInputStream((HEADER + "original\r\n").getBytes(US_ASCII))));
        return MailImpl.builder().name("mail").mimeMessage(original).build();
    }

    /** The temporary file behind a message in a file of ours: the one named after its source id. */
    private static Path onlyTemporaryFileOf(MimeMessageWrapper message) throws Exception {
        Path directory = MailMessages.messageDirectory();
        assertThat(directory.getFileName().toString()).startsWith("tresor-messages-");
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> named = files.filter(file -> file.getFileName().toString().startsWith(message.getSourceId() + "."))
                .collect(Collectors.toList());
            assertThat(named).extracting(Path::getFileName).extracting(Path::toString)
                .containsExactly(message.getSourceId() + ".eml");
            return named.get(0);
        }
    }

    /** The files named after the message's source id in the directory of message files, if there is one yet. */
    private static List<Path> filesOf(MimeMessageWrapper message) throws Exception {
        Path directory = MailMessages.messageDirectory();
        if (directory == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().startsWith(message.getSourceId() + "."))
                .collect(Collectors.toList());
        }
    }

    private static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> pool.getName().equals("direct"))
            .mapToLong(BufferPoolMXBean::getMemoryUsed)
            .sum();
    }

    private static MimeMessage parsed(String text) throws Exception {
        ByteSink sink = new ByteSink(text.length());
        sink.ascii(text);
        return sink.toMessage();
    }

    private static String written(MimeMessage message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(US_ASCII);
    }
}
