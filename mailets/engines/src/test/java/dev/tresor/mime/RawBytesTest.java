package dev.tresor.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.mail.internet.MimeMessage;
import javax.mail.util.SharedByteArrayInputStream;

import org.junit.jupiter.api.Test;

class RawBytesTest {
    private static final byte[] MESSAGE = ("Subject: raw\r\nContent-Type: text/plain\r\n\r\n" + "body line\r\n".repeat(2000))
        .getBytes(StandardCharsets.US_ASCII);

    @Test
    void aParsedMessageBodyShouldBeTakenWithoutACopy() throws Exception {
        MimeMessage message = new MimeMessage(Mime.SESSION, new SharedByteArrayInputStream(MESSAGE));

        RawBytes raw = RawBytes.read(message.getRawInputStream(), message.getSize());

        assertThat(raw.array()).isSameAs(MESSAGE);
        assertThat(new String(raw.array(), raw.start(), raw.length(), StandardCharsets.US_ASCII))
            .isEqualTo("body line\r\n".repeat(2000));
    }

    @Test
    void aPartlyReadArrayStreamShouldGiveOnlyWhatIsLeft() throws Exception {
        ByteArrayInputStream in = new ByteArrayInputStream(MESSAGE, 3, 100);
        in.skip(10);

        RawBytes raw = RawBytes.read(in, 0);

        assertThat(Arrays.copyOfRange(raw.array(), raw.start(), raw.end())).isEqualTo(Arrays.copyOfRange(MESSAGE, 13, 103));
    }

    @Test
    void anyOtherStreamShouldBeCopiedWhole() throws Exception {
        RawBytes raw = RawBytes.read(new BufferedInputStream(new ByteArrayInputStream(MESSAGE), 512), 10);

        assertThat(raw.array()).isNotSameAs(MESSAGE);
        assertThat(Arrays.copyOfRange(raw.array(), raw.start(), raw.end())).isEqualTo(MESSAGE);
    }

    @Test
    void onlyAByteArrayStreamShouldBeTakenWhenAskedIfShared() throws Exception {
        RawBytes shared = RawBytes.ifShared(new SharedByteArrayInputStream(MESSAGE, 5, 20));

        assertThat(shared.array()).isSameAs(MESSAGE);
        assertThat(shared.start()).isEqualTo(5);
        assertThat(shared.end()).isEqualTo(25);
        assertThat(RawBytes.ifShared(new BufferedInputStream(new ByteArrayInputStream(MESSAGE)))).isNull();
    }

    @Test
    void anEmptyStreamShouldGiveAnEmptyRange() throws Exception {
        assertThat(RawBytes.read(new ByteArrayInputStream(new byte[0]), 0).length()).isZero();
        assertThat(RawBytes.read(new BufferedInputStream(new ByteArrayInputStream(new byte[0])), 0).length()).isZero();
    }
}
