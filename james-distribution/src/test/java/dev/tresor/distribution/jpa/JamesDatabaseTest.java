package dev.tresor.distribution.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Path;

import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.junit.jupiter.api.Test;

class JamesDatabaseTest {
    private static final Path DATA = Path.of("/srv/tresor");

    @Test
    void withoutAFileTheDatabaseShouldBeEmbeddedDerbyInTheDataDirectory() {
        JamesDatabase database = JamesDatabase.embedded(DATA);

        assertThat(database.isEmbeddedDerby()).isTrue();
        assertThat(database.openJpaProperties())
            .containsEntry("openjpa.ConnectionDriverName", "org.apache.derby.jdbc.EmbeddedDriver")
            .containsEntry("openjpa.ConnectionURL", "jdbc:derby:/srv/tresor/var/store/derby;create=true")
            .doesNotContainKey("openjpa.ConnectionUserName");
    }

    @Test
    void theShippedSampleWithEverythingCommentedOutShouldMeanTheEmbeddedDatabase() throws Exception {
        JamesDatabase database = JamesDatabase.from(properties("#database.url=jdbc:postgresql://db.example/james\n"), DATA);

        assertThat(database.url()).isEqualTo(JamesDatabase.embedded(DATA).url());
    }

    @Test
    void postgresqlShouldGetItsDriverCredentialsPoolAndOpenJpaSettings() throws Exception {
        JamesDatabase database = JamesDatabase.from(properties(
            "database.driverClassName=org.postgresql.Driver\n"
                + "database.url=jdbc:postgresql://db.example:5432/james?currentSchema=gateway\n"
                + "database.username=james\n"
                + "database.password=hunter2\n"
                + "datasource.maxTotal=20\n"
                + "openjpa.jdbc.Schema=gateway\n"), DATA);

        assertThat(database.isEmbeddedDerby()).isFalse();
        assertThat(database.openJpaProperties())
            .containsEntry("openjpa.ConnectionDriverName", "org.postgresql.Driver")
            .containsEntry("openjpa.ConnectionURL", "jdbc:postgresql://db.example:5432/james?currentSchema=gateway")
            .containsEntry("openjpa.ConnectionUserName", "james")
            .containsEntry("openjpa.ConnectionPassword", "hunter2")
            .containsEntry("openjpa.ConnectionProperties", "maxTotal=20")
            .containsEntry("openjpa.jdbc.Schema", "gateway");
        assertThat(database.describe()).isEqualTo("jdbc:postgresql://db.example:5432/james as james")
            .doesNotContain("hunter2");
    }

    @Test
    void aUrlWithoutItsDriverShouldStopTheStartNamingTheProperty() {
        assertThatThrownBy(() -> JamesDatabase.from(properties("database.url=jdbc:postgresql://db.example/james\n"), DATA))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("database.driverClassName");
    }

    @Test
    void somethingThatIsNotAJdbcUrlShouldBeRefused() {
        assertThatThrownBy(() -> JamesDatabase.from(properties(
            "database.driverClassName=org.postgresql.Driver\ndatabase.url=db.example:5432\n"), DATA))
            .isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("database.url");
    }

    private static PropertiesConfiguration properties(String text) throws ConfigurationException {
        PropertiesConfiguration configuration = new PropertiesConfiguration();
        try {
            configuration.read(new StringReader(text));
        } catch (java.io.IOException e) {
            throw new ConfigurationException(e);
        }
        return configuration;
    }
}
