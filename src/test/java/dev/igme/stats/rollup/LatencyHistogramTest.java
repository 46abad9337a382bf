package dev.igme.stats.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.igme.reply.outbox.ReplyStatus;

class LatencyHistogramTest {

    /** PostgreSQL's percentile_cont on sorted values. */
    private static double exact(double[] sorted, double p) {
        double rank = p * (sorted.length - 1);
        int below = (int) Math.floor(rank);
        if (below + 1 >= sorted.length) {
            return sorted[below];
        }
        return sorted[below] + (rank - below) * (sorted[below + 1] - sorted[below]);
    }

    @Test
    void bucketsAreHalfOctavesFromATenthOfASecond() {
        assertEquals(0, LatencyHistogram.bucket(-3));
        assertEquals(0, LatencyHistogram.bucket(0.099));
        assertEquals(1, LatencyHistogram.bucket(0.1));
        assertEquals(3, LatencyHistogram.bucket(0.2));
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucket(365 * 86_400.0));
        for (int b = 1; b < LatencyHistogram.BUCKETS - 1; b++) {
            assertEquals(b, LatencyHistogram.bucket(LatencyHistogram.lower(b) * 1.0001), "bucket " + b);
            assertEquals(Math.sqrt(2), LatencyHistogram.upper(b) / LatencyHistogram.lower(b), 1e-9);
        }
    }

    @Test
    void percentilesFromTheMergedCountsStayWithinTheDocumentedBound() {
        Random random = new Random(13);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(2_000);
            double[] values = new double[n];
            long[] counts = new long[LatencyHistogram.BUCKETS];
            double scale = Math.pow(10, random.nextInt(6) - 1);
            for (int i = 0; i < n; i++) {
                values[i] = scale * Math.exp(random.nextGaussian() * 1.5);
                counts[LatencyHistogram.bucket(values[i])]++;
            }
            Arrays.sort(values);
            for (double p : List.of(0.5, 0.95)) {
                double t = exact(values, p);
                double e = LatencyHistogram.percentile(counts, p);
                assertTrue(e <= t * Math.sqrt(2) + LatencyHistogram.FIRST_EDGE
                        && e >= t / Math.sqrt(2) - LatencyHistogram.FIRST_EDGE, "p" + p + " exact " + t + " estimate " + e);
            }
        }
        assertNull(LatencyHistogram.percentile(new long[LatencyHistogram.BUCKETS], 0.5));
    }

    /**
     * The rollups store reply counts by the enum's position: a new status goes at the end (old
     * rows then count none of it); reordering needs every day rolled up again (README).
     */
    @Test
    void replyStatusesKeepTheOrderTheRollupsStoreThemIn() {
        assertEquals(List.of("PENDING", "CLAIMED", "SENDING", "SENT", "SKIPPED_NO_RULE", "SKIPPED_TEST_DELIVERY",
                "SKIPPED_STANDBY", "SKIPPED_ACCOUNT_NOT_CONFIGURED", "SKIPPED_ACCOUNT_PAUSED", "SKIPPED_WINDOW_CLOSED",
                "SKIPPED_COOLDOWN", "SKIPPED_NO_COUPON", "SKIPPED_COUPON_ALREADY_ISSUED", "FAILED_MESSAGE_TOO_LONG",
                "FAILED_WINDOW_CLOSED", "FAILED_USER_UNAVAILABLE", "FAILED_NO_MATCHING_USER", "FAILED_INVALID_MESSAGE",
                "FAILED_THREAD_CONTROLLED_BY_OTHER_APP", "FAILED_DM_ACCESS_DISABLED", "FAILED_TOKEN_INVALID",
                "FAILED_RATE_LIMITED", "FAILED_TEMPORARY", "FAILED_AMBIGUOUS", "FAILED_UNKNOWN"),
                Arrays.stream(ReplyStatus.values()).map(Enum::name).toList());
    }
}
