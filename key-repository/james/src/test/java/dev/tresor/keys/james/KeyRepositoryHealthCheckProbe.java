package dev.tresor.keys.james;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.apache.james.core.healthcheck.Result;

import dev.tresor.keys.jdbc.PostgresChangeListener;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.spi.KeyStorage;
import reactor.core.publisher.Mono;

/** The health check as James runs it, over a given change listener, for tests of other packages. */
public final class KeyRepositoryHealthCheckProbe {
    private KeyRepositoryHealthCheckProbe() {
    }

    public static Result check(KeyStorage storage, KeyProtection protection, PostgresChangeListener listener) {
        return Mono.from(new KeyRepositoryHealthCheck(storage, protection, Duration.ZERO, Clock.systemUTC(),
            () -> Optional.of(listener.state())).check()).block();
    }
}
