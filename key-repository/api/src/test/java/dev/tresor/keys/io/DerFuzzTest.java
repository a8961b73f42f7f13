package dev.tresor.keys.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.Refusals;

/**
 * {@link Der}: any bytes yield one ASN.1 object or a {@link KeyMaterialException} that says what is wrong; an object it
 * accepts, written as DER, parses back to what writes the same DER (DER sorts SETs, so the first writing may reorder
 * what the input held; the second must change nothing).
 */
class DerFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void derShouldGiveOneObjectOrAClearRefusal(byte[] input) throws IOException {
        ASN1Primitive object;
        try {
            object = Der.parse(input, "fuzzed input");
        } catch (KeyMaterialException e) {
            Refusals.assertClear(e);
            return;
        }
        byte[] der = object.getEncoded(ASN1Encoding.DER);
        assertThat(ASN1Primitive.fromByteArray(der).getEncoded(ASN1Encoding.DER)).isEqualTo(der);
    }
}
