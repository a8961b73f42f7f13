package dev.tresor.distribution.jpa;

import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Users (SMTP AUTH and IMAP accounts) in the database of {@link JamesDatabaseModule} ({@link DatabaseUsersRepository}),
 * configured from {@code usersrepository.xml}. Handed to James's {@code UsersRepositoryModuleChooser}, which uses it
 * unless {@code usersrepository.xml} configures LDAP.
 */
public final class DatabaseUsersRepositoryModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(DatabaseUsersRepository.class).in(Scopes.SINGLETON);
        bind(UsersRepository.class).to(DatabaseUsersRepository.class);
    }

    @ProvidesIntoSet
    InitializationOperation configureUsers(ConfigurationProvider configurationProvider, DatabaseUsersRepository users) {
        return InitilizationOperationBuilder.forClass(DatabaseUsersRepository.class)
            .init(() -> users.configure(configurationProvider.getConfiguration("usersrepository")));
    }
}
