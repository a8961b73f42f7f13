package dev.tresor.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.tresor.mime.ByteSink;

/** Armor reads its base64 by Base64Lines' rule: white space anywhere is skipped, any other stray character refused. */
class ArmorTest {
    @Test
    void aCharacterOutsideTheAlphabetShouldBeRefusedWhereverItSitsInTheData() throws Exception {
        String armored = armored(packets(200));
        int dataStart = armored.indexOf("\r\n\r\n") + 4;
        int dataEnd = armored.indexOf("\r\n=");
        for (int at = dataStart; at <= dataEnd; at++) {
            byte[] corrupt = (armored.substring(0, at) + "!" + armored.substring(at)).getBytes(StandardCharsets.US_ASCII);

            assertThatThrownBy(() -> Armor.read(corrupt, 0, corrupt.length, Armor.MESSAGE)).as("'!' at %d", at)
                .isInstanceOf(PgpException.class).hasMessageContaining("corrupt ASCII armor");
        }
    }

    @Test
    void whiteSpaceAnywhereInTheDataShouldChangeNothing() throws Exception {
        byte[] packets = packets(200);
        String armored = armored(packets);
        int dataStart = armored.indexOf("\r\n\r\n") + 4;
        int dataEnd = armored.indexOf("\r\n=");
        for (int at = dataStart; at <= dataEnd; at++) {
            byte[] spaced = (armored.substring(0, at) + " \t" + armored.substring(at)).getBytes(StandardCharsets.US_ASCII);

            assertThat(Armor.read(spaced, 0, spaced.length, Armor.MESSAGE).toByteArray()).as("white space at %d", at)
                .isEqualTo(packets);
        }
    }

    private static byte[] packets(int length) {
        byte[] packets = new byte[length];
        new Random(length).nextBytes(packets);
        return packets;
    }

    private static String armored(byte[] packets) throws Exception {
        ByteSink sink = new ByteSink(1024);
        Armor.write(sink, Armor.MESSAGE, packets);
        return new String(sink.toByteArray(), StandardCharsets.US_ASCII);
    }
}
