package dev.igme.reply.outbox;

/**
 * A token bucket that hands out reservations: {@link #reserve} takes a token now and says how long
 * to wait before using it, so callers wait without blocking a thread. Holds up to one second's
 * worth of tokens; {@link #blockUntil} holds every reservation back (Meta said: rate limited).
 */
final class TokenBucket {

    private final double ratePerSecond;
    private final double capacity;
    private double tokens;
    private long lastNanos;
    private long blockedUntilNanos;

    TokenBucket(double ratePerSecond, long nowNanos) {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.ratePerSecond = ratePerSecond;
        this.capacity = Math.max(1, ratePerSecond);
        this.tokens = capacity;
        this.lastNanos = nowNanos;
        this.blockedUntilNanos = nowNanos;
    }

    /** Takes a token; returns the nanoseconds to wait before the call it pays for may start. */
    synchronized long reserve(long nowNanos) {
        if (nowNanos > lastNanos) {
            tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) / 1e9 * ratePerSecond);
            lastNanos = nowNanos;
        }
        tokens -= 1;
        long waitForToken = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerSecond * 1e9);
        return Math.max(waitForToken, blockedUntilNanos - nowNanos);
    }

    synchronized void blockUntil(long nanos) {
        blockedUntilNanos = Math.max(blockedUntilNanos, nanos);
    }
}
