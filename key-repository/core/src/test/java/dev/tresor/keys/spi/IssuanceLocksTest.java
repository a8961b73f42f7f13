package dev.tresor.keys.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.tresor.keys.TenantId;

class IssuanceLocksTest {
    private static final TenantId ACME = TenantId.of("acme");

    private final IssuanceLocks locks = new IssuanceLocks();

    @Test
    void aLockShouldBeForgottenWhenItsLastUserLeaves() {
        for (int user = 0; user < 1000; user++) {
            locks.withLock(ACME, "smime", "user" + user + "@acme.example", () -> "issued");
        }

        assertThat(locks.size()).isZero();
    }

    @Test
    void aLockShouldBeForgottenWhenItsWorkFails() {
        assertThatThrownBy(() -> locks.withLock(ACME, "smime", "john@acme.example", () -> {
            throw new IllegalStateException("failed");
        })).hasMessage("failed");

        assertThat(locks.size()).isZero();
    }

    @Test
    void theHolderShouldBeAbleToTakeItsLockAgain() {
        String result = locks.withLock(ACME, "smime", "john@acme.example",
            () -> locks.withLock(ACME, "smime", "john@acme.example", () -> "nested"));

        assertThat(result).isEqualTo("nested");
        assertThat(locks.size()).isZero();
    }
}
