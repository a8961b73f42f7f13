package dev.tresor.keys.james;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.metrics.api.Gauge;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.memory.MemoryRecipientRewriteTable;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;
import org.apache.james.task.Hostname;
import org.apache.james.task.MemoryTaskManager;
import org.apache.james.task.TaskExecutionDetails;
import org.apache.james.task.TaskManager;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.PropertiesProvider;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.dto.DTOModuleInjections;
import org.apache.james.webadmin.mdc.RequestLogger;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.apache.mailet.MailetContext;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;

import dev.tresor.keys.EmailAddress;
import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.Origin;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.TestPki;
import dev.tresor.keys.protection.FileMasterKey;
import dev.tresor.keys.spi.KeyStorage;
import dev.tresor.keys.webadmin.KeyRepositoryRoutes;
import dev.tresor.keys.webadmin.RenewalRoutes;
import dev.tresor.keys.webadmin.TresorRequestLogger;

/**
 * The module in a Guice injector given what James itself binds: configuration, directories, clock, JSON, gauges, the
 * task manager, the recipient rewrite table.
 */
class KeyRepositoryModuleTest {
    private final MemoryTaskManager taskManager = new MemoryTaskManager(new Hostname("node-1"));

    @org.junit.jupiter.api.AfterEach
    void stopTasks() {
        taskManager.stop();
    }

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path james;
    private final RecordingGauges gauges = new RecordingGauges();

