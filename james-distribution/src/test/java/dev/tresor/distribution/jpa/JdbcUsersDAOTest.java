package dev.tresor.distribution.jpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Username;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.lib.model.DefaultUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.common.hash.Hashing;

/** The users table on the embedded Derby database, through the distribution's persistence unit. */
class JdbcUsersDAOTest {
    private static final Username ALICE = Username.of("alice@acme.example");

    @TempDir
    static Path data;

    private static EntityManagerFactory factory;
    private static JdbcUsersDAO users;

    @BeforeAll
    static void openTheDatabase() {
        factory = Persistence.createEntityManagerFactory(OpenedJamesDatabase.PERSISTENCE_UNIT,
            JamesDatabase.embedded(data).openJpaProperties());
        users = new JdbcUsersDAO(factory);
        users.configure(new BaseHierarchicalConfiguration());
        users.createTableIfMissing();
        users.createTableIfMissing(); // a second node, or a restart: the table is there
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    @Test
    void aPasswordShouldBeStoredAsASaltedPbkdf2HashNeverAsPlainSha512() throws Exception {
        Username user = Username.of("frank@acme.example");
        users.addUser(user, "user secret");

        DefaultUser stored = users.getUserByName(user).orElseThrow();
        assertThat(stored.getHashAlgorithm().getName()).isEqualTo("PBKDF2-SHA512");
        assertThat(stored.verifyPassword("user secret")).isTrue();
        assertThat(stored.verifyPassword("wrong")).isFalse();
        assertThat(stored.getHashedPassword())
            .isNotEqualTo(Hashing.sha512().hashString("user secret", StandardCharsets.UTF_8).toString())
            .doesNotContain("user secret");
    }

    @Test
    void usersShouldBeListedCountedUpdatedAndRemoved() throws Exception {
        users.addUser(ALICE, "first");
        assertThat(users.contains(ALICE)).isTrue();
        assertThat(users.list()).toIterable().contains(ALICE);
        int count = users.countUsers();

        DefaultUser alice = users.getUserByName(ALICE).orElseThrow();
        alice.setPassword("second");
        users.updateUser(alice);
        assertThat(users.getUserByName(ALICE).orElseThrow().verifyPassword("second")).isTrue();
        assertThat(users.getUserByName(ALICE).orElseThrow().verifyPassword("first")).isFalse();

        users.removeUser(ALICE);
        assertThat(users.contains(ALICE)).isFalse();
        assertThat(users.countUsers()).isEqualTo(count - 1);
        assertThatThrownBy(() -> users.removeUser(ALICE)).isInstanceOf(UsersRepositoryException.class);
    }

    @Test
    void theUsersTableShouldHoldNoPasswordInClear() throws Exception {
        users.addUser(Username.of("erin@acme.example"), "clear text never");

        EntityManager entityManager = factory.createEntityManager();
        try {
            Object[] row = (Object[]) entityManager.createNativeQuery("SELECT PASSWORD_HASH, ALGORITHM FROM "
                + JdbcUsersDAO.TABLE + " WHERE USER_NAME = 'erin@acme.example'").getSingleResult();
            assertThat((String) row[0]).doesNotContain("clear text never");
            assertThat((String) row[1]).isEqualTo("PBKDF2-SHA512/plain");
        } finally {
            entityManager.close();
        }
    }
}
