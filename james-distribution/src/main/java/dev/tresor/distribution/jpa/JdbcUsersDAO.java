package dev.tresor.distribution.jpa;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.persistence.EntityManager;
import javax.persistence.EntityManagerFactory;
import javax.persistence.EntityTransaction;
import javax.persistence.PersistenceException;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.Username;
import org.apache.james.lifecycle.api.Configurable;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.api.model.User;
import org.apache.james.user.lib.UsersDAO;
import org.apache.james.user.lib.model.Algorithm;
import org.apache.james.user.lib.model.DefaultUser;

/**
 * Users in the James database, with their passwords hashed by James's own {@code DefaultUser} and {@code Algorithm}
 * as {@code usersrepository.xml} says ({@code algorithm}, default {@code PBKDF2-SHA512}; {@code hashingMode}).
 *
 * <p>Why not James's {@code JPAUsersDAO}: in 3.8.1 it knows MD5, SHA-1, SHA-256 and SHA-512 only, without salt, and
 * quietly takes unsalted SHA-512 for any other name, {@code PBKDF2-SHA512} included: a stolen database would give up
 * every SMTP AUTH password to a dictionary. This DAO keeps James's memory repository's hashing (PBKDF2, the user
 * name as salt) and stores, per user, the algorithm the hash was made with, so a change of {@code algorithm} applies
 * to passwords set from then on while older ones still verify.
 *
 * <p>Stored in the table {@value #TABLE} of the database of {@link JamesDatabaseModule}, through native SQL on the
 * shared entity manager factory (plain {@code VARCHAR} columns that Derby and PostgreSQL both take), created on first
 * use.
 */
final class JdbcUsersDAO implements UsersDAO, Configurable {
    static final String TABLE = "TRESOR_JAMES_USER";
    private static final String DEFAULT_ALGORITHM = "PBKDF2-SHA512";

    private final EntityManagerFactory entityManagerFactory;
    private volatile Algorithm algorithm = Algorithm.of(DEFAULT_ALGORITHM, Algorithm.HashingMode.PLAIN);

    JdbcUsersDAO(EntityManagerFactory entityManagerFactory) {
        this.entityManagerFactory = entityManagerFactory;
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> configuration) {
        algorithm = Algorithm.of(configuration.getString("algorithm", DEFAULT_ALGORITHM),
            configuration.getString("hashingMode", Algorithm.HashingMode.PLAIN.name()));
    }

    /** Creates the table unless it exists (another node may be creating it at the same moment). */
    void createTableIfMissing() {
        if (tableExists()) {
            return;
        }
        try {
            inTransaction(entityManager -> entityManager.createNativeQuery("CREATE TABLE " + TABLE
                + " (USER_NAME VARCHAR(255) NOT NULL PRIMARY KEY, PASSWORD_HASH VARCHAR(1024) NOT NULL,"
                + " ALGORITHM VARCHAR(100) NOT NULL)").executeUpdate());
        } catch (PersistenceException e) {
            if (!tableExists()) {
                throw e;
            }
        }
    }

    private boolean tableExists() {
        EntityManager entityManager = entityManagerFactory.createEntityManager();
        try {
            entityManager.createNativeQuery("SELECT COUNT(*) FROM " + TABLE).getSingleResult();
            return true;
        } catch (PersistenceException e) {
            return false;
        } finally {
            entityManager.close();
        }
    }

    @Override
    public void addUser(Username username, String password) throws UsersRepositoryException {
        DefaultUser user = new DefaultUser(username, algorithm, algorithm);
        user.setPassword(password);
        write("add user " + username.asString(), entityManager -> entityManager.createNativeQuery("INSERT INTO " + TABLE
                + " (USER_NAME, PASSWORD_HASH, ALGORITHM) VALUES (?1, ?2, ?3)")
            .setParameter(1, username.asString())
            .setParameter(2, user.getHashedPassword())
            .setParameter(3, user.getHashAlgorithm().asString())
            .executeUpdate());
    }

    @Override
    public Optional<DefaultUser> getUserByName(Username name) throws UsersRepositoryException {
        List<?> rows = read("read user " + name.asString(), entityManager -> entityManager.createNativeQuery(
                "SELECT PASSWORD_HASH, ALGORITHM FROM " + TABLE + " WHERE USER_NAME = ?1")
            .setParameter(1, name.asString())
            .getResultList());
        return rows.stream().findFirst().map(row -> {
            Object[] columns = (Object[]) row;
            Algorithm stored = Algorithm.of((String) columns[1]);
            return new DefaultUser(name, (String) columns[0], stored, algorithm);
        });
    }

    @Override
    public void updateUser(User user) throws UsersRepositoryException {
        if (!(user instanceof DefaultUser)) {
            throw new UsersRepositoryException("Cannot store a user of type " + user.getClass().getName());
        }
        DefaultUser defaultUser = (DefaultUser) user;
        int updated = write("update user " + user.getUserName().asString(), entityManager -> entityManager
            .createNativeQuery("UPDATE " + TABLE + " SET PASSWORD_HASH = ?1, ALGORITHM = ?2 WHERE USER_NAME = ?3")
            .setParameter(1, defaultUser.getHashedPassword())
            .setParameter(2, defaultUser.getHashAlgorithm().asString())
            .setParameter(3, user.getUserName().asString())
            .executeUpdate());
        if (updated == 0) {
            throw new UsersRepositoryException("Please provide an existing user to update");
        }
    }

    @Override
    public void removeUser(Username name) throws UsersRepositoryException {
        int removed = write("remove user " + name.asString(), entityManager -> entityManager
            .createNativeQuery("DELETE FROM " + TABLE + " WHERE USER_NAME = ?1")
            .setParameter(1, name.asString())
            .executeUpdate());
        if (removed == 0) {
            throw new UsersRepositoryException("unable to remove unknown user " + name.asString());
        }
    }

    @Override
    public boolean contains(Username name) throws UsersRepositoryException {
        return getUserByName(name).isPresent();
    }

    @Override
    public int countUsers() throws UsersRepositoryException {
        Object count = read("count users", entityManager -> entityManager
            .createNativeQuery("SELECT COUNT(*) FROM " + TABLE).getSingleResult());
        return ((Number) count).intValue();
    }

    @Override
    public Iterator<Username> list() throws UsersRepositoryException {
        List<?> names = read("list users", entityManager -> entityManager
            .createNativeQuery("SELECT USER_NAME FROM " + TABLE + " ORDER BY USER_NAME").getResultList());
        return names.stream().map(name -> Username.of(name.toString())).collect(Collectors.toList()).iterator();
    }

    private <T> T read(String what, Function<EntityManager, T> query) throws UsersRepositoryException {
        EntityManager entityManager = entityManagerFactory.createEntityManager();
        try {
            return query.apply(entityManager);
        } catch (PersistenceException e) {
            throw new UsersRepositoryException("Cannot " + what, e);
        } finally {
            entityManager.close();
        }
    }

    private int write(String what, Function<EntityManager, Integer> statement) throws UsersRepositoryException {
        try {
            return inTransaction(statement);
        } catch (PersistenceException e) {
            throw new UsersRepositoryException("Cannot " + what, e);
        }
    }

    private <T> T inTransaction(Function<EntityManager, T> work) {
        EntityManager entityManager = entityManagerFactory.createEntityManager();
        EntityTransaction transaction = entityManager.getTransaction();
        try {
            transaction.begin();
            T result = work.apply(entityManager);
            transaction.commit();
            return result;
        } finally {
            if (transaction.isActive()) {
                transaction.rollback();
            }
            entityManager.close();
        }
    }
}
