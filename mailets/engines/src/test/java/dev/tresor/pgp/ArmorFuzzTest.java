package dev.tresor.pgp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.OptionalInt;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.Refusals;
import dev.tresor.mime.ByteSink;

/**
 * {@link Armor}: any text yields the packets of its armored block or a {@link PgpException} that says what is wrong;
 * the quick look at the first byte ({@link Armor#firstByte}, what detection uses) agrees with the full read; and any
 * bytes, armored, read back unchanged.
 */
class ArmorFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void armorShouldReadBackOrGiveAClearReason(byte[] input) throws IOException, PgpException {
        Armor.startsWith(input, 0, input.length, Armor.MESSAGE);
        OptionalInt first = Armor.firstByte(input, 0, input.length, Armor.MESSAGE);
        try {
            byte[] packets = Armor.read(input, 0, input.length, Armor.MESSAGE).toByteArray();
            if (packets.length > 0 && first.isPresent()) {
                assertThat(first.getAsInt()).as("first byte").isEqualTo(packets[0] & 0xFF);
            }
        } catch (PgpException e) {
            Refusals.assertClear(e);
        }

        ByteSink armored = new ByteSink(64);
        Armor.write(armored, Armor.MESSAGE, input);
        byte[] text = armored.toByteArray();
        assertThat(Armor.read(text, 0, text.length, Armor.MESSAGE).toByteArray()).isEqualTo(input);
    }
}
