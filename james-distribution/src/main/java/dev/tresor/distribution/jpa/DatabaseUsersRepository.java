package dev.tresor.distribution.jpa;

import javax.inject.Inject;
import javax.inject.Provider;
import javax.persistence.EntityManagerFactory;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.james.user.lib.UsersRepositoryImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.james.UserKeyRevocation;

/**
 * James's users repository (virtual hosting, administrators, forwarding rules as {@code usersrepository.xml} says)
 * over {@link JdbcUsersDAO}: the accounts in the James database, passwords hashed with PBKDF2.
 *
 * <p>A user deleted (WebAdmin's {@code DELETE /users/{user}}, the CLI, whatever calls {@link #removeUser}) loses the
 * keys Tresor issued to her: {@link UserKeyRevocation} revokes them. James 3.8.1 has no user-deletion hook an
 * extension could join, so this repository calls it; a failed revocation is logged and does not undo the deletion.
 */
public final class DatabaseUsersRepository extends UsersRepositoryImpl<JdbcUsersDAO> {
    private static final Logger LOGGER = LoggerFactory.getLogger(DatabaseUsersRepository.class);

    /** A provider: the revocation needs James's recipient rewrite table, which itself asks for the users repository. */
    private final Provider<UserKeyRevocation> keyRevocation;

    @Inject
    DatabaseUsersRepository(DomainList domainList, EntityManagerFactory entityManagerFactory,
                            Provider<UserKeyRevocation> keyRevocation) {
        super(domainList, new JdbcUsersDAO(entityManagerFactory));
        this.keyRevocation = keyRevocation;
    }

    @Override
    public void removeUser(Username name) throws UsersRepositoryException {
        super.removeUser(name);
        try {
            keyRevocation.get().userDeleted(name);
        } catch (RuntimeException e) {
            LOGGER.error("User {} deleted, but the keys Tresor issued to her could not be revoked: revoke them with "
                + "POST /tresor/tenants/{tenant}/issued/{kind}/{id}?action=revoke", name.asString(), e);
        }
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        usersDAO.configure(configuration);
        usersDAO.createTableIfMissing();
        super.configure(configuration);
    }
}
