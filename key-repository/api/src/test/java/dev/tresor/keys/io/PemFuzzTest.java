package dev.tresor.keys.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.tresor.fuzz.Refusals;

/**
 * {@link Pem}: any text yields its blocks or a {@link KeyMaterialException} that says where the text is wrong; a block
 * that decodes, written again with {@link Pem#encode}, reads back as the same bytes.
 */
class PemFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void pemTextShouldGiveItsBlocksOrAClearRefusal(byte[] input) throws KeyMaterialException {
        List<Pem.Block> blocks;
        try {
            blocks = Pem.parse(input);
        } catch (KeyMaterialException e) {
            Refusals.assertClear(e);
            return;
        }
        for (Pem.Block block : blocks) {
            byte[] content;
            try {
                content = block.content();
            } catch (KeyMaterialException e) {
                Refusals.assertClear(e);
                continue;
            }
            List<Pem.Block> again = Pem.parse(Pem.encode(block.type(), content).getBytes(StandardCharsets.US_ASCII));
            assertThat(again).hasSize(1);
            assertThat(again.get(0).content()).isEqualTo(content);
        }
    }
}
