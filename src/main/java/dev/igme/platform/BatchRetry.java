package dev.igme.platform;

import java.time.Duration;
import java.util.function.Supplier;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * How the consumers treat a batch they could not finish (database or broker unreachable): retry
 * it with capped, jittered backoff, forever. The consumer pauses and its offsets stay where they
 * are; nothing is skipped. Errors the same data would cause again must be handled before this.
 */
public final class BatchRetry {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private BatchRetry() {
    }

    /**
     * @param attempt one attempt at the whole batch, called again for every retry
     * @param what the batch, for the log line ("Batch of 100 raw deliveries")
     */
    public static <T> Uni<T> untilDone(Supplier<Uni<? extends T>> attempt, String what) {
        return Uni.createFrom().deferred(attempt)
                .onFailure().invoke(failure -> Log.warnf("%s not done yet, retrying (nothing is skipped): %s",
                        what, failure.toString()))
                .onFailure().retry().withBackOff(FIRST_BACKOFF, MAX_BACKOFF).withJitter(0.2).indefinitely();
    }
}
