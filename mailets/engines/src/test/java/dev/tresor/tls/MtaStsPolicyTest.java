package dev.tresor.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tresor.keys.TlsPolicy;

class MtaStsPolicyTest {

    @Test
    void anEnforcePolicyShouldParseWithItsMxPatternsAndMaxAge() {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
            + "mx: *.Example.NET\r\nmax_age: 604800\r\nextension_field: ignored\r\n");

        assertThat(policy.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(policy.mxPatterns()).containsExactly("mail.example.com", "*.example.net");
        assertThat(policy.maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(policy.asTlsPolicy()).isEqualTo(TlsPolicy.parse("verify names=mail.example.com,*.example.net"));
    }

    @Test
    void mxPatternsShouldMatchOneLabelWildcardsAndExactNames() {
        MtaStsPolicy policy = MtaStsPolicy.parse("version: STSv1\nmode: testing\nmx: mail.example.com\nmx: *.example.net\nmax_age: 86400\n");

        assertThat(policy.allowsMx("MAIL.example.com.")).isTrue();
        assertThat(policy.allowsMx("mx1.example.net")).isTrue();
        assertThat(policy.allowsMx("example.net")).isFalse();
        assertThat(policy.allowsMx("a.mx1.example.net")).isFalse();
        assertThat(policy.allowsMx("mail.example.org")).isFalse();
        assertThat(policy.asTlsPolicy().level()).as("testing only reports").isEqualTo(TlsPolicy.Level.MAY);
    }

    @Test
    void modeNoneNeedsNoMx() {
        assertThat(MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0\n").mode()).isEqualTo(MtaStsPolicy.Mode.NONE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "mode: enforce\nversion: STSv1\nmx: a.example\nmax_age: 1",
        "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1", "version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1",
        "version: STSv1\nmode: enforce\nmax_age: 1", "version: STSv1\nmode: enforce\nmx: a.example",
        "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601", "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1",
        "version: STSv1\nmode: enforce\nmx: mail.*.example\nmax_age: 1", "version: STSv1\nmode: enforce\nmx a.example\nmax_age: 1"})
    void brokenPoliciesShouldBeRefusedWithAReason(String text) {
        assertThatThrownBy(() -> MtaStsPolicy.parse(text)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("MTA-STS");
    }

    @Test
    void oversizedPoliciesShouldBeRefused() {
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\n" + "x: y\n".repeat(20000)))
            .hasMessageContaining("larger than");
    }
}
