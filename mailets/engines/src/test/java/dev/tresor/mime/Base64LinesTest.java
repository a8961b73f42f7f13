package dev.tresor.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Base64LinesTest {
    @Test
    void whatTheEncoderWritesShouldBeMimeBase64AndDecodeBackForAnySize() throws Exception {
        Random random = new Random(2045);
        for (int size : new int[] {0, 1, 2, 3, 56, 57, 58, 57 * 1024, 57 * 1024 + 1, 57 * 2048, 300_001}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            ByteSink sink = new ByteSink(16);
            try (OutputStream encoder = Base64Lines.encoder(sink)) {
                for (int offset = 0; offset < size; offset += 1000) {
                    encoder.write(data, offset, Math.min(1000, size - offset));
                }
            }

            assertThat(new String(sink.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo(Base64.getMimeEncoder().encodeToString(data));
            assertThat(decode(sink.toByteArray())).isEqualTo(data);
        }
    }

    /** Both ways of encoding whole lines, the JDK's blocks and Tresor's own loop, write the same text. */
    @Test
    void theJdkBlocksAndTheOwnLoopShouldWriteTheSameLines() throws Exception {
        Random random = new Random(2047);
        for (int size : new int[] {57 * 63, 57 * 64, 57 * 64 + 1, 57 * 130 + 20, 200_003}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            String expected = Base64.getMimeEncoder().encodeToString(data);
            for (boolean throughJdk : new boolean[] {true, false}) {
                ByteSink sink = new ByteSink(16);
                try (OutputStream encoder = Base64Lines.encoder(sink, throughJdk)) {
                    encoder.write(data, 0, size / 3);
                    encoder.write(data, size / 3, size - size / 3);
                }
                assertThat(new String(sink.toByteArray(), StandardCharsets.US_ASCII)).as("size %d, JDK %s", size, throughJdk)
                    .isEqualTo(expected);
            }
        }
    }

    /** Pieces that end inside a line, exactly at its end, or span several lines, and single bytes in between. */
    @Test
    void theEncoderShouldWriteTheSameLinesWhateverThePiecesItIsGiven() throws Exception {
        Random random = new Random(2046);
        byte[] data = new byte[20_000];
        random.nextBytes(data);
        int[] pieces = {1, 56, 1, 57, 58, 114, 3, 0, 171, 2_000, 5, 57 * 40, 1};
        ByteSink sink = new ByteSink(16);
        int offset = 0;
        try (OutputStream encoder = Base64Lines.encoder(sink)) {
            for (int i = 0; offset < data.length; i++) {
                int piece = Math.min(pieces[i % pieces.length], data.length - offset);
                if (piece == 1) {
                    encoder.write(data[offset]);
                } else {
                    encoder.write(data, offset, piece);
                }
                offset += piece;
            }
        }

        assertThat(new String(sink.toByteArray(), StandardCharsets.US_ASCII)).isEqualTo(Base64.getMimeEncoder().encodeToString(data));
    }

    @Test
    void aSinkSizedByTheEncodedCapacityShouldNeverGrow() throws Exception {
        Random random = new Random(2046);
        for (int size : new int[] {1, 2, 3, 56, 57, 58, 57 * 1024 - 1, 57 * 1024, 57 * 1024 + 1, 1_000_003}) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            int capacity = Math.toIntExact(Base64Lines.encodedCapacity(size));
            ByteSink sink = new ByteSink(capacity);
            byte[] array = sink.array();
            try (OutputStream encoder = Base64Lines.encoder(sink)) {
                encoder.write(data);
            }

            assertThat(sink.array()).as("sink for %d bytes grew", size).isSameAs(array);
            assertThat(sink.size()).as("capacity for %d bytes is tight", size).isEqualTo(capacity - 2);
        }
        assertThat(Base64Lines.encodedCapacity(0)).isZero();
    }

    @Test
    void aDecoderSizedForLessInputShouldStillDecodeAllOfIt() throws Exception {
        byte[] data = new byte[300_001];
        new Random(2047).nextBytes(data);
        byte[] text = Base64.getMimeEncoder().encode(data);

        for (int expected : new int[] {0, 5, 100, 4096, text.length}) {
            try (InputStream decoder = Base64Lines.decoder(new ByteArrayInputStream(text), expected)) {
                assertThat(decoder.readAllBytes()).as("expected %d characters", expected).isEqualTo(data);
            }
        }
    }

    @Test
    void theDecoderShouldSkipLineBreaksAndWhiteSpaceOfAnyShape() throws Exception {
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data);
        String encoded = Base64.getEncoder().encodeToString(data);
        StringBuilder messy = new StringBuilder();
        Random random = new Random(8);
        for (int i = 0; i < encoded.length(); i++) {
            messy.append(encoded.charAt(i));
            switch (random.nextInt(40)) {
                case 0: messy.append("\r\n"); break;
                case 1: messy.append('\n'); break;
                case 2: messy.append(" \t"); break;
                default: break;
            }
        }

        assertThat(decode(messy.toString().getBytes(StandardCharsets.US_ASCII))).isEqualTo(data);
    }

    /**
     * Base64LinesFuzzTest's 10-minute run: the reference held "DD=&lt;TAB&gt;=" to the JDK's MIME decoder, which refuses
     * it; white space is skipped wherever it stands, between the padding characters too (a line may break there).
     */
    @Test
    void whiteSpaceOrALineBreakBetweenThePaddingShouldBeSkippedAsEverywhere() throws Exception {
        assertThat(decode("DD=\t=".getBytes(StandardCharsets.US_ASCII))).isEqualTo(new byte[] {0x0C});
        assertThat(decode("DD=\r\n=\r\n".getBytes(StandardCharsets.US_ASCII))).isEqualTo(new byte[] {0x0C});
        assertThat(Base64Reference.expected("DD=\t=".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    }

    @Test
    void standardLinesWithWhiteSpaceInsideShouldStillDecode() throws Exception {
        byte[] data = new byte[60_000];
        new Random(9).nextBytes(data);
        String encoded = Base64.getEncoder().encodeToString(data);
        StringBuilder lines = new StringBuilder();
        int line = 0;
        for (int start = 0; start < encoded.length(); line++) {
            // every third line is 75 characters and a space, then CRLF: 76 bytes before the line break, one not base64
            int length = line % 3 == 0 ? 75 : 76;
            int end = Math.min(encoded.length(), start + length);
            lines.append(encoded, start, end).append(line % 3 == 0 ? " " : "").append("\r\n");
            start = end;
        }

        assertThat(decode(lines.toString().getBytes(StandardCharsets.US_ASCII))).isEqualTo(data);
    }

    @Test
    void charactersOutsideTheAlphabetShouldBeReportedAsCorrupt() {
        byte[] corrupt = ("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w!XJzdHV2d3h5ejAxMjM0NTY3ODk=\r\n")
            .getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> decode(corrupt)).isInstanceOf(IOException.class).hasMessageStartingWith("Corrupt base64");
    }

    @Test
    void aCharacterOutsideTheAlphabetShouldBeRefusedWhereverTheReadsSplitTheText() {
        for (String text : new String[] {"QU!JDREVG", "QUJD!", "QUJDREVG\u0000", "QUJD\r\n\u00e9"}) {
            byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
            for (int readSize = 1; readSize <= bytes.length; readSize++) {
                int size = readSize;
                assertThatThrownBy(() -> decode(bytes, size, Integer.MAX_VALUE)).as("%s read %d at a time", text, size)
                    .isInstanceOf(IOException.class).hasMessageStartingWith("Corrupt base64");
            }
        }
    }

    @Test
    void everySplitOfTheInputShouldDecodeAsThePlainDecoderDoes() throws Exception {
        Random random = new Random(10);
        for (int round = 0; round < 200; round++) {
            byte[] text = randomText(random);
            String expected = reference(text);
            for (int firstRead = 1; firstRead <= text.length; firstRead++) {
                for (int chunk : new int[] {0, Integer.MAX_VALUE}) {
                    assertThat(outcome(text, firstRead, text.length, chunk))
                        .as("%s, first read %d, then the rest, chunk %d", show(text), firstRead, chunk).isEqualTo(expected);
                    assertThat(outcome(text, firstRead, firstRead, chunk))
                        .as("%s, read %d at a time, chunk %d", show(text), firstRead, chunk).isEqualTo(expected);
                }
            }
        }
    }

    /**
     * Base64 of random data, in lines or not, with white space, and in most rounds one defect: a character that is
     * not base64 (printable, a control, an 8-bit byte), padding in the middle, a missing or extra character.
     */
    private static byte[] randomText(Random random) {
        byte[] data = new byte[random.nextInt(150)];
        random.nextBytes(data);
        String encoded = random.nextBoolean() ? Base64.getMimeEncoder().encodeToString(data) : Base64.getEncoder().encodeToString(data);
        StringBuilder text = new StringBuilder(encoded);
        for (int spaces = random.nextInt(4); spaces > 0; spaces--) {
            text.insert(random.nextInt(text.length() + 1), " \t\r\n".charAt(random.nextInt(4)));
        }
        switch (random.nextInt(6)) {
            case 0:
                text.insert(random.nextInt(text.length() + 1), (char) random.nextInt(256));
                break;
            case 1:
                text.insert(random.nextInt(text.length() + 1), "!-.:@_~".charAt(random.nextInt(7)));
                break;
            case 2:
                text.insert(random.nextInt(text.length() + 1), random.nextBoolean() ? "=" : "==");
                break;
            case 3:
                if (text.length() > 0) {
                    text.deleteCharAt(random.nextInt(text.length()));
                }
                break;
            case 4:
                text.insert(random.nextInt(text.length() + 1), 'Q');
                break;
            default:
                break;
        }
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What the JDK's plain decoder makes of the text once white space is taken out: the bytes, or "refused". */
    private static String reference(byte[] text) {
        ByteArrayOutputStream base64 = new ByteArrayOutputStream();
        for (byte b : text) {
            if (b != '\r' && b != '\n' && b != ' ' && b != '\t') {
                base64.write(b);
            }
        }
        try {
            return Base64.getEncoder().encodeToString(Base64.getDecoder().decode(base64.toByteArray()));
        } catch (IllegalArgumentException e) {
            return "refused";
        }
    }

    private static String outcome(byte[] text, int firstRead, int laterReads, int expectedCharacters) {
        try {
            return Base64.getEncoder().encodeToString(decode(text, firstRead, laterReads, expectedCharacters));
        } catch (IOException e) {
            return "refused";
        }
    }

    private static String show(byte[] text) {
        return "'" + new String(text, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n") + "'";
    }

    private static byte[] decode(byte[] text, int readSize, int expectedCharacters) throws IOException {
        return decode(text, readSize, readSize, expectedCharacters);
    }

    /** Decodes the text read from a stream that returns at most {@code firstRead} bytes, then {@code laterReads}. */
    private static byte[] decode(byte[] text, int firstRead, int laterReads, int expectedCharacters) throws IOException {
        InputStream split = new ByteArrayInputStream(text) {
            private boolean first = true;

            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                int limit = first ? firstRead : laterReads;
                first = false;
                return super.read(buffer, offset, Math.min(length, limit));
            }
        };
        ByteSink decoded = new ByteSink(16);
        try (InputStream in = Base64Lines.decoder(split, expectedCharacters)) {
            decoded.readFrom(in);
        }
        return decoded.toByteArray();
    }

    private static byte[] decode(byte[] text) throws IOException {
        ByteSink decoded = new ByteSink(16);
        try (InputStream in = Base64Lines.decoder(new ByteArrayInputStream(text))) {
            decoded.readFrom(in);
        }
        return decoded.toByteArray();
    }
}
