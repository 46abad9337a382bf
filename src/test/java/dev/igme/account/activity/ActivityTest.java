package dev.igme.account.activity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class ActivityTest {

    private static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void silentOnlyPastTheExpectationCountingFromTheWatchWhenNothingCameYet() {
        assertFalse(new Activity(NOW.minus(Duration.ofMinutes(59)), null, NOW.minus(Duration.ofDays(1))).silent(HOUR, NOW));
        assertTrue(new Activity(NOW.minus(Duration.ofMinutes(61)), null, NOW.minus(Duration.ofDays(1))).silent(HOUR, NOW));
        assertFalse(Activity.none(NOW.minus(Duration.ofMinutes(30))).silent(HOUR, NOW));
        assertTrue(Activity.none(NOW.minus(Duration.ofMinutes(90))).silent(HOUR, NOW));
        assertFalse(Activity.none(NOW.minus(Duration.ofDays(9))).silent(null, NOW), "no expectation, never silent");
        assertFalse(Activity.none(null).silent(HOUR, NOW), "not watched yet");
    }

    @Test
    void agesInSecondsAndNaNBeforeTheFirst() {
        Activity activity = new Activity(NOW.minusSeconds(90), null, NOW.minus(HOUR));
        assertEquals(90.0, activity.deliveryAgeSeconds(NOW));
        assertTrue(Double.isNaN(activity.referralAgeSeconds(NOW)));
    }
}