    @Test
    void withoutConfigurationFileTheKeysShouldBeInH2WithAMasterKeyFileUnderTheWorkingDirectory() throws IOException {
        Injector injector = start();
        injector.getInstance(KeyRepository.class).tenants().create(ACME);
        injector.getInstance(ConfiguredKeyStorage.class).close();

        assertThat(james.resolve("var/tresor/keys.mv.db")).isRegularFile();
        assertThat(Files.getPosixFilePermissions(james.resolve("var/tresor/master.key")))
            .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void keysShouldSurviveARestart() throws IOException {
        TestPki.Issued alice = TestPki.ca("Module test CA").issue("alice@acme.example");
        Injector first = start();
        KeyRepository repository = first.getInstance(KeyRepository.class);
        repository.tenants().create(ACME);
        repository.certificates().add(ACME, alice.chain(), Origin.IMPORTED);
        repository.privateKeys().add(ACME, alice.fingerprint(), alice.privateKey());
        first.getInstance(ConfiguredKeyStorage.class).close();

        Injector second = start();

        assertThat(second.getInstance(KeyRepository.class).privateKeys().signingKey(ACME, EmailAddress.of("alice@acme.example")))
            .hasValueSatisfying(key -> assertThat(key.privateKey().getEncoded()).isEqualTo(alice.privateKey().getEncoded()));
        second.getInstance(ConfiguredKeyStorage.class).close();
    }

    @Test
    void theRepositoryShouldBeOneSingletonOverTheBoundStorage() throws IOException {
        writeConfiguration("storage=memory\n");
        Injector injector = start();

        assertThat(injector.getInstance(KeyRepository.class)).isSameAs(injector.getInstance(KeyRepository.class));
        assertThat(injector.getInstance(KeyStorage.class))
            .isSameAs(injector.getInstance(ConfiguredKeyStorage.class).storage());
        assertThat(james.resolve("var/tresor/keys.mv.db")).doesNotExist();
    }

    @Test
    void routesHealthCheckAndRequestLoggerShouldBeBoundForJames() throws IOException {
        writeConfiguration("storage=memory\n");
        Injector injector = start();

        assertThat(injector.getInstance(Key.get(new TypeLiteral<Set<Routes>>() { })))
            .hasExactlyElementsOfTypes(KeyRepositoryRoutes.class, RenewalRoutes.class);
        assertThat(injector.getInstance(Key.get(new TypeLiteral<Set<HealthCheck>>() { })))
            .hasExactlyElementsOfTypes(KeyRepositoryHealthCheck.class);
        assertThat(injector.getInstance(Key.get(new TypeLiteral<Set<RequestLogger>>() { })))
            .hasExactlyElementsOfTypes(TresorRequestLogger.class);
    }

    @Test
    void thePublicationServerAndTheRenewalScheduleShouldStartWithJamesAndTasksShowTheRenewalsDetails()
        throws Exception {
        writeConfiguration("storage=memory\npublication.port=" + freePort() + "\npublication.bind=127.0.0.1\n");
        Injector injector = start();

        Set<InitializationOperation> operations = injector.getInstance(
            Key.get(new TypeLiteral<Set<InitializationOperation>>() { }));
        assertThat(operations).extracting(InitializationOperation::forClass)
            .containsExactlyInAnyOrder(PublicationServer.class, RenewalScheduler.class);
        for (InitializationOperation operation : operations) {
            operation.initModule();
        }
        PublicationServer server = injector.getInstance(PublicationServer.class);
        assertThat(server.port()).isPositive();
        server.stop();
        injector.getInstance(RenewalScheduler.class).stop();
        assertThat(injector.getInstance(Key.get(new TypeLiteral<Set<AdditionalInformationDTOModule<
                ? extends TaskExecutionDetails.AdditionalInformation, ? extends AdditionalInformationDTO>>>() { },
            Names.named(DTOModuleInjections.WEBADMIN_DTO))))
            .extracting(module -> module.getDomainObjectType()).containsExactly(RenewalTask.TYPE.asString());
    }

    @Test
    void aStockJamesShouldStartThemThroughTheStartableOfItsExtensionInjector() throws Exception {
        writeConfiguration("storage=memory\npublication.port=" + freePort() + "\npublication.bind=127.0.0.1\n");
        Injector extensions = start(new KeyRepositoryExtensionModule());

        extensions.getInstance(LifecycleStartable.class).start();

        PublicationServer server = extensions.getInstance(PublicationServer.class);
        assertThat(server.port()).isPositive();
        server.stop();
        extensions.getInstance(RenewalScheduler.class).stop();
        assertThat(new RenewalTaskExtension().taskAdditionalInformationDTOModules()).hasSize(1);
    }

    @Test
    void anInvalidConfigurationShouldStopTheStartNamingTheProperty() throws IOException {
        writeConfiguration("storage=cassandra\n");

        assertThatThrownBy(this::start)
            .isInstanceOf(CreationException.class)
            .hasMessageContaining("Invalid value 'cassandra' for property 'storage' in keyrepository.properties: "
                + "use one of h2, postgresql, memory");
    }

    @Test
    void aMissingMasterKeyVariableShouldStopTheStart() throws IOException {
        writeConfiguration("storage=memory\nmasterkey.provider=environment\n"
            + "masterkey.environment.variable=TRESOR_TEST_VARIABLE_THAT_IS_NOT_SET\n");

        assertThatThrownBy(() -> start().getInstance(KeyRepository.class))
            .hasMessageContaining("TRESOR_TEST_VARIABLE_THAT_IS_NOT_SET");
    }

    @Test
    void aLostMasterKeyFileShouldStopTheStartInsteadOfBeingReplaced() throws IOException {
        // given a key repository holding a private key
        storeAlicesKey();
        Path masterKey = james.resolve("var/tresor/master.key");

        // when the master key file is lost and James starts again
        Files.delete(masterKey);

        // then the start stops, saying what is missing and what the admin can do, and writes no new master key
        assertThatThrownBy(this::start)
            .isInstanceOf(CreationException.class)
            .hasMessageContaining("master key file " + masterKey + " does not exist")
            .hasMessageContaining("1 tenant key(s)")
            .hasMessageContaining("Restore it from your backup")
            .hasMessageContaining("start over");
        assertThat(masterKey).doesNotExist();
    }

    @Test
    void anotherMasterKeyShouldStopTheStart() throws IOException {
        // given a key repository holding a private key
        storeAlicesKey();
        Path masterKey = james.resolve("var/tresor/master.key");

        // when its master key file is replaced by another master key
        Files.delete(masterKey);
        Files.move(FileMasterKey.loadOrCreate(james.resolve("other.key")).file(), masterKey);

        // then the start stops, naming the master key the stored keys need
        assertThatThrownBy(this::start)
            .isInstanceOf(CreationException.class)
            .hasMessageContaining("cannot unwrap 1 stored tenant key(s)")
            .hasMessageContaining("Restore");
    }

    @Test
    void closingShouldReleaseTheDatabase() {
        Injector injector = start();
        ConfiguredKeyStorage storage = injector.getInstance(ConfiguredKeyStorage.class);

        storage.close();

        assertThatThrownBy(() -> storage.storage().tenants().allTenants()).isInstanceOf(RuntimeException.class);
    }

    @Test
    void theCacheStatisticsShouldCountTheLookupsMadeThroughTheStorage() {
        Injector injector = start();
        ConfiguredKeyStorage storage = injector.getInstance(ConfiguredKeyStorage.class);

        storage.storage().tenants().tenantOfDomain("acme.example");
        storage.storage().tenants().tenantOfDomain("acme.example");

        assertThat(storage.describeCacheStatistics())
            .isEqualTo("2 lookups, 50.0 % hits (1 hits, 1 misses), 0 evicted, 1 answers held");
        storage.close();
    }

    @Test
    void theCacheStatisticsShouldBeJamesGauges() {
        Injector injector = start();
        ConfiguredKeyStorage storage = injector.getInstance(ConfiguredKeyStorage.class);

        storage.storage().tenants().tenantOfDomain("acme.example");
        storage.storage().tenants().tenantOfDomain("acme.example");

        assertThat(gauges.values()).containsEntry(KeyCacheGauges.LOOKUPS, 2L)
            .containsEntry(KeyCacheGauges.HITS, 1L)
            .containsEntry(KeyCacheGauges.MISSES, 1L)
            .containsEntry(KeyCacheGauges.EVICTIONS, 0L)
            .containsEntry(KeyCacheGauges.SIZE, 1L);
        storage.close();
    }

    /** What James's metrics read: each gauge by name, asked when read. */
    private static final class RecordingGauges implements GaugeRegistry {
        private final Map<String, Gauge<?>> gauges = new ConcurrentHashMap<>();

        @Override
        public <T> GaugeRegistry register(String name, Gauge<T> gauge) {
            gauges.put(name, gauge);
            return this;
        }

        @Override
        public <T> SettableGauge<T> settableGauge(String name) {
            throw new UnsupportedOperationException("not used by Tresor");
        }

        Map<String, Object> values() {
            Map<String, Object> values = new TreeMap<>();
            gauges.forEach((name, gauge) -> values.put(name, gauge.get()));
            return values;
        }
    }

    private void storeAlicesKey() {
        TestPki.Issued alice = TestPki.ca("Module test CA").issue("alice@acme.example");
        Injector first = start();
        KeyRepository repository = first.getInstance(KeyRepository.class);
        repository.tenants().create(ACME);
        repository.certificates().add(ACME, alice.chain(), Origin.IMPORTED);
        repository.privateKeys().add(ACME, alice.fingerprint(), alice.privateKey());
        first.getInstance(ConfiguredKeyStorage.class).close();
    }

    private Injector start() {
        return start(new KeyRepositoryModule());
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** With what James binds in every product: the module's dependencies outside Tresor. */
    private Injector start(com.google.inject.Module module) {
        Configuration.Basic configuration = Configuration.builder().workingDirectory(james.toString()).build();
        FileSystemImpl fileSystem = new FileSystemImpl(configuration.directories());
        return Guice.createInjector(
            binder -> {
                binder.bind(PropertiesProvider.class).toInstance(new PropertiesProvider(fileSystem, configuration.configurationPath()));
                binder.bind(JamesDirectoriesProvider.class).toInstance(configuration.directories());
                binder.bind(Clock.class).toInstance(Clock.systemUTC());
                binder.bind(JsonTransformer.class).toInstance(new JsonTransformer());
                binder.bind(GaugeRegistry.class).toInstance(gauges);
                binder.bind(TaskManager.class).toInstance(taskManager);
                binder.bind(MailetContext.class).toInstance(FakeMailContext.defaultContext());
                // a provider, so that Guice does not inject the RRT's own setters (users, domains, validators)
                binder.bind(RecipientRewriteTable.class)
                    .toProvider((com.google.inject.Provider<RecipientRewriteTable>) MemoryRecipientRewriteTable::new);
            },
            module);
    }

    private void writeConfiguration(String properties) throws IOException {
        Files.createDirectories(james.resolve("conf"));
        Files.writeString(james.resolve("conf/keyrepository.properties"), properties);
    }
}
