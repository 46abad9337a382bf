package dev.igme.account.token;

import java.time.Duration;
import java.time.Instant;

/**
 * When an Instagram Login token is refreshed. Meta refreshes only tokens at least 24 hours old;
 * they live 60 days. A token the service refreshed is refreshed again once it is
 * {@code refreshAfter} old, or sooner when its known expiry is near; a configured token (age and
 * expiry unknown) once it has been in use for 24 hours. After a failed refresh, wait an hour.
 */
public final class TokenPolicy {

    static final Duration MIN_AGE = Duration.ofHours(24);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofHours(1);
    static final Duration NEAR_EXPIRY = Duration.ofDays(7);

    private TokenPolicy() {
    }

    public static boolean refreshDue(TokenState state, Instant lastFailureAt, Duration refreshAfter, Instant now) {
        if (!state.refreshable()) {
            return false;
        }
        if (lastFailureAt != null && Duration.between(lastFailureAt, now).compareTo(RETRY_AFTER_FAILURE) < 0) {
            return false;
        }
        Instant since = state.refreshedAt() != null ? state.refreshedAt() : state.inUseSince();
        if (since == null) {
            return false;
        }
        Duration age = Duration.between(since, now);
        if (age.compareTo(MIN_AGE) < 0) {
            return false;
        }
        if (state.refreshedAt() == null) {
            return true;
        }
        boolean nearExpiry = state.expiresAt() != null && Duration.between(now, state.expiresAt()).compareTo(NEAR_EXPIRY) < 0;
        return nearExpiry || age.compareTo(refreshAfter) >= 0;
    }
}
