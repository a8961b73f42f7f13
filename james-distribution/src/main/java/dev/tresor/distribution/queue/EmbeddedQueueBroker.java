package dev.tresor.distribution.queue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.jms.ConnectionFactory;

import org.apache.activemq.ActiveMQConnectionFactory;
import org.apache.activemq.ActiveMQPrefetchPolicy;
import org.apache.activemq.RedeliveryPolicy;
import org.apache.activemq.broker.BrokerPlugin;
import org.apache.activemq.broker.BrokerService;
import org.apache.activemq.broker.region.policy.PolicyEntry;
import org.apache.activemq.broker.region.policy.PolicyMap;
import org.apache.activemq.plugin.StatisticsBrokerPlugin;
import org.apache.activemq.store.kahadb.KahaDBPersistenceAdapter;
import org.apache.activemq.store.kahadb.disk.journal.Journal;
import org.apache.james.filesystem.api.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ActiveMQ 5 broker that holds James's mail queues ({@code spool}, {@code outgoing}, ...) on disk, inside this
 * process, reachable only in-process ({@code vm://}): it opens no network listener. (James's own
 * {@code EmbeddedActiveMQ} also listens on {@code tcp://localhost:<random port>}, without authentication: any local
 * process could put mail into the spool there, past every SMTP check.)
 *
 * <p>Layout under the given directory (James's {@code var/store/activemq/} of the data directory):
 * <pre>
 * brokers/KahaDB/    the queue store: journal (db-*.log) with every queued mail's envelope, attributes and state,
 *                    and its index (db.data, db.redo)
 * blob-transfer/     one file per queued mail with its content ({@link DurableBlobFiles})
 * </pre>
 *
 * <p>What a queued mail survives, i.e. what James's SMTP {@code 250} (the mail is in the {@code spool} queue) means:
 * <ul>
 *     <li><b>process crash</b> ({@code kill -9}, out of memory): everything acknowledged is in the files; the journal
 *         is replayed on the next start, and a mail a spooler or delivery thread was working on (not yet committed) is
 *         delivered again, at least once;</li>
 *     <li><b>power loss or kernel crash</b>: the content file and its directory entry are forced to disk before the
 *         queue message is sent, and every journal write is forced to disk before the send (delayed or not) or the
 *         commit of a dequeue returns ({@code journalDiskSyncStrategy=always}); concurrent writers share one force
 *         (KahaDB batches them). This holds as far as the disk honours a flush (no volatile write cache that lies).</li>
 * </ul>
 * A message is not dispatched to a waiting consumer before it is stored ({@code concurrentStoreAndDispatchQueues=false}):
 * a mail is processed only once it is on disk.
 *
 * <p>A rolled-back dequeue is redelivered forever (ActiveMQ's default gives up after six and moves the message to
 * {@code ActiveMQ.DLQ}, a queue James never reads: a mail lost to everyone).
 */
final class EmbeddedQueueBroker {
    private static final Logger LOGGER = LoggerFactory.getLogger(EmbeddedQueueBroker.class);
    /** Brokers are found by name within the JVM: each one gets its own (tests start several servers in one JVM). */
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Mails per queue that ActiveMQ keeps in memory to pick from (see {@link #queuePolicy()}). */
    static final int PAGED_MESSAGES = 20_000;

    /** Where James keeps its ActiveMQ store, relative to its working directory (the data directory). */
    static final String LOCATION = "file://var/store/activemq";

    private final BrokerService broker;
    private final ActiveMQConnectionFactory connectionFactory;

    /** The broker on {@code var/store/activemq/} of James's working directory. */
    @Inject
    EmbeddedQueueBroker(FileSystem fileSystem) throws Exception {
        this(fileSystem.getFile(LOCATION).toPath());
    }

    /** Starts a broker on the store in {@code directory} (created if missing), recovering what it holds. */
    EmbeddedQueueBroker(Path directory) throws Exception {
        Path brokers = Files.createDirectories(directory.resolve("brokers"));
        DurableBlobFiles blobs = new DurableBlobFiles(Files.createDirectories(directory.resolve("blob-transfer")));
        String name = "tresor-" + INSTANCES.incrementAndGet();

        broker = new BrokerService();
        broker.setBrokerName(name);
        broker.setPersistent(true);
        broker.setDataDirectoryFile(brokers.toFile());
        broker.setPersistenceAdapter(kahaDb(brokers.resolve("KahaDB")));
        broker.setUseJmx(false);
        broker.getManagementContext().setCreateConnector(false);
        broker.setUseShutdownHook(false); // James's shutdown stops it, after the spooler and the queues
        // delays are James's NEXT_DELIVERY selector on each dequeue, not the broker's scheduler (see README)
        broker.setSchedulerSupport(false);
        // queue sizes for WebAdmin: James asks ActiveMQ.Statistics.Destination.<queue>
        broker.setPlugins(new BrokerPlugin[] {new StatisticsBrokerPlugin()});
        broker.setDestinationPolicy(queuePolicy());
        broker.setEnableStatistics(true);
        broker.start();
        broker.waitUntilStarted();
        LOGGER.info("Mail queues: embedded ActiveMQ broker {} (vm:// only) on {}", name, directory);

        connectionFactory = connectionFactory(name, blobs);
    }

    /**
     * ActiveMQ dispatches only the messages it has paged into memory, 200 per queue by default, and James's queue asks
     * for due mail with a selector: 200 mails waiting for a retry at the head of {@code outgoing} (one unreachable
     * domain is enough) kept every new mail behind them until their time came (DurableMailQueueTest). Up to
     * {@value #PAGED_MESSAGES} waiting mails per queue are paged in (their envelopes and attributes, about 1 to 3 KB
     * each; the contents stay in their files), and as many can be browsed (WebAdmin's list).
     */
    private static PolicyMap queuePolicy() {
        PolicyEntry queues = new PolicyEntry();
        queues.setQueue(">");
        queues.setMaxPageSize(PAGED_MESSAGES);
        queues.setMaxBrowsePageSize(PAGED_MESSAGES);
        PolicyMap policies = new PolicyMap();
        policies.setDefaultEntry(queues);
        return policies;
    }

    private static KahaDBPersistenceAdapter kahaDb(Path directory) {
        KahaDBPersistenceAdapter kahaDb = new KahaDBPersistenceAdapter();
        kahaDb.setDirectory(directory.toFile());
        kahaDb.setJournalDiskSyncStrategy(Journal.JournalDiskSyncStrategy.ALWAYS.name());
        kahaDb.setConcurrentStoreAndDispatchQueues(false);
        kahaDb.setChecksumJournalFiles(true);
        kahaDb.setCheckForCorruptJournalFiles(true);
        return kahaDb;
    }

    private static ActiveMQConnectionFactory connectionFactory(String brokerName, DurableBlobFiles blobs) {
        ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory("vm://" + brokerName + "?create=false");
        factory.setTrustAllPackages(false);
        factory.setBlobTransferPolicy(blobs.transferPolicy());
        // James dequeues one mail per consumer: nothing may sit in a client-side buffer
        ActiveMQPrefetchPolicy prefetch = new ActiveMQPrefetchPolicy();
        prefetch.setQueuePrefetch(0);
        prefetch.setTopicPrefetch(0);
        factory.setPrefetchPolicy(prefetch);
        RedeliveryPolicy redelivery = new RedeliveryPolicy();
        redelivery.setMaximumRedeliveries(RedeliveryPolicy.NO_MAXIMUM_REDELIVERIES);
        factory.setRedeliveryPolicy(redelivery);
        return factory;
    }

    /** Connections to this broker, in-process. */
    ConnectionFactory connectionFactory() {
        return connectionFactory;
    }

    /**
     * Stops the broker: waits for what is being written, closes the store cleanly. Guice's {@code @PreDestroy} runs
     * this after the spooler and the queue factory are disposed (they were created after the broker, and James
     * disposes in the reverse order).
     */
    @PreDestroy
    public void stop() throws Exception {
        LOGGER.info("Stopping the mail queue broker {}", broker.getBrokerName());
        broker.stop();
        broker.waitUntilStopped();
    }
}
