package dev.tresor.it.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tresor.it.readme.ReadmeBlocks.Block;
import dev.tresor.it.readme.ReadmeBlocks.ServerState;

class ReadmeBlocksTest {
    @Test
    void shellBlocksComeInOrderWithTheirSectionAndTheInstructionsRightAboveThem() {
        // given a README with two shell blocks, a text block and instructions
        String readme = "# Title\n## First\n\n```sh\necho one\n```\n\n```\nnot shell\n```\n## Second\n"
            + "<!-- readme: server stopped -->\n<!-- readme: expect ^two$ -->\n<!-- readme: expect-not three -->\n"
            + "```sh\necho two\n```\n";

        // when it is parsed
        List<Block> blocks = ReadmeBlocks.parse(readme);

        // then only the shell blocks count, each with what was written above it
        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(0).section).isEqualTo("First");
        assertThat(blocks.get(0).script).isEqualTo("echo one\n");
        assertThat(blocks.get(0).server).isEqualTo(ServerState.UNCHANGED);
        assertThat(blocks.get(0).expected).isEmpty();
        assertThat(blocks.get(1).number).isEqualTo(2);
        assertThat(blocks.get(1).line).isEqualTo(15);
        assertThat(blocks.get(1).server).isEqualTo(ServerState.STOPPED);
        assertThat(blocks.get(1).expected.get(0).matcher("one\ntwo\n").find()).isTrue();
        assertThat(blocks.get(1).unexpected.get(0).pattern()).isEqualTo("three");
    }

    @Test
    void anInstructionSeparatedFromItsBlockByTextBelongsToNoBlock() {
        // given an instruction followed by prose, then a block
        String readme = "<!-- readme: skip because -->\nSome text.\n```sh\necho run\n```\n";

        // when it is parsed, then the block runs
        assertThat(ReadmeBlocks.parse(readme).get(0).skipReason).isEmpty();
    }

    @Test
    void aSkipWithoutReasonIsRefused() {
        assertThatThrownBy(() -> ReadmeBlocks.parse("<!-- readme: skip -->\n```sh\necho\n```\n"))
            .hasMessageContaining("skip needs a reason");
    }

    @Test
    void aShellBlockInAnotherDialectIsRefusedSoThatNoneIsLeftOutUnnoticed() {
        assertThatThrownBy(() -> ReadmeBlocks.parse("```bash\necho\n```\n"))
            .hasMessageContaining("```sh, not ```bash");
    }

    @Test
    void anUnknownInstructionIsRefused() {
        assertThatThrownBy(() -> ReadmeBlocks.parse("<!-- readme: expcet x -->\n```sh\necho\n```\n"))
            .hasMessageContaining("unknown readme instruction 'expcet x'");
    }

    @Test
    void aBlockThatIsNeverClosedIsRefused() {
        assertThatThrownBy(() -> ReadmeBlocks.parse("```sh\necho\n"))
            .hasMessageContaining("never closed");
    }
}
