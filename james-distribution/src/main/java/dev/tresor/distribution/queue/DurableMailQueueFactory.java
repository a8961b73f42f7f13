package dev.tresor.distribution.queue;

import javax.inject.Inject;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.activemq.ActiveMQMailQueueFactory;
import org.apache.james.queue.activemq.metric.ActiveMQMetricCollectorNoop;
import org.apache.james.queue.api.MailQueueItemDecoratorFactory;
import org.apache.james.queue.api.MailQueueName;
import org.apache.james.queue.api.ManageableMailQueue;

/**
 * James's ActiveMQ mail queues (content in blob files, the rest in the queue message) on our {@link EmbeddedQueueBroker},
 * dequeued by {@link DurableMailQueue}.
 * Constructed by Guice, so that its {@code @PreDestroy} (dispose every queue: close its sessions, which returns an
 * unfinished dequeue to the broker) runs at shutdown, after the spooler's and before the broker's.
 *
 * <p>No JMX beans (WebAdmin's {@code /mailQueues} routes manage the queues; several servers in one JVM, as in tests,
 * would collide on their names) and no periodic ActiveMQ statistics metrics.
 */
final class DurableMailQueueFactory extends ActiveMQMailQueueFactory {
    @Inject
    DurableMailQueueFactory(EmbeddedQueueBroker broker, MailQueueItemDecoratorFactory decoratorFactory,
                            MetricFactory metricFactory, GaugeRegistry gaugeRegistry) {
        super(broker.connectionFactory(), decoratorFactory, metricFactory, gaugeRegistry, new ActiveMQMetricCollectorNoop());
        setUseJMX(false);
    }

    @Override
    protected ManageableMailQueue createCacheableMailQueue(MailQueueName name) {
        return new DurableMailQueue(connectionFactory, mailQueueItemDecoratorFactory, name, metricFactory, gaugeRegistry);
    }
}
