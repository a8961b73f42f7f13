package dev.tresor.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.tresor.keys.TlsPolicy.Level;
import dev.tresor.keys.TlsPolicy.Pin;

class TlsPolicyTest {
    private static final String HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final TestPki CA = TestPki.ca("TLS policy test CA");

    @Test
    void aBareLevelShouldParseWithoutOptions() {
        TlsPolicy policy = TlsPolicy.parse("  Encrypt ");

        assertThat(policy.level()).isEqualTo(Level.ENCRYPT);
        assertThat(policy.minimumVersion()).isEmpty();
        assertThat(policy.names()).isEmpty();
        assertThat(policy.pins()).isEmpty();
    }

    @Test
    void everyOptionShouldParseNormaliseAndWriteBackTheSameLine() {
        TlsPolicy policy = TlsPolicy.parse("verify  min=tlsv1.3 names=MX.Bank.Example.,*.bücher.example pins=SPKI-SHA256:" + HEX.toUpperCase());

        assertThat(policy.minimumVersion()).contains(TlsVersion.TLS_1_3);
        assertThat(policy.names()).containsExactly("mx.bank.example", "*.xn--bcher-kva.example");
        assertThat(policy.pins()).containsExactly(Pin.parse("spki-sha256:" + HEX));
        assertThat(policy.asString()).isEqualTo("verify min=TLSv1.3 names=mx.bank.example,*.xn--bcher-kva.example pins=spki-sha256:" + HEX);
        assertThat(TlsPolicy.parse(policy.asString())).isEqualTo(policy);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "required", "verify min=TLSv1.1", "verify min=SSLv3", "verify foo=bar", "verify names",
        "verify names=", "verify names=a.example,,b.example", "verify names=*", "verify names=*.example.*",
        "verify names=mx.*.example", "verify names=localhost", "verify names=bad_name.example", "verify pins=sha256:" + HEX,
        "verify pins=cert-sha256:abc", "may min=TLSv1.2", "none pins=cert-sha256:" + HEX, "encrypt names=mx.bank.example",
        "verify min=TLSv1.2 min=TLSv1.3"})
    void anythingElseShouldBeRefusedWithAMessage(String line) {
        assertThatThrownBy(() -> TlsPolicy.parse(line))
            .isInstanceOf(IllegalArgumentException.class)
            .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
    }

    @Test
    void levelsShouldOnlyEverBeRaised() {
        TlsPolicy encrypt = TlsPolicy.parse("encrypt min=TLSv1.3");

        assertThat(encrypt.atLeast(Level.VERIFY)).isEqualTo(TlsPolicy.parse("verify min=TLSv1.3"));
        assertThat(encrypt.atLeast(Level.MAY)).isSameAs(encrypt);
        assertThat(TlsPolicy.of(Level.NONE).atLeast(Level.VERIFY).level()).isEqualTo(Level.VERIFY);
    }

    @Test
    void pinsShouldMatchTheCertificateOrItsPublicKeyAndNothingElse() throws Exception {
        TestPki.Issued server = CA.issuing("postmaster@mx.bank.example").serverAuthOnly().build();
        TestPki.Issued renewed = CA.issuing("postmaster@mx.bank.example").serverAuthOnly()
            .keyPair(new java.security.KeyPair(server.certificate().getPublicKey(), server.privateKey())).build();
        TestPki.Issued other = CA.issuing("postmaster@mx.bank.example").serverAuthOnly().build();

        Pin certificatePin = Pin.ofCertificate(server.certificate());
        Pin keyPin = Pin.ofPublicKey(server.certificate());

        assertThat(certificatePin.matches(server.certificate())).isTrue();
        assertThat(certificatePin.matches(renewed.certificate())).isFalse();
        assertThat(keyPin.matches(renewed.certificate())).isTrue();
        assertThat(keyPin.matches(other.certificate())).isFalse();
        assertThat(certificatePin.asString()).isEqualTo("cert-sha256:" + Fingerprint.sha256(server.certificate().getEncoded()).asString());
        assertThat(Pin.parse(keyPin.asString())).isEqualTo(keyPin);
    }

    @Test
    void builtPoliciesShouldBeValidatedLikeParsedOnes() {
        assertThatThrownBy(() -> TlsPolicy.of(Level.VERIFY, Optional.of("TLSv1"), List.of(), List.of()))
            .hasMessageContaining("Unsupported minimum TLS version 'TLSv1'");
        assertThat(TlsPolicy.of(Level.VERIFY, Optional.empty(), List.of("mx.bank.example", "MX.bank.example"), List.of()).names())
            .containsExactly("mx.bank.example");
    }
}
