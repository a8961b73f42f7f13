package dev.tresor.it.shipped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The relay benchmark's command line (a configuration may run at a mail size of its own) and its per-thread lines. */
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

    @Test
    void togetherShouldBeAFlagWithoutAValue() {
        RelayBenchmark.Options options = RelayBenchmark.Options.parse(
            new String[] {"--together", "--compare", "plain,smime", "--runs", "5"});

        assertThat(options.together).isTrue();
        assertThat(options.configurations).containsExactly("plain", "smime");
        assertThat(options.runs).isEqualTo(5);
        assertThat(RelayBenchmark.Options.parse(new String[] {"--runs", "5"}).together).isFalse();
    }

    @Test
    void threadsShouldBeGroupedByNameWithoutTheirNumbers() {
        // "tid name" as read from /proc/<pid>/task; a thread that started during the run counts from zero
        Map<String, Long> before = new LinkedHashMap<>(Map.of("101 spooler-1", 0L, "102 spooler-2", 10L, "104 GC Thread#0", 5L));
        Map<String, Long> after = new LinkedHashMap<>();
        after.put("101 spooler-1", 100L);
        after.put("102 spooler-2", 60L);
        after.put("103 RemoteDelivery-", 50L);
        after.put("104 GC Thread#0", 10L);
        after.put("105 C2 CompilerThre", 20L);
        after.put("106 idle-7", 0L);

        // 100 mails and a clock tick of 10 ms: each tick is 0.1 ms per mail
        assertThat(RelayBenchmark.threadGroups(before, after, 100, 30))
            .isEqualTo("kernel 3.00; spooler 15.00, RemoteDelivery 5.00, C2 CompilerThre 2.00, GC Thread 0.50");
    }
}
