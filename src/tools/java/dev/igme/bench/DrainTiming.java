package dev.igme.bench;

import java.time.Duration;
import java.time.Instant;

/**
 * When a drain phase's service was launched, when it reported ready, when the first unit of the
 * backlog was done and when the last was: the same three rates for the normalizer and the replier,
 * so that neither is measured with its start-up and the other without.
 */
record DrainTiming(long units, Instant launched, Instant ready, Instant first, long doneAtFirst, Instant last) {

    /** Counts what is done so far. */
    interface Count {
        long done() throws Exception;
    }

    /**
     * Polls {@code count} every 100 ms from {@code ready} until {@code units} are done.
     *
     * @param what names the phase in the timeout's message
     */
    static DrainTiming await(String what, long units, Count count, Instant launched, Instant ready) throws Exception {
        Instant first = null;
        long doneAtFirst = 0;
        long done;
        while ((done = count.done()) < units) {
            if (done > 0 && first == null) {
                first = Instant.now();
                doneAtFirst = done;
            }
            if (Duration.between(ready, Instant.now()).toMinutes() > 10) {
                throw new IllegalStateException(what + ": " + done + " of " + units + " done in 10 minutes");
            }
            Thread.sleep(100);
        }
        Instant last = Instant.now();
        return new DrainTiming(units, launched, ready, first == null ? last : first, first == null ? units : doneAtFirst, last);
    }

    double secondsFromLaunch() {
        return seconds(launched, last);
    }

    double secondsFromReady() {
        return seconds(ready, last);
    }

    /** Units per second from the process's launch (start-up included). */
    double rateFromLaunch() {
        return units / secondsFromLaunch();
    }

    /** Units per second from the moment the service answered ready: the drain proper. */
    double rateFromReady() {
        return units / secondsFromReady();
    }

    /** Units per second between the first poll that saw work done and the last (start-up and first fetch excluded). */
    double rateFromFirst() {
        double seconds = seconds(first, last);
        return seconds <= 0 ? Double.NaN : (units - doneAtFirst) / seconds;
    }

    /** The three rates for a table's notes cell. */
    String describe(String unit) {
        return String.format("from ready %,.0f %s/s (%.1f s); from launch %,.0f %s/s (%.1f s, start-up %.1f s);"
                + " from the first done %,.0f %s/s", rateFromReady(), unit, secondsFromReady(), rateFromLaunch(), unit,
                secondsFromLaunch(), seconds(launched, ready), rateFromFirst(), unit);
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
