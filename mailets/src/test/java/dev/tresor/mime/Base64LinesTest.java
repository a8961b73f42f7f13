package dev.tresor.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
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
        for (int size : new int[] {0, 1, 2, 3, 56, 57, 58, 57 * 1024, 57 * 1024 + 1, 300_001}) {
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

    @Test
    void charactersOutsideTheAlphabetShouldBeReportedAsCorrupt() {
        byte[] corrupt = ("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9w!XJzdHV2d3h5ejAxMjM0NTY3ODk=\r\n")
            .getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> decode(corrupt)).isInstanceOf(IOException.class).hasMessageStartingWith("Corrupt base64");
    }

    private static byte[] decode(byte[] text) throws IOException {
        ByteSink decoded = new ByteSink(16);
        try (InputStream in = Base64Lines.decoder(new ByteArrayInputStream(text))) {
            decoded.readFrom(in);
        }
        return decoded.toByteArray();
    }
}
