package dev.tresor.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.SharedInputStream;

import org.junit.jupiter.api.Test;

class PiecesTest {
    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aMessageOfPiecesShouldReadAsTheirJoinedBytes() throws Exception {
        // the headers end inside the second piece, the body spans the rest; an empty range adds nothing
        byte[] original = ascii("xxSubject: joined\r\nX-Extra: oneyy");
        byte[] body = ascii("line one\r\nline two\r\n".repeat(500));
        Pieces pieces = new Pieces()
            .add(original, 2, original.length - 2)
            .add(ascii("\r\nContent-Type: text/plain\r\n\r\n"), 0, 30)
            .add(body, 0, 0)
            .add(body, 10, body.length);

        MimeMessage message = pieces.toMessage();

        assertThat(message.getSubject()).isEqualTo("joined");
        assertThat(message.getHeader("X-Extra", null)).isEqualTo("one");
        assertThat(message.getContent()).isEqualTo(new String(body, 10, body.length - 10, StandardCharsets.US_ASCII));
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        message.writeTo(written);
        assertThat(written.toString(StandardCharsets.US_ASCII)).isEqualTo("Subject: joined\r\nX-Extra: one\r\n"
            + "Content-Type: text/plain\r\n\r\n" + new String(body, 10, body.length - 10, StandardCharsets.US_ASCII));
        assertThat(pieces.size()).isEqualTo(written.size());
    }

    @Test
    void theRestOfAStreamShouldBeCopiedStraightFromThePieces() throws Exception {
        byte[] large = ascii("0123456789".repeat(10_000));
        MessageBytes bytes = ((ParsedMessage) new Pieces().add(ascii("A: b\r\n\r\n"), 0, 8).add(large, 3, large.length)
            .add(ascii("end"), 0, 3).toMessage()).bytes();
        InputStream stream = bytes.newStream();
        assertThat(stream.skip(5)).isEqualTo(5);
        assertThat(stream.read()).isEqualTo('\n');

        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        Chunked.copy(stream, copy);

        assertThat(copy.toString(StandardCharsets.US_ASCII))
            .isEqualTo("\r\n" + new String(large, 3, large.length - 3, StandardCharsets.US_ASCII) + "end");
        assertThat(stream.read()).isEqualTo(-1);
    }

    @Test
    void aNewStreamShouldReadItsRangeAcrossPieces() throws Exception {
        Pieces pieces = new Pieces().add(ascii("A: b\r\n\r\nabc"), 0, 11).add(ascii("defgh"), 0, 5).add(ascii("ij"), 0, 2);
        MimeMessage message = pieces.toMessage();
        InputStream whole = message.getRawInputStream();
        assertThat(whole).isInstanceOf(SharedInputStream.class);

        InputStream stream = ((SharedInputStream) whole).newStream(2, 9);
        byte[] buffer = new byte[20];
        int first = stream.read();
        int read = stream.read(buffer, 0, buffer.length);
        stream.skip(0);

        assertThat((char) first).isEqualTo('c');
        assertThat(new String(buffer, 0, read, StandardCharsets.US_ASCII)).isEqualTo("defghi");
        assertThat(stream.read()).isEqualTo(-1);
        InputStream tail = ((SharedInputStream) whole).newStream(7, -1);
        assertThat(new String(tail.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hij");
        assertThat(((SharedInputStream) whole).newStream(5, 40).readAllBytes()).hasSize(5);
        assertThat(((SharedInputStream) whole).newStream(40, -1).read()).isEqualTo(-1);
    }
}
