package dev.tresor.it.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The corpus's documentation (README.md next to the generator) names every message, as the code describes it. */
class HostileCorpusDocumentationTest {
    private static final Path DOCUMENTATION = Path.of("src/test/java/dev/tresor/it/corpus/README.md");

    private static List<CorpusMessage> corpus;

    @BeforeAll
    static void makeTheCorpus() {
        corpus = HostileCorpus.messages(new CorpusIdentities(HostileCorpus.ALICE, HostileCorpus.BOB));
    }

    @Test
    void theCorpusShouldHoldAtLeastSixtyUniquelyNamedMessages() {
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(60);
        assertThat(new HashSet<>(corpus.stream().map(CorpusMessage::name).collect(Collectors.toList()))).hasSize(corpus.size());
    }

    @Test
    void everyMessageShouldBeDocumentedOnOneLineAsTheCodeDescribesIt() throws Exception {
        List<String> documented = Files.readAllLines(DOCUMENTATION, StandardCharsets.UTF_8).stream()
            .filter(line -> line.startsWith("| `"))
            .collect(Collectors.toList());
        List<String> expected = corpus.stream().map(HostileCorpusDocumentationTest::line).collect(Collectors.toList());

        assertThat(documented)
            .as("the message lines of %s; regenerate them from these expected lines:%n%s", DOCUMENTATION, String.join("\n", expected))
            .isEqualTo(expected);
    }

    @Test
    void everyMessageShouldBeMadeWithoutFailing() {
        for (CorpusMessage message : corpus) {
            if (!message.name().startsWith("size/")) {
                assertThat(message.content()).as(message.name()).isNotNull();
            }
        }
    }

    private static String line(CorpusMessage message) {
        return "| `" + message.name() + "` | " + message.category() + " | " + message.what().replace("|", "\\|")
            + " | " + message.expected().replace("|", "\\|") + (message.checks().isEmpty() ? "" : " **(asserted)**") + " |";
    }
}
