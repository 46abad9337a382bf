package dev.igme.platform;

import java.time.Duration;
import java.util.function.Supplier;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;

/**
 * Periodic work whose interval is a configuration value read through {@code IgmeConfig} (so that
 * it is validated and documented once), scheduled when the role that does the work starts.
 */
public final class Jobs {

    private Jobs() {
    }

    /**
     * Runs {@code task} every {@code interval}, first after {@code delay}; a run still going when
     * the next is due is skipped, nothing runs once shutdown began (the database pool closes before
     * the scheduler stops ticking), and a failed run is logged and does not stop the next.
     */
    public static void every(Scheduler scheduler, String name, Duration interval, Duration delay,
            Supplier<Uni<Void>> task) {
        scheduler.newJob(name)
                .setInterval(interval.toString())
                .setDelayed(delay.toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setSkipPredicate(Scheduled.ApplicationNotRunning.class)
                .setAsyncTask(execution -> task.get()
                        .onFailure().invoke(e -> Log.warnf("%s failed: %s", name, e.toString()))
                        .onFailure().recoverWithNull().replaceWithVoid())
                .schedule();
    }
}
