package dev.tresor.keys.james;

import javax.inject.Inject;

import org.apache.james.utils.UserDefinedStartable;

/**
 * Starts the renewal job's schedule and the publication server in a stock James 3.8.1, whose extension modules cannot
 * add start-up operations of their own: {@code guice.extension.startable=dev.tresor.keys.james.LifecycleStartable} in
 * {@code extensions.properties}. Both stop with James ({@code @PreDestroy}). Tresor's distribution starts them through
 * {@link KeyRepositoryModule} instead.
 */
public final class LifecycleStartable implements UserDefinedStartable {
    private final RenewalScheduler scheduler;
    private final PublicationServer publication;

    @Inject
    public LifecycleStartable(RenewalScheduler scheduler, PublicationServer publication) {
        this.scheduler = scheduler;
        this.publication = publication;
    }

    @Override
    public void start() {
        publication.start();
        scheduler.start();
    }
}
