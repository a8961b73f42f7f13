package dev.tresor.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerNamesTest {

    @ParameterizedTest(name = "{0} presented for {1}: {2}")
    @CsvSource({
        "mx.bank.example, mx.bank.example, true",
        "MX.Bank.Example., mx.bank.example, true",
        "mx.bank.example, MX.BANK.EXAMPLE., true",
        "mx.bank.example, mx2.bank.example, false",
        "*.bank.example, mx.bank.example, true",
        "*.bank.example, bank.example, false",
        "*.bank.example, a.mx.bank.example, false",
        "*.example, bank.example, false",
        "mx*.bank.example, mx1.bank.example, false",
        "*mx.bank.example, amx.bank.example, false",
        "mx.*.example, mx.bank.example, false",
        "*.*.example, mx.bank.example, false",
        "*, example, false",
        "*.xn--bcher-kva.example, mx.bücher.example, true",
        "mx.bücher.example, mx.xn--bcher-kva.example, true",
        "'', mx.bank.example, false",
        "mx..bank.example, mx..bank.example, false",
        // a configured reference wildcard covers the hosts below it, and the same wildcard
        "mx.bank.example, *.bank.example, true",
        "*.bank.example, *.bank.example, true",
        "bank.example, *.bank.example, false",
        "*.other.example, *.bank.example, false",
    })
    void namesShouldMatchAsRfc6125Says(String presented, String reference, boolean matches) {
        assertThat(ServerNames.matches(presented, reference)).isEqualTo(matches);
    }

    @Test
    void onlyDnsSubjectAlternativeNamesShouldCountNeverTheCommonName(@TempDir Path directory) {
        TlsTestPki pki = new TlsTestPki(directory);
        pki.server("two-names", "mx1.bank.example", "*.mx.bank.example");

        assertThat(ServerNames.dnsNames(pki.certificate("two-names"))).containsExactly("mx1.bank.example", "*.mx.bank.example");
        assertThat(ServerNames.certificateMatches(pki.certificate("two-names"), List.of("a.mx.bank.example"))).isTrue();
        assertThat(ServerNames.certificateMatches(pki.certificate("two-names"), List.of("mx2.bank.example", "mx.bank.example"))).isFalse();
        // the CA's subject CN is "Test TLS CA" and it has no DNS names at all
        assertThat(ServerNames.certificateMatches(pki.certificate("ca"), List.of("Test TLS CA"))).isFalse();
    }
}
