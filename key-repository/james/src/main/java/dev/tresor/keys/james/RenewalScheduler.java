package dev.tresor.keys.james;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.lifecycle.api.Startable;
import org.apache.james.task.TaskId;
import org.apache.james.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tresor.keys.KeyRepository;

/**
 * Submits the {@link RenewalTask} to James's {@link TaskManager} every {@code lifecycle.renewal.interval}, the first
 * time {@code lifecycle.renewal.initialDelay} after James started. A run still waiting or running when the next is due
 * is not doubled: that turn is skipped. Each node of a cluster runs its own job; the key lifecycle's cross-node
 * issuance lock makes one renewal of each key.
 */
@Singleton
public final class RenewalScheduler implements Startable {
    private static final Logger LOGGER = LoggerFactory.getLogger(RenewalScheduler.class);

    private final KeyRepository repository;
    private final TaskManager taskManager;
    private final Clock clock;
    private final ExpiryNotices notices;
    private final Duration initialDelay;
    private final Duration interval;
    private Optional<ScheduledExecutorService> executor = Optional.empty();
    private Optional<TaskId> lastRun = Optional.empty();

    @Inject
    public RenewalScheduler(KeyRepository repository, TaskManager taskManager, Clock clock, ExpiryNotices notices,
                            KeyRepositoryConfiguration configuration) {
        this(repository, taskManager, clock, notices, configuration.renewalInitialDelay(),
            configuration.renewalInterval());
    }

    RenewalScheduler(KeyRepository repository, TaskManager taskManager, Clock clock, ExpiryNotices notices,
                     Duration initialDelay, Duration interval) {
        this.repository = repository;
        this.taskManager = taskManager;
        this.clock = clock;
        this.notices = notices;
        this.initialDelay = initialDelay;
        this.interval = interval;
    }

    /** Starts the schedule; does nothing if it runs already. */
    public synchronized void start() {
        if (executor.isPresent()) {
            return;
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "tresor-renewal-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleAtFixedRate(this::submit, initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        executor = Optional.of(scheduler);
        LOGGER.info("Tresor key renewal every {}, first in {}", interval, initialDelay);
    }

    @PreDestroy
    public synchronized void stop() {
        executor.ifPresent(ScheduledExecutorService::shutdownNow);
        executor = Optional.empty();
    }

    /** Never throws: an exception would cancel every later run of a scheduled executor. */
    synchronized void submit() {
        try {
            if (lastRun.map(this::unfinished).orElse(false)) {
                LOGGER.warn("Tresor key renewal {} has not finished yet: this turn is skipped", lastRun.get().asString());
                return;
            }
            lastRun = Optional.of(taskManager.submit(new RenewalTask(repository.lifecycle(), Optional.empty(), clock,
                Optional.of(notices))));
        } catch (RuntimeException e) {
            LOGGER.error("Cannot submit the Tresor key renewal task", e);
        }
    }

    private boolean unfinished(TaskId task) {
        try {
            TaskManager.Status status = taskManager.getExecutionDetails(task).getStatus();
            return status == TaskManager.Status.WAITING || status == TaskManager.Status.IN_PROGRESS;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
