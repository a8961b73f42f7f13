package dev.tresor.pgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class PgpVerdictTest {
    private static PgpVerdict verdict(PgpVerdict.Status status) {
        return PgpVerdict.of(status, status.name());
    }

    @Test
    void theWorstOfSeveralTenantsVerdictsShouldBeTheMostAlarming() {
        assertThat(PgpVerdict.worst(List.of(verdict(PgpVerdict.Status.VALID), verdict(PgpVerdict.Status.UNKNOWN_KEY)))
            .status()).isEqualTo(PgpVerdict.Status.UNKNOWN_KEY);
        assertThat(PgpVerdict.worst(List.of(verdict(PgpVerdict.Status.EXPIRED), verdict(PgpVerdict.Status.INVALID),
            verdict(PgpVerdict.Status.VALID))).status()).isEqualTo(PgpVerdict.Status.INVALID);
        assertThat(PgpVerdict.worst(List.of(verdict(PgpVerdict.Status.REVOKED), verdict(PgpVerdict.Status.INVALID)))
            .status()).isEqualTo(PgpVerdict.Status.REVOKED);
        assertThat(PgpVerdict.worst(List.of(PgpVerdict.notSigned(), verdict(PgpVerdict.Status.VALID))).status())
            .isEqualTo(PgpVerdict.Status.VALID);
    }

    @Test
    void noVerdictsShouldBeRefused() {
        assertThatThrownBy(() -> PgpVerdict.worst(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
