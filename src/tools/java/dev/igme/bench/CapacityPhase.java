package dev.igme.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * End-to-end capacity of the all-roles process: the open-loop referral rate is stepped up until
 * POST → Send API call p99 exceeds {@link #SEND_P99_LIMIT} (or a delivery is not answered 200, or
 * a reply does not come at all); the last step that held is the capacity. A fixed rate measured
 * the machine: on a slow spell of the shared machine the same code fell seconds behind at
 * 1,000 items/s. A capacity, set against the normalizer-only drain of the same run, measures
 * the code.
 *
 * <p>Every step has its own refs ({@code bench-e2e-<step>-<n>}, matching the benchmark's reply
 * rule) and new users, so a step's latencies are its own. After each step's load the phase waits
 * for the step's replies, at most {@link #DRAIN}; a reply that never came counts as infinitely
 * late.
 */
final class CapacityPhase {

    /** Referrals per delivery: a delivery of 10 items, as in the earlier fixed-rate phase. */
    static final int ITEMS = 10;
    static final Duration SEND_P99_LIMIT = Duration.ofSeconds(1);
    /** How long after a step's last POST its replies may still come. */
    static final Duration DRAIN = Duration.ofSeconds(20);
    private static final long USER_BASE = 6_600_000_000_000_000L;

