package dev.tresor.it.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BashSessionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    @Test
    void variablesFunctionsAndTheWorkingDirectoryOfOneBlockStayForTheNext() throws Exception {
        try (BashSession session = new BashSession(directory, environment(), directory)) {
            // given a block that sets a variable, defines a function and changes directory
            assertThat(session.run(1, "X=kept\nshow() { echo \"$1 $X\"; }\nmkdir sub && cd sub\n", TIMEOUT).completed)
                .isTrue();

            // when the next block uses them
            BashSession.Outcome outcome = session.run(2, "show still; pwd\n", TIMEOUT);

            // then they are there
            assertThat(outcome.completed).isTrue();
            assertThat(outcome.output).contains("still kept", directory.resolve("sub").toString());
        }
    }

    @Test
    void aFailingCommandInsideAPipelineFailsItsBlockWithItsOutput() throws Exception {
        try (BashSession session = new BashSession(directory, environment(), directory)) {
            // when a block's pipeline fails before its last command
            BashSession.Outcome outcome = session.run(1, "echo before\nfalse | cat\necho after\n", TIMEOUT);

            // then the block failed there
            assertThat(outcome.completed).isFalse();
            assertThat(outcome.description).contains("exited with status 1");
            assertThat(outcome.output).contains("before").doesNotContain("after");
        }
    }

    @Test
    void anUnsetVariableFailsItsBlock() throws Exception {
        try (BashSession session = new BashSession(directory, environment(), directory)) {
            assertThat(session.run(1, "echo \"$NEVER_SET\"\n", TIMEOUT).completed).isFalse();
        }
    }

    @Test
    void aBlockThatDoesNotEndInTimeIsStoppedAndFails() throws Exception {
        try (BashSession session = new BashSession(directory, environment(), directory)) {
            BashSession.Outcome outcome = session.run(1, "sleep 60\n", Duration.ofSeconds(1));

            assertThat(outcome.completed).isFalse();
            assertThat(outcome.description).contains("still running after 1 s");
        }
    }

    private static Map<String, String> environment() {
        return Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "HOME", "/nonexistent");
    }
}
