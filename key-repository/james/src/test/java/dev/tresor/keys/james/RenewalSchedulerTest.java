package dev.tresor.keys.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.james.task.Hostname;
import org.apache.james.task.MemoryTaskManager;
import org.apache.james.task.TaskExecutionDetails;
import org.apache.james.task.TaskManager;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tresor.keys.KeyRepository;
import dev.tresor.keys.TenantId;
import dev.tresor.keys.lifecycle.KeyLifecycle;

/** The renewal job's schedule: it submits the task to James's task manager, and never two runs at once. */
class RenewalSchedulerTest {
    private final MemoryTaskManager taskManager = new MemoryTaskManager(new Hostname("node-1"));
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExpiryNotices notices = new ExpiryNotices(FakeMailContext.defaultContext(), Clock.systemUTC());

    @AfterEach
    void stop() {
        release.countDown();
        taskManager.stop();
    }

    @Test
    void theScheduleShouldSubmitTheRenewalTaskAfterTheInitialDelay() throws Exception {
        RenewalScheduler scheduler = new RenewalScheduler(repository(false), taskManager, Clock.systemUTC(), notices,
            Duration.ZERO, Duration.ofMinutes(1));

        scheduler.start();
        try {
            TaskExecutionDetails run = awaitOneRun();
            assertThat(run.getType()).isEqualTo(RenewalTask.TYPE);
        } finally {
            scheduler.stop();
        }
    }

    @Test
    void aTurnWhileTheLastRunIsUnfinishedShouldBeSkipped() throws Exception {
        RenewalScheduler scheduler = new RenewalScheduler(repository(true), taskManager, Clock.systemUTC(), notices,
            Duration.ofHours(1), Duration.ofHours(1));

        scheduler.submit();
        awaitOneRun();
        scheduler.submit();

        assertThat(taskManager.list()).hasSize(1);
        release.countDown();
        taskManager.await(taskManager.list().get(0).getTaskId(), Duration.ofSeconds(10));
        scheduler.submit();
        assertThat(taskManager.list()).hasSize(2);
    }

    private TaskExecutionDetails awaitOneRun() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<TaskExecutionDetails> runs = taskManager.list();
            if (!runs.isEmpty() && runs.get(0).getStatus() != TaskManager.Status.WAITING) {
                return runs.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("No renewal task ran");
    }

    /** A repository whose lifecycle has no tenant with a CA, and, if {@code blocking}, waits for the test first. */
    private KeyRepository repository(boolean blocking) {
        KeyLifecycle lifecycle = (KeyLifecycle) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {KeyLifecycle.class}, (proxy, method, arguments) -> {
                if (method.getName().equals("tenantsWithCa")) {
                    if (blocking) {
                        release.await(10, TimeUnit.SECONDS);
                    }
                    return List.<TenantId>of();
                }
                throw new UnsupportedOperationException(method.getName());
            });
        return (KeyRepository) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {KeyRepository.class},
            (proxy, method, arguments) -> {
                if (method.getName().equals("lifecycle")) {
                    return lifecycle;
                }
                throw new UnsupportedOperationException(method.getName());
            });
    }
}
