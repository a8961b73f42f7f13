package dev.tresor.keys.james;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.apache.james.core.healthcheck.Result;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.jdbc.PostgresChangeListener;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.repository.StoredKeyRepository;
import dev.tresor.keys.spi.KeyStorage;
import reactor.core.publisher.Mono;

/** The health check as James runs it, over a given change listener, for tests of other packages. */
public final class KeyRepositoryHealthCheckProbe {
    private KeyRepositoryHealthCheckProbe() {
    }

    public static Result check(KeyStorage storage, KeyProtection protection, PostgresChangeListener listener) {
        KeyRepository repository = StoredKeyRepository.create(storage, protection, Clock.systemUTC());
        return Mono.from(new KeyRepositoryHealthCheck(storage, protection, repository, Duration.ZERO, Duration.ofDays(1),
            Clock.systemUTC(), () -> Optional.of(listener.state())).check()).block();
    }
}
