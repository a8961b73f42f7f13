package dev.tresor.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TlsVersionTest {

    @Test
    void versionsShouldOrderByStrength() {
        assertThat(TlsVersion.TLS_1_3.isAtLeast(TlsVersion.TLS_1_2)).isTrue();
        assertThat(TlsVersion.TLS_1_2.isAtLeast(TlsVersion.TLS_1_2)).isTrue();
        assertThat(TlsVersion.TLS_1_2.isAtLeast(TlsVersion.TLS_1_3)).isFalse();
    }

    @Test
    void jsseNamesShouldParseIgnoringCase() {
        assertThat(TlsVersion.parse("TLSv1")).contains(TlsVersion.TLS_1_0);
        assertThat(TlsVersion.parse("TLSv1.1")).contains(TlsVersion.TLS_1_1);
        assertThat(TlsVersion.parse("tlsv1.3")).contains(TlsVersion.TLS_1_3);
        assertThat(TlsVersion.TLS_1_3.asString()).isEqualTo("TLSv1.3");
    }

    @Test
    void aNameThatIsNoTlsVersionShouldMeetNoMinimum() {
        assertThat(TlsVersion.parse("SSLv3")).isEmpty();
        assertThat(TlsVersion.TLS_1_0.isMetBy("SSLv3")).isFalse();
        assertThat(TlsVersion.TLS_1_0.isMetBy("NONE")).isFalse();
        assertThat(TlsVersion.TLS_1_2.isMetBy("TLSv1.1")).isFalse();
        assertThat(TlsVersion.TLS_1_2.isMetBy("TLSv1.3")).isTrue();
    }

    @Test
    void onlyModernVersionsCanBeRequired() {
        assertThat(TlsVersion.parseRequirable("TLSv1.2")).contains(TlsVersion.TLS_1_2);
        assertThat(TlsVersion.parseRequirable(" TLSv1.3 ")).contains(TlsVersion.TLS_1_3);
        assertThat(TlsVersion.parseRequirable("TLSv1.1")).isEmpty();
        assertThat(TlsVersion.parseRequirable("SSLv3")).isEmpty();
    }
}
