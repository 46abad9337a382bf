package dev.igme.account.token;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Refreshed at least 24 hours after issue, well before 60 days, never more than hourly after a failure. */
class TokenPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");
    private static final Duration WEEK = Duration.ofDays(7);

    private static boolean due(TokenState state, Instant failedAt) {
        return TokenPolicy.refreshDue(state, failedAt, WEEK, NOW);
    }

    @Test
    void aConfiguredTokenIsRefreshedOnceItHasBeenInUseFor24Hours() {
        assertFalse(due(new TokenState(NOW.minus(Duration.ofHours(23)), null, null, null, true), null));
        assertTrue(due(new TokenState(NOW.minus(Duration.ofHours(24)), null, null, null, true), null));
    }

    @Test
    void aRefreshedTokenIsRefreshedAgainAfterRefreshAfterOrNearItsExpiry() {
        assertFalse(due(new TokenState(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(6)),
                NOW.plus(Duration.ofDays(54)), null, true), null));
        assertTrue(due(new TokenState(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(7)),
                NOW.plus(Duration.ofDays(53)), null, true), null));
        assertTrue(due(new TokenState(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofDays(2)),
                NOW.plus(Duration.ofDays(6)), null, true), null), "near expiry");
        assertFalse(due(new TokenState(NOW.minus(Duration.ofDays(30)), NOW.minus(Duration.ofHours(3)),
                NOW.plus(Duration.ofDays(6)), null, true), null), "Meta refuses tokens younger than 24 hours");
    }

    @Test
    void notWithoutAKeyNorWithinAnHourOfAFailure() {
        TokenState old = new TokenState(NOW.minus(Duration.ofDays(3)), null, null, null, true);
        assertFalse(due(new TokenState(old.inUseSince(), null, null, null, false), null));
        assertFalse(due(old, NOW.minus(Duration.ofMinutes(59))));
        assertTrue(due(old, NOW.minus(Duration.ofMinutes(61))));
    }
}