    /** One rate held for a while: what the webhook answered, and when events and replies came. */
    record Step(double itemsPerSecond, long items, long non200, long missingEvents, long missingSends,
            long[] toEventNanos, long[] toSendNanos) {

        long eventPercentile(double p) {
            return percentile(toEventNanos, p);
        }

        long sendPercentile(double p) {
            return percentile(toSendNanos, p);
        }

        boolean sustained() {
            return items > 0 && non200 == 0 && sendPercentile(99) <= SEND_P99_LIMIT.toNanos();
        }

        /** Percentiles with replies that never came counted as infinitely late. */
        private static long percentile(long[] nanos, double p) {
            if (nanos.length == 0) {
                return Long.MAX_VALUE;
            }
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p / 100 * sorted.length) - 1))];
        }
    }

    private final LoadGenerator load;
    private final int port;
    /** When each attribution event (by ref) appeared on the topic; nanoTime. */
    private final Map<String, Long> eventAtByRef;
    /** When the fake Send API got its first call for each recipient; nanoTime. */
    private final Map<String, Long> sendAtByUser;

    CapacityPhase(LoadGenerator load, int port, Map<String, Long> eventAtByRef, Map<String, Long> sendAtByUser) {
        this.load = load;
        this.port = port;
        this.eventAtByRef = eventAtByRef;
        this.sendAtByUser = sendAtByUser;
    }

    /** The rates to try, in referral items per second, from {@code -Dbench.capacity.steps}. */
    static List<Double> steps() {
        String steps = System.getProperty("bench.capacity.steps", "");
        if (steps.isBlank()) {
            steps = "250,500,750,1000,1250,1500,2000,2500,3000,4000,5000,6000,8000,10000";
        }
        return Arrays.stream(steps.split(",")).map(String::strip).map(Double::valueOf).toList();
    }

    /**
     * Steps up through {@code rates} until one is not sustained.
     *
     * @return every step tried: up the grid to the first rate that did not hold (unless all held),
     *         then {@code -Dbench.capacity.refine} (default 2) bisections between the highest rate
     *         that held and the lowest that did not; when the first rate did not hold, up to three
     *         halvings of it instead
     */
    List<Step> stepUp(List<Double> rates, Duration each) throws InterruptedException {
        List<Step> tried = new ArrayList<>();
        for (double rate : rates) {
            Step step = hold("bench-e2e-" + (long) rate + "-", rate, each);
            tried.add(step);
            Benchmark.log(String.format("capacity step %,.0f items/s: Send p99 %s, event p99 %s, non-200 %d, no reply %d -> %s",
                    rate, ms(step.sendPercentile(99)), ms(step.eventPercentile(99)), step.non200(), step.missingSends(),
                    step.sustained() ? "held" : "not held"));
            if (!step.sustained()) {
                break;
            }
        }
        // Between the last rate that held and the first that did not, the capacity is somewhere in
        // a gap of up to a quarter (4,000 -> 5,000): halve the gap a few times, each try after the
        // previous overload's backlog drained, so the capacity is not under-reported by the grid.
        int refinements = Integer.getInteger("bench.capacity.refine", 2);
        Step failed = tried.get(tried.size() - 1);
        double held = capacity(tried);
        if (!failed.sustained() && held > 0) {
            double above = failed.itemsPerSecond();
            for (int r = 0; r < refinements; r++) {
                double mid = Math.round((held + above) / 2 / 50) * 50.0;
                if (mid <= held || mid >= above) {
                    break;
                }
                awaitQuiet();
                Step step = hold("bench-e2e-" + (long) mid + "-", mid, each);
                tried.add(step);
                Benchmark.log(String.format("capacity step %,.0f items/s (between %,.0f and %,.0f): Send p99 %s, no reply %d -> %s",
                        mid, held, above, ms(step.sendPercentile(99)), step.missingSends(), step.sustained() ? "held" : "not held"));
                if (step.sustained()) {
                    held = mid;
                } else {
                    above = mid;
                }
            }
        }
        // A slow spell can make even the first rate too much: then halve it (after the backlog
        // drained) a few times, so the run still reports a capacity instead of 0.
        double lower = rates.get(0);
        for (int halving = 0; halving < 3 && capacity(tried) == 0; halving++) {
            lower /= 2;
            awaitQuiet();
            Step step = hold("bench-e2e-" + (long) lower + "-", lower, each);
            tried.add(step);
            Benchmark.log(String.format("capacity step %,.0f items/s (below the first rate): Send p99 %s -> %s", lower,
                    ms(step.sendPercentile(99)), step.sustained() ? "held" : "not held"));
        }
        return tried;
    }

    /**
     * Waits until the fake Send API has seen no new recipient for 3 s (at most 2 minutes): the step
     * that did not hold leaves a backlog, and the half-capacity phase must not measure its drain.
     */
    void awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        int seen = sendAtByUser.size();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3)) {
            TimeUnit.MILLISECONDS.sleep(250);
            int now = sendAtByUser.size();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /** The highest rate of {@code tried} that held, 0 when none did. */
    static double capacity(List<Step> tried) {
        return tried.stream().filter(Step::sustained).mapToDouble(Step::itemsPerSecond).max().orElse(0);
    }

    /** {@code itemsPerSecond} referral items, open loop, for {@code duration}; then waits for their replies. */
    Step hold(String refPrefix, double itemsPerSecond, Duration duration) throws InterruptedException {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        LoadGenerator.Result answers = load.openLoop(port, itemsPerSecond / ITEMS, duration,
                () -> load.referrals(refPrefix, ITEMS), sentAt);
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (System.nanoTime() < deadline && !allReplied(refPrefix, sentAt)) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        List<Long> toEvent = new ArrayList<>();
        List<Long> toSend = new ArrayList<>();
        long missingEvents = 0;
        long missingSends = 0;
        for (Map.Entry<String, Long> sent : sentAt.entrySet()) {
            Long event = eventAtByRef.get(sent.getKey());
            if (event == null) {
                missingEvents++;
                toEvent.add(Long.MAX_VALUE);
            } else {
                toEvent.add(event - sent.getValue());
            }
            Long call = sendAtByUser.get(user(refPrefix, sent.getKey()));
            if (call == null) {
                missingSends++;
                toSend.add(Long.MAX_VALUE);
            } else {
                toSend.add(call - sent.getValue());
            }
        }
        return new Step(itemsPerSecond, sentAt.size(), answers.other(), missingEvents, missingSends,
                toEvent.stream().mapToLong(Long::longValue).toArray(), toSend.stream().mapToLong(Long::longValue).toArray());
    }

    private boolean allReplied(String refPrefix, Map<String, Long> sentAt) {
        for (String ref : sentAt.keySet()) {
            if (!sendAtByUser.containsKey(user(refPrefix, ref))) {
                return false;
            }
        }
        return true;
    }

    /** The recipient of a ref made by {@link LoadGenerator#referrals}: each item is a new user. */
    static String user(String refPrefix, String ref) {
        return Long.toString(USER_BASE + Long.parseLong(ref.substring(refPrefix.length())));
    }

    static String ms(long nanos) {
        return nanos == Long.MAX_VALUE ? "never" : String.format("%.1f ms", nanos / 1e6);
    }

    /** p50, p95, p99 and max of a step's latencies; "never" when some did not arrive. */
    static String percentiles(long[] nanos) {
        return String.format("p50 %s, p95 %s, p99 %s, max %s", ms(Step.percentile(nanos, 50)), ms(Step.percentile(nanos, 95)),
                ms(Step.percentile(nanos, 99)), ms(Step.percentile(nanos, 100)));
    }
}
