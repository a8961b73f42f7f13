package dev.tresor.keys.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.convert.DefaultListDelimiterHandler;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.james.KeyRepositoryConfiguration.MasterKeyProvider;
import dev.tresor.keys.james.KeyRepositoryConfiguration.StorageType;

class KeyRepositoryConfigurationTest {
    private static final Path JAMES = Path.of("/opt/james");

    @Test
    void defaultsShouldBeH2AndAMasterKeyFileUnderTheWorkingDirectory() {
        KeyRepositoryConfiguration configuration = KeyRepositoryConfiguration.defaults(JAMES);

        assertThat(configuration.storage()).isEqualTo(StorageType.H2);
        assertThat(configuration.h2File()).isEqualTo(Path.of("/opt/james/var/tresor/keys"));
        assertThat(configuration.masterKeyProvider()).isEqualTo(MasterKeyProvider.FILE);
        assertThat(configuration.masterKeyFile()).isEqualTo(Path.of("/opt/james/var/tresor/master.key"));
        assertThat(configuration.masterKeyEnvironmentVariable()).isEqualTo("TRESOR_MASTER_KEY");
        assertThat(configuration.expiryWarning()).isEqualTo(Duration.ofDays(30));
        assertThat(configuration.postgresql()).isEmpty();
        assertThat(configuration.pkcs11()).isEmpty();
    }

