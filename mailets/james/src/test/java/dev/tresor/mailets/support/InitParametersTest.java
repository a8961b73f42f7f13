package dev.tresor.mailets.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;

class InitParametersTest {
    private static final Duration DAY = Duration.ofDays(1);

    @Test
    void durationsShouldBeReadAsJamesReadsThem() throws Exception {
        InitParameters parameters = parameters("a", "500ms", "b", "30s", "c", "5m", "d", "2h", "e", "90", "f", "1 minute");

        assertThat(parameters.duration("a", DAY, Duration.ofMillis(1), DAY)).isEqualTo(Duration.ofMillis(500));
        assertThat(parameters.duration("b", DAY, Duration.ofMillis(1), DAY)).isEqualTo(Duration.ofSeconds(30));
        assertThat(parameters.duration("c", DAY, Duration.ofMillis(1), DAY)).isEqualTo(Duration.ofMinutes(5));
        assertThat(parameters.duration("d", DAY, Duration.ofMillis(1), DAY)).isEqualTo(Duration.ofHours(2));
        assertThat(parameters.duration("e", DAY, Duration.ofMillis(1), DAY)).isEqualTo(Duration.ofSeconds(90));
        assertThat(parameters.duration("f", DAY, Duration.ofMillis(1), DAY)).isEqualTo(Duration.ofMinutes(1));
        assertThat(parameters.duration("absent", DAY, Duration.ofMillis(1), DAY)).isEqualTo(DAY);
    }

    @Test
    void aDurationOutsideItsBoundsOrUnreadableShouldFailNamingTheParameter() throws Exception {
        InitParameters parameters = parameters("zero", "0s", "long", "2d", "word", "soon", "negative", "-5s");

        for (String name : new String[] {"zero", "long", "word", "negative"}) {
            assertThatThrownBy(() -> parameters.duration(name, DAY, Duration.ofMillis(1), DAY))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining("a duration from 0.001s to 24h");
        }
    }

    @Test
    void aListOfDurationsShouldFailOnItsFirstBadItem() throws Exception {
        InitParameters parameters = parameters("delays", "5m, 1h", "broken", "5m, later");

        assertThat(parameters.durations("delays", "1s", Duration.ofMillis(1), DAY))
            .containsExactly(Duration.ofMinutes(5), Duration.ofHours(1));
        assertThat(parameters.durations("absent", "1s, 2s", Duration.ofMillis(1), DAY))
            .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThatThrownBy(() -> parameters.durations("broken", "1s", Duration.ofMillis(1), DAY))
            .hasMessageContaining("invalid value ' later'");
    }

    @Test
    void sizesShouldBeBytesOrPowersOf1024() throws Exception {
        InitParameters parameters = parameters("m", "100m", "k", "512K", "bytes", "1000000", "spaced", "2 m", "zero", "0", "word", "lots");

        assertThat(parameters.size("m", 1)).isEqualTo(100L * 1024 * 1024);
        assertThat(parameters.size("k", 1)).isEqualTo(512L * 1024);
        assertThat(parameters.size("bytes", 1)).isEqualTo(1_000_000L);
        assertThat(parameters.size("spaced", 1)).isEqualTo(2L * 1024 * 1024);
        assertThat(parameters.size("absent", 42)).isEqualTo(42);
        assertThatThrownBy(() -> parameters.size("zero", 1)).hasMessageContaining("'zero'");
        assertThatThrownBy(() -> parameters.size("word", 1)).hasMessageContaining("'word'");
    }

    @Test
    void portsAndCountsShouldStayInTheirRange() throws Exception {
        InitParameters parameters = parameters("port", "2525", "zero", "0", "high", "65536", "threads", "10", "many", "many");

        assertThat(parameters.port("port", 25)).isEqualTo(2525);
        assertThat(parameters.port("absent", 25)).isEqualTo(25);
        assertThatThrownBy(() -> parameters.port("zero", 25)).hasMessageContaining("a TCP port from 1 to 65535");
        assertThatThrownBy(() -> parameters.port("high", 25)).hasMessageContaining("a TCP port from 1 to 65535");
        assertThat(parameters.integer("threads", 4, 1, 100, "threads")).isEqualTo(10);
        assertThatThrownBy(() -> parameters.integer("many", 4, 1, 100, "threads"))
            .hasMessageContaining("a number of threads from 1 to 100");
    }

    private static InitParameters parameters(String... namesAndValues) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("Tested");
        for (int i = 0; i < namesAndValues.length; i += 2) {
            config.setProperty(namesAndValues[i], namesAndValues[i + 1]);
        }
        GenericMailet mailet = new GenericMailet() {
            @Override
            public void service(Mail mail) {
            }
        };
        mailet.init(config.build());
        return new InitParameters(mailet);
    }
}
