package dev.tresor.distribution.queue;

import javax.jms.ConnectionFactory;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.queue.activemq.ActiveMQHealthCheck;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.ManageableMailQueue;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;

/**
 * Durable mail queues for the Tresor server: James's spool, {@code outgoing} and every other mail queue in an
 * embedded, persistent ActiveMQ broker ({@link EmbeddedQueueBroker}) under {@code var/store/activemq/} of the data
 * directory. Replaces the memory server's queue bindings: install it with
 * {@code Modules.override(memoryServerModules).with(new DurableQueueModule())} ({@code GuiceJamesServer#overrideWith}).
 *
 * <p>Binds what James's own {@code ActiveMQQueueModule} binds (the three {@link MailQueueFactory} views WebAdmin, the
 * spooler and the mailets ask for, and the "Embedded ActiveMQ" health check), with our broker instead of James's
 * {@code EmbeddedActiveMQ} (no TCP listener, explicit disk syncs, durable content files, unlimited redelivery).
 */
public final class DurableQueueModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(EmbeddedQueueBroker.class).in(Scopes.SINGLETON);
        bind(DurableMailQueueFactory.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(ActiveMQHealthCheck.class);
    }

    @Provides
    @Singleton
    ConnectionFactory connectionFactory(EmbeddedQueueBroker broker) {
        return broker.connectionFactory();
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends ManageableMailQueue> manageableMailQueueFactory(DurableMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<?> mailQueueFactory(DurableMailQueueFactory factory) {
        return factory;
    }

    @Provides
    @Singleton
    MailQueueFactory<? extends MailQueue> mailQueueFactoryOfQueues(DurableMailQueueFactory factory) {
        return factory;
    }
}
