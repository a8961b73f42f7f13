package dev.tresor.it.shipped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The relay benchmark's command line: a configuration may run at a mail size of its own. */
class RelayBenchmarkOptionsTest {
    @Test
    void anEntryWithASizeShouldRunItsConfigurationAtThatSize() {
        RelayBenchmark.Options options = RelayBenchmark.Options.parse(
            new String[] {"--compare", "plain,plain@146000,smime", "--size", "102400"});

        assertThat(options.configurations).containsExactly("plain", "plain@146000", "smime");
        assertThat(RelayBenchmark.Options.configuration("plain@146000")).isEqualTo("plain");
        assertThat(options.size("plain@146000")).isEqualTo(146_000);
        assertThat(options.size("plain")).isEqualTo(102_400);
        assertThat(options.size("smime")).isEqualTo(102_400);
    }

    @Test
    void anEntryShouldNameAKnownConfigurationAndAPositiveSize() {
        assertThatThrownBy(() -> RelayBenchmark.Options.parse(new String[] {"--compare", "plain,nosuch@1000"}))
            .hasMessageContaining("Unknown configuration nosuch@1000");
        assertThatThrownBy(() -> RelayBenchmark.Options.parse(new String[] {"--compare", "plain,plain@0"}))
            .hasMessageContaining("positive whole number");
        assertThatThrownBy(() -> RelayBenchmark.Options.parse(new String[] {"--compare", "plain,plain@big"}))
            .hasMessageContaining("positive whole number");
    }

    @Test
    void theSameEntryTwiceShouldBeRefused() {
        // each entry is one server, its results found by the entry's name
        assertThatThrownBy(() -> RelayBenchmark.Options.parse(new String[] {"--compare", "plain,smime,plain"}))
            .hasMessageContaining("named twice");
    }
}
