package dev.tresor.keys.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.apache.james.core.healthcheck.Result;
import org.apache.james.core.healthcheck.ResultStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.KeyStatus;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestClock;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.jdbc.JdbcKeyStorage;
import dev.tresor.keys.lifecycle.CaSettings;
import dev.tresor.keys.lifecycle.IssuedKey;
import dev.tresor.keys.lifecycle.KeyKind;
import dev.tresor.keys.memory.MemoryKeyStorage;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.protection.KeyProtection;
import dev.tresor.keys.protection.MemoryTenantKeyStore;
import dev.tresor.keys.repository.StoredKeyRepository;
import reactor.core.publisher.Mono;

class KeyRepositoryHealthCheckTest {
    private static final TestPki CA = TestPki.ca("Health check test CA");
    private static final TenantId ACME = TenantId.of("acme");
    private static final Duration WARNING = Duration.ofDays(30);
    private static final Duration GRACE = Duration.ofDays(1);

    @TempDir
    Path directory;

    private final TestClock clock = new TestClock(Instant.now());
    private MemoryKeyStorage storage;
    private KeyRepository repository;
    private KeyRepositoryHealthCheck healthCheck;
    private MemoryTenantKeyStore tenantKeys;
    private KeyProtection protection;

    @BeforeEach
    void setUp() {
        storage = new MemoryKeyStorage();
        tenantKeys = MemoryTenantKeyStore.create();
        protection = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("master.key")), tenantKeys);
        repository = StoredKeyRepository.create(storage, protection, clock);
        repository.tenants().create(ACME);
        healthCheck = new KeyRepositoryHealthCheck(storage, protection, repository, WARNING, GRACE, clock);
    }

    @Test
    void anEmptyRepositoryShouldBeHealthy() {
        assertThat(check().getStatus()).isEqualTo(ResultStatus.HEALTHY);
        assertThat(healthCheck.componentName().getName()).isEqualTo("Tresor key repository");
    }

    @Test
    void keysValidBeyondTheWarningPeriodShouldBeHealthy() {
        addKey(CA.issuing("alice@acme.example").validity(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(31))).build());

        assertThat(check().getStatus()).isEqualTo(ResultStatus.HEALTHY);
    }

    @Test
    void aKeyExpiringWithinTheWarningPeriodShouldBeDegradedAndNamed() {
        TestPki.Issued alice = CA.issuing("alice@acme.example")
            .validity(Instant.now().minus(Duration.ofDays(300)), Instant.now().plus(Duration.ofDays(10)))
            .build();
        addKey(alice);

        Result result = check();

        assertThat(result.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(result.getCause()).hasValueSatisfying(cause -> assertThat(cause)
            .startsWith("1 imported key(s) of the tenants' own users expire within 30 days")
            .contains("tenant acme, certificate alice@acme.example, expires ")
            .contains(alice.fingerprint().asString()));
    }

    @Test
    void anIssuedKeyPastItsRenewalPointShouldBeDegradedUntilItIsRenewed() {
        repository.lifecycle().createCa(ACME, CaSettings.defaults("http://pki.acme.example"), "test");
        repository.tenants().mapDomain("acme.example", ACME);
        IssuedKey alice = repository.lifecycle().issue(ACME, KeyKind.SMIME, EmailAddress.of("alice@acme.example"),
            Optional.empty(), "test");

        // the renewal point (30 days before expiry) passed longer ago than the grace: the renewal job failed
        clock.set(alice.notAfter().minus(Duration.ofDays(30)).plus(GRACE).plus(Duration.ofHours(1)));
        Result result = check();

        assertThat(result.getStatus()).isEqualTo(ResultStatus.DEGRADED);
        assertThat(result.getCause()).hasValueSatisfying(cause -> assertThat(cause)
            .startsWith("1 issued key(s) are past their renewal point and were not renewed")
            .contains("tenant acme, smime " + alice.id() + " of alice@acme.example"));

        repository.lifecycle().renew(ACME, "test");
        assertThat(check().getStatus()).isEqualTo(ResultStatus.HEALTHY);
    }

    @Test
    void anIssuedKeyExpiringWithinTheWarningPeriodShouldNotBeReportedBeforeItsRenewalIsLate() {
        repository.lifecycle().createCa(ACME, CaSettings.parse(Map.of("publicationUrl", "http://pki.acme.example",
            "renewBeforeDays", "7"), Optional.empty()), "test");
        repository.tenants().mapDomain("acme.example", ACME);
        IssuedKey alice = repository.lifecycle().issue(ACME, KeyKind.SMIME, EmailAddress.of("alice@acme.example"),
            Optional.empty(), "test");

        clock.set(alice.notAfter().minus(Duration.ofDays(20)));

        assertThat(check().getStatus()).isEqualTo(ResultStatus.HEALTHY);
    }

    @Test
    void anExpiringCertificateWithoutPrivateKeyShouldNotMatter() {
        repository.certificates().add(ACME, CA.issuing("bob@partner.example")
            .validity(Instant.now().minus(Duration.ofDays(300)), Instant.now().plus(Duration.ofDays(10))).build().chain(), Origin.IMPORTED);

        assertThat(check().getStatus()).isEqualTo(ResultStatus.HEALTHY);
    }

    @Test
    void revokedSupersededAndAlreadyExpiredKeysShouldNotBeReported() {
        TestPki.Issued revoked = expiringSoon("old@acme.example");
        TestPki.Issued superseded = expiringSoon("older@acme.example");
        addKey(revoked);
        addKey(superseded);
        repository.certificates().setStatus(ACME, revoked.fingerprint(), KeyStatus.REVOKED);
        repository.certificates().setStatus(ACME, superseded.fingerprint(), KeyStatus.SUPERSEDED);
        addKey(CA.issuing("history@acme.example")
            .validity(Instant.now().minus(Duration.ofDays(400)), Instant.now().minus(Duration.ofDays(35))).build());

        assertThat(check().getStatus()).isEqualTo(ResultStatus.HEALTHY);
    }

    @Test
    void aZeroWarningPeriodShouldNeverBeDegraded() {
        addKey(expiringSoon("alice@acme.example"));

        Result result = Mono.from(new KeyRepositoryHealthCheck(storage, protection, repository, Duration.ZERO, GRACE, clock).check()).block();

        assertThat(result.getStatus()).isEqualTo(ResultStatus.HEALTHY);
    }

    @Test
    void aStorageThatFailsShouldBeUnhealthy() {
        JdbcKeyStorage database = JdbcKeyStorage.h2(directory.resolve("keys"));
        database.close();

        Result result = Mono.from(new KeyRepositoryHealthCheck(database, protection, repository, WARNING, GRACE, clock).check()).block();

        assertThat(result.getStatus()).isEqualTo(ResultStatus.UNHEALTHY);
        assertThat(result.getCause()).hasValueSatisfying(cause -> assertThat(cause).startsWith("The key storage does not answer: "));
    }

    @Test
    void tenantKeysTheMasterKeyCannotUnwrapShouldBeUnhealthy() {
        // given a private key stored under this node's master key
        addKey(CA.issuing("alice@acme.example").build());

        // when the node runs with another master key over the same tenant keys (another node rotated, a file was swapped)
        KeyProtection otherMasterKey = KeyProtection.create(FileMasterKey.loadOrCreate(directory.resolve("other.key")), tenantKeys);
        Result result = Mono.from(new KeyRepositoryHealthCheck(storage, otherMasterKey, repository, WARNING, GRACE, clock).check()).block();

        // then the repository is unhealthy, saying why
        assertThat(result.getStatus()).isEqualTo(ResultStatus.UNHEALTHY);
        assertThat(result.getCause()).hasValueSatisfying(cause -> assertThat(cause)
            .contains("cannot unwrap 1 stored tenant key(s)").contains("acme"));
    }

    private Result check() {
        return Mono.from(healthCheck.check()).block();
    }

    private static TestPki.Issued expiringSoon(String address) {
        return CA.issuing(address).validity(Instant.now().minus(Duration.ofDays(300)), Instant.now().plus(Duration.ofDays(5))).build();
    }

    private void addKey(TestPki.Issued issued) {
        repository.certificates().add(ACME, issued.chain(), Origin.IMPORTED);
        repository.privateKeys().add(ACME, issued.fingerprint(), issued.privateKey());
    }
}