    @Test
    void anEmptyFileShouldMeanTheDefaults() throws Exception {
        KeyRepositoryConfiguration configuration = parse("# nothing set\n");

        assertThat(configuration.storage()).isEqualTo(StorageType.H2);
        assertThat(configuration.h2File()).isEqualTo(Path.of("/opt/james/var/tresor/keys"));
        assertThat(configuration.masterKeyFile()).isEqualTo(Path.of("/opt/james/var/tresor/master.key"));
        assertThat(configuration.expiryWarning()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void relativePathsShouldBeResolvedAgainstTheWorkingDirectoryAndAbsoluteOnesKept() throws Exception {
        KeyRepositoryConfiguration configuration = parse("h2.file=data/keys\nmasterkey.file=/etc/tresor/master.key\n");

        assertThat(configuration.h2File()).isEqualTo(Path.of("/opt/james/data/keys"));
        assertThat(configuration.masterKeyFile()).isEqualTo(Path.of("/etc/tresor/master.key"));
    }

    @Test
    void publicationAndRenewalShouldDefaultToPort8081OnEveryAddressAndTwiceADay() throws Exception {
        KeyRepositoryConfiguration configuration = parse("# nothing set\n");

        assertThat(configuration.publication().enabled()).isTrue();
        assertThat(configuration.publication().port()).isEqualTo(8081);
        assertThat(configuration.publication().bind()).isEqualTo("0.0.0.0");
        assertThat(configuration.publication().url()).isEqualTo("http://localhost:8081");
        assertThat(configuration.renewalInterval()).isEqualTo(Duration.ofHours(12));
        assertThat(configuration.renewalInitialDelay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(KeyRepositoryConfiguration.defaults(JAMES).publication().url()).isEqualTo("http://localhost:8081");
    }

    @Test
    void publicationAndRenewalShouldBeConfigurable() throws Exception {
        KeyRepositoryConfiguration configuration = parse("publication.port=80\npublication.bind=127.0.0.1\n"
            + "publication.url=http://pki.acme.example/\nlifecycle.renewal.interval=6h\n"
            + "lifecycle.renewal.initialDelay=0\n");

        assertThat(configuration.publication().port()).isEqualTo(80);
        assertThat(configuration.publication().bind()).isEqualTo("127.0.0.1");
        assertThat(configuration.publication().url()).isEqualTo("http://pki.acme.example");
        assertThat(configuration.renewalInterval()).isEqualTo(Duration.ofHours(6));
        assertThat(configuration.renewalInitialDelay()).isZero();
        assertThat(parse("publication.port=0\n").publication().enabled()).isFalse();
        assertThat(parse("publication.port=9000\n").publication().url()).isEqualTo("http://localhost:9000");
    }

    @Test
    void invalidPublicationAndRenewalValuesShouldBeRefusedNamingTheProperty() {
        assertThatThrownBy(() -> parse("publication.url=https://pki.acme.example\n"))
            .hasMessageContaining("'publication.url'").hasMessageContaining("http://");
        assertThatThrownBy(() -> parse("publication.port=70000\n")).hasMessageContaining("'publication.port'");
        assertThatThrownBy(() -> parse("publication.bind=not an address\n")).hasMessageContaining("'publication.bind'");
        assertThatThrownBy(() -> parse("lifecycle.renewal.interval=30s\n"))
            .hasMessageContaining("'lifecycle.renewal.interval'");
        assertThatThrownBy(() -> parse("lifecycle.renewal.initialDelay=2d\n"))
            .hasMessageContaining("'lifecycle.renewal.initialDelay'");
    }

    @Test
    void memoryStorageShouldBeAccepted() throws Exception {
        assertThat(parse("storage=memory\n").storage()).isEqualTo(StorageType.MEMORY);
    }

    @Test
    void valuesShouldBeCaseInsensitive() throws Exception {
        KeyRepositoryConfiguration configuration = parse("storage=Memory\nmasterkey.provider=ENVIRONMENT\n");

        assertThat(configuration.storage()).isEqualTo(StorageType.MEMORY);
        assertThat(configuration.masterKeyProvider()).isEqualTo(MasterKeyProvider.ENVIRONMENT);
    }

    @Test
    void postgresqlShouldCarryUrlUserAndPasswordWithAnEscapedComma() throws Exception {
        KeyRepositoryConfiguration configuration = parse("storage=postgresql\n"
            + "postgresql.url=jdbc:postgresql://db.example:5432/tresor\n"
            + "postgresql.user=tresor\n"
            + "postgresql.password=se\\,cret\n");

        KeyRepositoryConfiguration.Postgresql postgresql = configuration.postgresql().orElseThrow();
        assertThat(postgresql.url()).isEqualTo("jdbc:postgresql://db.example:5432/tresor");
        assertThat(postgresql.user()).isEqualTo("tresor");
        assertThat(postgresql.password()).isEqualTo("se,cret");
    }

    @Test
    void postgresqlPasswordShouldNeverAppearInTheDescription() throws Exception {
        KeyRepositoryConfiguration configuration = parse("storage=postgresql\n"
            + "postgresql.url=jdbc:postgresql://db.example/tresor\npostgresql.user=tresor\npostgresql.password=hunter2\n");

        assertThat(configuration.toString()).contains("jdbc:postgresql://db.example/tresor").doesNotContain("hunter2");
        assertThat(configuration.postgresql().orElseThrow().toString()).doesNotContain("hunter2");
    }

    @Test
    void postgresqlWithoutUrlShouldFailNamingTheProperty() {
        assertThatThrownBy(() -> parse("storage=postgresql\npostgresql.user=tresor\n"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("Property 'postgresql.url' in keyrepository.properties is required when storage=postgresql");
    }

    @Test
    void postgresqlWithoutUserShouldFailNamingTheProperty() {
        assertThatThrownBy(() -> parse("storage=postgresql\npostgresql.url=jdbc:postgresql://db/tresor\n"))
            .hasMessage("Property 'postgresql.user' in keyrepository.properties is required when storage=postgresql");
    }

    @Test
    void aUrlOfAnotherDatabaseShouldBeRefused() {
        assertThatThrownBy(() -> parse("storage=postgresql\npostgresql.url=jdbc:mysql://db/tresor\npostgresql.user=u\n"))
            .hasMessage("Invalid value 'jdbc:mysql://db/tresor' for property 'postgresql.url' in keyrepository.properties: "
                + "use a PostgreSQL JDBC URL, jdbc:postgresql://host:port/database");
    }

    @Test
    void anUnknownStorageShouldFailNamingThePropertyAndTheAllowedValues() {
        assertThatThrownBy(() -> parse("storage=mysql\n"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("Invalid value 'mysql' for property 'storage' in keyrepository.properties: "
                + "use one of h2, postgresql, memory");
    }

    @Test
    void anEmptyValueShouldFailRatherThanFallBackToTheDefault() {
        assertThatThrownBy(() -> parse("storage=\n"))
            .hasMessage("Invalid value '' for property 'storage' in keyrepository.properties: "
                + "use a non-empty value (or leave the property out)");
    }

    @Test
    void anUnknownMasterKeyProviderShouldFailNamingTheAllowedValues() {
        assertThatThrownBy(() -> parse("masterkey.provider=vault\n"))
            .hasMessage("Invalid value 'vault' for property 'masterkey.provider' in keyrepository.properties: "
                + "use one of file, environment, pkcs11");
    }

    @Test
    void environmentMasterKeyShouldUseTheConfiguredVariable() throws Exception {
        KeyRepositoryConfiguration configuration = parse("masterkey.provider=environment\n"
            + "masterkey.environment.variable=ACME_TRESOR_KEY\n");

        assertThat(configuration.masterKeyProvider()).isEqualTo(MasterKeyProvider.ENVIRONMENT);
        assertThat(configuration.masterKeyEnvironmentVariable()).isEqualTo("ACME_TRESOR_KEY");
    }

    @Test
    void anInvalidEnvironmentVariableNameShouldBeRefused() {
        assertThatThrownBy(() -> parse("masterkey.provider=environment\nmasterkey.environment.variable=1-KEY\n"))
            .hasMessageStartingWith("Invalid value '1-KEY' for property 'masterkey.environment.variable'");
    }

    @Test
    void pkcs11ShouldReadLibrarySlotPinAndDefaultLabel() throws Exception {
        KeyRepositoryConfiguration configuration = parse("masterkey.provider=pkcs11\n"
            + "masterkey.pkcs11.library=/usr/lib/softhsm/libsofthsm2.so\n"
            + "masterkey.pkcs11.slot=1234\n"
            + "masterkey.pkcs11.pin=0000\n");

        KeyRepositoryConfiguration.Pkcs11 pkcs11 = configuration.pkcs11().orElseThrow();
        assertThat(pkcs11.library()).isEqualTo(Path.of("/usr/lib/softhsm/libsofthsm2.so"));
        assertThat(pkcs11.slot()).isEqualTo(1234);
        assertThat(pkcs11.pin()).containsExactly('0', '0', '0', '0');
        assertThat(pkcs11.label()).isEqualTo("tresor-master");
        assertThat(pkcs11.toString()).doesNotContain("0000");
    }

    @Test
    void pkcs11WithoutPinShouldFailNamingTheProperty() {
        assertThatThrownBy(() -> parse("masterkey.provider=pkcs11\nmasterkey.pkcs11.library=/lib/p11.so\n"
            + "masterkey.pkcs11.slot=0\n"))
            .hasMessage("Property 'masterkey.pkcs11.pin' in keyrepository.properties is required when "
                + "masterkey.provider=pkcs11");
    }

    @Test
    void aNegativePkcs11SlotShouldBeRefused() {
        assertThatThrownBy(() -> parse("masterkey.provider=pkcs11\nmasterkey.pkcs11.library=/lib/p11.so\n"
            + "masterkey.pkcs11.slot=-1\nmasterkey.pkcs11.pin=0000\n"))
            .hasMessage("Invalid value '-1' for property 'masterkey.pkcs11.slot' in keyrepository.properties: "
                + "use a whole number from 0 to 2147483647");
    }

    @Test
    void expiryWarningShouldBeConfigurableAndZeroShouldTurnItOff() throws Exception {
        assertThat(parse("healthcheck.expiringWithinDays=7\n").expiryWarning()).isEqualTo(Duration.ofDays(7));
        assertThat(parse("healthcheck.expiringWithinDays=0\n").expiryWarning()).isZero();
    }

    @Test
    void aNonNumericExpiryWarningShouldFailNamingTheRange() {
        assertThatThrownBy(() -> parse("healthcheck.expiringWithinDays=a month\n"))
            .hasMessage("Invalid value 'a month' for property 'healthcheck.expiringWithinDays' in "
                + "keyrepository.properties: use a whole number from 0 to 3650");
    }

    @Test
    void cacheTtlShouldDefaultToThirtySecondsAndReadJamesDurations() throws Exception {
        assertThat(KeyRepositoryConfiguration.defaults(JAMES).cacheTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(parse("cache.ttl=2m\n").cacheTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(parse("cache.ttl=45\n").cacheTtl()).isEqualTo(Duration.ofSeconds(45));
        assertThat(parse("cache.ttl=0\n").cacheTtl()).isZero();
    }

    @Test
    void theAuditFlushIntervalShouldDefaultToTwoHundredMillisecondsAndReadJamesDurations() throws Exception {
        assertThat(KeyRepositoryConfiguration.defaults(JAMES).auditFlushInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(parse("audit.flushInterval=50ms\n").auditFlushInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(parse("audit.flushInterval=2\n").auditFlushInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("audit.flushInterval=0\n").auditFlushInterval()).isZero();
    }

    @Test
    void anAuditFlushIntervalAboveOneMinuteShouldBeRefused() {
        assertThatThrownBy(() -> parse("audit.flushInterval=2m\n"))
            .hasMessage("Invalid value '2m' for property 'audit.flushInterval' in keyrepository.properties: use a "
                + "duration from 0 to 1m, such as 200ms or 1s (plain numbers are seconds)");
        assertThatThrownBy(() -> parse("audit.flushInterval=soon\n"))
            .hasMessageStartingWith("Invalid value 'soon' for property 'audit.flushInterval'");
    }

    @Test
    void aCacheTtlAboveOneHourShouldBeRefused() {
        assertThatThrownBy(() -> parse("cache.ttl=2h\n"))
            .hasMessage("Invalid value '2h' for property 'cache.ttl' in keyrepository.properties: use a duration "
                + "from 0 to 60 minutes, such as 30s or 2m (plain numbers are seconds)");
    }

    @Test
    void anUnparsableCacheTtlShouldBeRefused() {
        assertThatThrownBy(() -> parse("cache.ttl=soon\n"))
            .hasMessageStartingWith("Invalid value 'soon' for property 'cache.ttl'");
    }

    @Test
    void theCacheSizeShouldDefaultToTenThousandAndStayBetweenZeroAndOneMillion() throws Exception {
        assertThat(KeyRepositoryConfiguration.defaults(JAMES).cacheSize()).isEqualTo(10_000);
        assertThat(parse("cache.size=500\n").cacheSize()).isEqualTo(500);
        assertThat(parse("cache.size=0\n").cacheSize()).isZero();
        assertThatThrownBy(() -> parse("cache.size=2000000\n"))
            .hasMessage("Invalid value '2000000' for property 'cache.size' in keyrepository.properties: use a whole "
                + "number from 0 to 1000000");
    }

    @Test
    void theListenerHeartbeatShouldDefaultToFiveSecondsAndStayBetweenOneSecondAndFiveMinutes() throws Exception {
        assertThat(KeyRepositoryConfiguration.defaults(JAMES).listenerHeartbeat()).isEqualTo(Duration.ofSeconds(5));
        assertThat(parse("cache.listener.heartbeat=2s\n").listenerHeartbeat()).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> parse("cache.listener.heartbeat=0\n"))
            .hasMessage("Invalid value '0' for property 'cache.listener.heartbeat' in keyrepository.properties: use a "
                + "duration from 1s to 5 minutes, such as 30s or 2m (plain numbers are seconds)");
        assertThatThrownBy(() -> parse("cache.listener.heartbeat=10m\n"))
            .hasMessageStartingWith("Invalid value '10m' for property 'cache.listener.heartbeat'");
    }

    @Test
    void aMisspelledPropertyShouldFailRatherThanBeIgnored() {
        assertThatThrownBy(() -> parse("storge=memory\n"))
            .hasMessageStartingWith("Unknown property 'storge' in keyrepository.properties; known properties are ")
            .hasMessageContaining("storage");
    }

    @Test
    void anInvalidPinShouldNeverBeQuotedInTheMessage() {
        assertThatThrownBy(() -> parse("masterkey.provider=pkcs11\nmasterkey.pkcs11.library=/lib/p11.so\n"
            + "masterkey.pkcs11.slot=0\nmasterkey.pkcs11.pin=\n"))
            .hasMessage("Invalid value (hidden) for property 'masterkey.pkcs11.pin' in keyrepository.properties: "
                + "use a non-empty value (or leave the property out)");
    }

    /** Reads the text as James's PropertiesProvider reads conf/*.properties: commas split list items. */
    private static KeyRepositoryConfiguration parse(String properties) throws ConfigurationException {
        PropertiesConfiguration configuration = new PropertiesConfiguration();
        configuration.setListDelimiterHandler(new DefaultListDelimiterHandler(','));
        new FileHandler(configuration).load(new StringReader(properties));
        return KeyRepositoryConfiguration.from(configuration, JAMES);
    }
}
