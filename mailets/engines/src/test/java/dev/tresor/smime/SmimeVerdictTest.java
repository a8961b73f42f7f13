package dev.tresor.smime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.TestPki;

class SmimeVerdictTest {
    private static final X509Certificate SIGNER = TestPki.ca("Verdict test CA").issue("alice@acme.example").certificate();

    private static SmimeVerdict verdict(SmimeVerdict.Status status) {
        return SmimeVerdict.of(status, status.name(), SIGNER, List.of(SIGNER), Optional.empty(), Optional.empty());
    }

    @Test
    void theWorstOfSeveralTenantsVerdictsShouldBeTheMostAlarming() {
        assertThat(SmimeVerdict.worst(List.of(verdict(SmimeVerdict.Status.VALID), verdict(SmimeVerdict.Status.UNTRUSTED)))
            .status()).isEqualTo(SmimeVerdict.Status.UNTRUSTED);
        assertThat(SmimeVerdict.worst(List.of(verdict(SmimeVerdict.Status.INVALID), verdict(SmimeVerdict.Status.UNTRUSTED),
            verdict(SmimeVerdict.Status.VALID))).status()).isEqualTo(SmimeVerdict.Status.INVALID);
        assertThat(SmimeVerdict.worst(List.of(verdict(SmimeVerdict.Status.REVOKED), verdict(SmimeVerdict.Status.INVALID)))
            .status()).isEqualTo(SmimeVerdict.Status.REVOKED);
        assertThat(SmimeVerdict.worst(List.of(SmimeVerdict.notSigned(), verdict(SmimeVerdict.Status.VALID))).status())
            .isEqualTo(SmimeVerdict.Status.VALID);
    }

    @Test
    void noVerdictsShouldBeRefused() {
        assertThatThrownBy(() -> SmimeVerdict.worst(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
