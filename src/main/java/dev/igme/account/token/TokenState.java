package dev.igme.account.token;

import java.time.Instant;

/**
 * What the service knows about an account's token lifetime. Instagram Login tokens reveal their
 * expiry only when refreshed, so for a token the service did not refresh {@code expiresAt} is null.
 *
 * @param inUseSince when the service first used the configured token (refresh is possible 24 h later)
 * @param refreshedAt when the service last refreshed it, or null
 * @param expiresAt the expiry Meta gave with the last refresh, or null
 * @param refreshError why the last refresh failed, or null
 * @param refreshable whether refreshed tokens can be stored (an encryption key is configured)
 */
public record TokenState(Instant inUseSince, Instant refreshedAt, Instant expiresAt, String refreshError,
        boolean refreshable) {

    public static TokenState unknown(boolean refreshable) {
        return new TokenState(null, null, null, null, refreshable);
    }
}
