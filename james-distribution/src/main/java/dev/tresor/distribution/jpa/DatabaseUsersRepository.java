package dev.tresor.distribution.jpa;

import javax.inject.Inject;
import javax.persistence.EntityManagerFactory;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.user.lib.UsersRepositoryImpl;

/**
 * James's users repository (virtual hosting, administrators, forwarding rules as {@code usersrepository.xml} says)
 * over {@link JdbcUsersDAO}: the accounts in the James database, passwords hashed with PBKDF2.
 */
public final class DatabaseUsersRepository extends UsersRepositoryImpl<JdbcUsersDAO> {
    @Inject
    DatabaseUsersRepository(DomainList domainList, EntityManagerFactory entityManagerFactory) {
        super(domainList, new JdbcUsersDAO(entityManagerFactory));
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        usersDAO.configure(configuration);
        usersDAO.createTableIfMissing();
        super.configure(configuration);
    }
}
