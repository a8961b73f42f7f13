package dev.tresor.keys.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;

import org.junit.jupiter.api.Test;

class DerTest {
    /**
     * DerFuzzTest's 10-minute run: a certificate whose notAfter is the GeneralizedTime {@code 212611111910,0Z} parsed,
     * but Bouncy Castle wrote it back differently each time (the fraction grew zeros), so what we stored would not
     * read back as it was written.
     */
    @Test
    void aTimeDerCannotHoldShouldBeRefusedAsCorrupt() throws Exception {
        byte[] input;
        try (InputStream in = DerTest.class.getResourceAsStream(
                "DerFuzzTestInputs/derShouldGiveOneObjectOrAClearRefusal/generalized-time-with-a-comma-fraction")) {
            input = in.readAllBytes();
        }

        assertThatThrownBy(() -> Der.parse(input, "certificate.der"))
            .isInstanceOf(KeyMaterialException.class)
            .hasMessage("corrupt DER in certificate.der: a value (such as a time with a fraction) is not in a form DER"
                + " allows");
    }
}
