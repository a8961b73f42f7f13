package dev.tresor.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class CanonicalTest {
    @Test
    void crlfSevenBitTextShouldNeedNoConversion() {
        Canonical.Scan scan = scan("Subject: hi\r\n\r\nfirst line\r\nsecond line\r\n");

        assertThat(scan.isCrlf()).isTrue();
        assertThat(scan.isSevenBit()).isTrue();
    }

    @Test
    void aBareLineEndAnywhereShouldBeFound() {
        String line = "0123456789abcdef0123456789abcdef\r\n";
        for (int position = 0; position < line.length() * 2; position++) {
            StringBuilder text = new StringBuilder(line).append(line);
            char original = text.charAt(position);
            text.setCharAt(position, original == '\r' || original == '\n' ? 'x' : '\n');
            assertThat(scan(text.toString()).isCrlf()).as("bare line end at %d", position).isFalse();
        }
    }

    @Test
    void eightBitOrNulAnywhereShouldBeFound() {
        for (int position = 0; position < 40; position++) {
            byte[] bytes = "0123456789abcdef0123456789abcdef0123456789\r\n".getBytes(StandardCharsets.US_ASCII);
            bytes[position] = (byte) 0xC3;
            assertThat(Canonical.scan(bytes, 0, bytes.length).isSevenBit()).isFalse();
            bytes[position] = 0;
            assertThat(Canonical.scan(bytes, 0, bytes.length).isSevenBit()).isFalse();
        }
    }

    @Test
    void linesLongerThan998OctetsShouldNotCountAsSevenBit() {
        assertThat(scan("x".repeat(998) + "\r\nshort\r\n").isSevenBit()).isTrue();
        assertThat(scan("x".repeat(999) + "\r\nshort\r\n").isSevenBit()).isFalse();
        assertThat(scan("short\r\n" + "x".repeat(999)).isSevenBit()).isFalse();
    }

    @Test
    void theWordAtATimeScanShouldAgreeWithAByteAtATimeScanOnRandomText() {
        Random random = new Random(5751);
        byte[] alphabet = "aZ0 =\r\n\t".getBytes(StandardCharsets.US_ASCII);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(200)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = random.nextInt(500) == 0 ? (byte) 0x80 : alphabet[random.nextInt(alphabet.length)];
            }
            int offset = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            int length = bytes.length - offset;

            Canonical.Scan scan = Canonical.scan(bytes, offset, length);

            assertThat(scan.isCrlf()).isEqualTo(referenceCrlf(bytes, offset, length));
            assertThat(scan.isSevenBit()).isEqualTo(referenceSevenBit(bytes, offset, length));
        }
    }

    @Test
    void base64ShapedLinesWithFlawsShouldBeJudgedAsAByteAtATimeScanJudgesThem() {
        Random random = new Random(2045);
        byte[] flaws = {'\n', '\r', (byte) 0x80, 0, ' ', 'x'};
        for (int round = 0; round < 2000; round++) {
            StringBuilder text = new StringBuilder();
            int lines = 1 + random.nextInt(20);
            for (int line = 0; line < lines; line++) {
                text.append("QUJD".repeat(19));
                // now and then a line runs on into the next, so that a run of lines exceeds 998 octets
                text.append(random.nextInt(30) == 0 ? "" : "\r\n");
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
            for (int flaw = random.nextInt(3); flaw > 0; flaw--) {
                bytes[random.nextInt(bytes.length)] = flaws[random.nextInt(flaws.length)];
            }
            int offset = random.nextInt(3) == 0 ? random.nextInt(bytes.length) : 0;
            int length = bytes.length - offset;

            Canonical.Scan scan = Canonical.scan(bytes, offset, length);

            assertThat(scan.isCrlf()).isEqualTo(referenceCrlf(bytes, offset, length));
            assertThat(scan.isSevenBit()).isEqualTo(referenceSevenBit(bytes, offset, length));
        }
    }

    @Test
    void indexOfLineFeedShouldFindTheFirstLineFeedFromAnyPosition() {
        byte[] bytes = "abc\u00e9defghij\nklmnopqrstuvwx\nyz".getBytes(StandardCharsets.ISO_8859_1);
        for (int from = 0; from <= bytes.length; from++) {
            int expected = -1;
            for (int i = from; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    expected = i;
                    break;
                }
            }
            assertThat(Canonical.indexOfLineFeed(bytes, from, bytes.length)).as("from %d", from).isEqualTo(expected);
        }
        assertThat(Canonical.indexOfLineFeed(bytes, 0, 10)).isEqualTo(-1);
    }

    private static boolean referenceCrlf(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] == '\n' && (i == offset || bytes[i - 1] != '\r')) {
                return false;
            }
            if (bytes[i] == '\r' && (i + 1 == offset + length || bytes[i + 1] != '\n')) {
                return false;
            }
        }
        return true;
    }

    private static boolean referenceSevenBit(byte[] bytes, int offset, int length) {
        int lineLength = 0;
        for (int i = offset; i < offset + length; i++) {
            if (bytes[i] <= 0) {
                return false;
            }
            if (bytes[i] == '\n') {
                lineLength = 0;
            } else if (bytes[i] != '\r' || (i + 1 < offset + length && bytes[i + 1] != '\n') || i + 1 == offset + length) {
                if (++lineLength > 998) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Canonical.Scan scan(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return Canonical.scan(bytes, 0, bytes.length);
    }

    @Test
    void indexOfEitherShouldFindTheFirstOfTwoBytesInEveryPositionOfAWord() {
        for (int position = 0; position < 40; position++) {
            byte[] bytes = new byte[41];
            java.util.Arrays.fill(bytes, (byte) 'A');
            bytes[position] = (byte) (position % 2 == 0 ? '=' : '-');
            bytes[40] = '=';

            assertThat(Canonical.indexOfEither(bytes, 0, bytes.length, (byte) '=', (byte) '-')).isEqualTo(position);
            assertThat(Canonical.indexOfEither(bytes, position + 1, 40, (byte) '=', (byte) '-')).isEqualTo(-1);
            assertThat(Canonical.indexOf(bytes, 0, bytes.length, bytes[position])).isEqualTo(position);
            assertThat(Canonical.indexOf(bytes, position + 1, bytes.length, (byte) '=')).isEqualTo(40);
        }
        assertThat(Canonical.indexOfEither(new byte[] {(byte) 0xBD, '='}, 0, 2, (byte) '=', (byte) '-'))
            .as("0xBD is not '=' with the high bit").isEqualTo(1);
    }
}
