package dev.tresor.it.shipped;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two shipped servers, each with its own data directory and ports, whose {@code conf/james-database.properties} names
 * one PostgreSQL schema: what one node stores (domain, users, alias, a delivered mail, a quarantined mail) the other
 * serves, and the quarantine of the first is listed and read through the second's WebAdmin.
 *
 * <p>PostgreSQL at {@code 127.0.0.1:5432}, database {@code test}, user {@code postgres} without password (CI starts
 * it), unless {@code tresor.test.postgres.url}, {@code .user} and {@code .password} say otherwise; the test works in
 * a schema of its own, dropped afterwards.
 */
class SharedPostgresJamesDataTest {
    private static final String URL = System.getProperty("tresor.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String USER = System.getProperty("tresor.test.postgres.user", "postgres");
    private static final String PASSWORD = System.getProperty("tresor.test.postgres.password", "");
    private static final String SCHEMA = "tresor_it_james_data_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);

    @TempDir
    static java.nio.file.Path directory;

    private static ShippedServer nodeA;
    private static ShippedServer nodeB;

    @BeforeAll
    static void createSchema() throws SQLException {
        execute("CREATE SCHEMA " + SCHEMA);
    }

    @AfterAll
    static void stopNodesAndDropSchema() throws SQLException {
        try {
            for (ShippedServer node : new ShippedServer[] {nodeA, nodeB}) {
                if (node != null) {
                    node.stop();
                }
            }
        } finally {
            execute("DROP SCHEMA " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void whatOneNodeStoresTheOtherShouldServe() throws Exception {
        // given node A on the shared database, with an admin's set-up and some mail flow
        nodeA = onSharedDatabase();
        nodeA.start("SharedPostgresJamesDataTest-A");
        JamesDataScenario scenario = new JamesDataScenario();
        scenario.createIn(nodeA, directory);

        // when node B starts on the same database, with a data directory of its own
        nodeB = onSharedDatabase();
        nodeB.start("SharedPostgresJamesDataTest-B");

        // then B knows A's domain, users and alias, serves Alice's mailbox and shows A's quarantine
        scenario.assertPresentIn(nodeB);
        // and the shared users table holds PBKDF2 hashes only
        assertThat(column("SELECT ALGORITHM FROM " + SCHEMA + ".TRESOR_JAMES_USER")).hasSize(2)
            .allMatch("PBKDF2-SHA512/plain"::equals);
    }

    private static List<String> column(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private static ShippedServer onSharedDatabase() {
        String url = URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
        return new ShippedServer().changingConfiguration(conf -> ShippedConfiguration.setProperties(
            conf.resolve("james-database.properties"), Map.of(
                "database.driverClassName", "org.postgresql.Driver",
                "database.url", url,
                "database.username", USER,
                "database.password", PASSWORD,
                "openjpa.jdbc.Schema", SCHEMA)));
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
