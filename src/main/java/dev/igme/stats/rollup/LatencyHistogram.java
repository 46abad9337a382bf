package dev.igme.stats.rollup;

/**
 * Fixed log-spaced latency buckets, so that a day's latencies can be stored as counts and summed
 * across days and links, and percentiles read from the merged counts. Bucket 0 holds everything
 * below {@value #FIRST_EDGE} s (negative clock skew too); bucket {@code b} in 1..{@value #BUCKETS}-2
 * holds {@code [FIRST_EDGE·√2^(b-1), FIRST_EDGE·√2^b)}; the last holds everything from
 * {@code FIRST_EDGE·√2^(BUCKETS-2)} s (≈19.4 days) on.
 *
 * <p>A percentile is read like PostgreSQL's {@code percentile_cont} (the value at fractional rank
 * {@code p·(n-1)}), assuming a bucket's values spread evenly between its edges. The estimate lies
 * in the bucket that holds the true value (or in the neighbouring bucket when the two values
 * percentile_cont interpolates between straddle an edge), so its relative error is below √2 − 1
 * (41 %) past 0.1 s, and far smaller when the bucket's values are spread out; below 0.1 s the
 * absolute error is below 0.1 s; past the last edge the answer is that edge.
 */
public final class LatencyHistogram {

    /** Number of buckets (the length of the stored arrays). */
    public static final int BUCKETS = 50;
    /** Upper edge of bucket 0, in seconds. */
    public static final double FIRST_EDGE = 0.1;

    private LatencyHistogram() {
    }

    /** The lower edge of bucket {@code b} in seconds (0 for bucket 0). */
    public static double lower(int b) {
        return b == 0 ? 0 : FIRST_EDGE * Math.pow(2, (b - 1) / 2.0);
    }

    /** The upper edge of bucket {@code b} in seconds (the last bucket's lower edge for the last one). */
    public static double upper(int b) {
        return b >= BUCKETS - 1 ? lower(BUCKETS - 1) : FIRST_EDGE * Math.pow(2, b / 2.0);
    }

    /** The bucket of a latency of {@code seconds}. */
    public static int bucket(double seconds) {
        if (seconds < FIRST_EDGE) {
            return 0;
        }
        int b = 1 + (int) Math.floor(2 * Math.log(seconds / FIRST_EDGE) / Math.log(2));
        return Math.min(BUCKETS - 1, b);
    }

    /**
     * The same as {@link #bucket(double)} in SQL, 1-based (PostgreSQL arrays), for a
     * {@code double precision} expression of seconds; null stays null.
     */
    public static String sqlBucket(String seconds) {
        return "(CASE WHEN " + seconds + " IS NULL THEN NULL WHEN " + seconds + " < " + FIRST_EDGE + " THEN 1"
                + " ELSE least(" + BUCKETS + ", 2 + floor(2 * ln((" + seconds + ") / " + FIRST_EDGE + ") / ln(2))::int) END)";
    }

    /** The {@code p} percentile (0..1) of the merged counts; null when they are all zero. */
    public static Double percentile(long[] counts, double p) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        if (n == 0) {
            return null;
        }
        double rank = p * (n - 1);
        long below = (long) Math.floor(rank);
        double fraction = rank - below;
        double low = valueAt(counts, below);
        if (fraction == 0 || below + 1 >= n) {
            return low;
        }
        return low + fraction * (valueAt(counts, below + 1) - low);
    }

    /** The estimated value of the {@code rank}-th (0-based) smallest latency. */
    private static double valueAt(long[] counts, long rank) {
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            if (rank < seen + counts[b]) {
                if (b >= BUCKETS - 1) {
                    return lower(b);
                }
                double position = (rank - seen + 0.5) / counts[b];
                return lower(b) + position * (upper(b) - lower(b));
            }
            seen += counts[b];
        }
        return lower(counts.length - 1);
    }
}
