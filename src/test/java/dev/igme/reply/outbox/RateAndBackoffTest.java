package dev.igme.reply.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RateAndBackoffTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void bucketAllowsOneSecondsBurstThenSpacesCallsAtTheRate() {
        TokenBucket bucket = new TokenBucket(10, 0);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, bucket.reserve(0), "call " + i + " of the burst");
        }
        assertEquals(SECOND / 10, bucket.reserve(0), "the 11th waits one token's time");
        assertEquals(2 * SECOND / 10, bucket.reserve(0), "the 12th waits two");
        assertEquals(0, new TokenBucket(10, 0).reserve(5 * SECOND));
    }

    @Test
    void bucketRefillsOverTimeUpToOneSecondsWorth() {
        TokenBucket bucket = new TokenBucket(2, 0);
        bucket.reserve(0);
        bucket.reserve(0);
        assertEquals(0, bucket.reserve(SECOND / 2), "half a second refills one token at 2/s");
        TokenBucket idle = new TokenBucket(2, 0);
        idle.reserve(100 * SECOND);
        idle.reserve(100 * SECOND);
        assertEquals(SECOND / 2, idle.reserve(100 * SECOND), "idle time never banks more than one second's worth");
    }

    @Test
    void blockHoldsEveryReservationBack() {
        TokenBucket bucket = new TokenBucket(100, 0);
        bucket.blockUntil(3 * SECOND);
        assertEquals(3 * SECOND, bucket.reserve(0));
        assertEquals(SECOND, bucket.reserve(2 * SECOND));
    }

    @Test
    void backoffDoublesFromTheInitialAndIsCapped() {
        Duration initial = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(30);
        assertEquals(Duration.ofSeconds(1), ReplyDispatcher.backoff(1, initial, max, 1.0));
        assertEquals(Duration.ofSeconds(2), ReplyDispatcher.backoff(2, initial, max, 1.0));
        assertEquals(Duration.ofSeconds(16), ReplyDispatcher.backoff(5, initial, max, 1.0));
        assertEquals(Duration.ofSeconds(30), ReplyDispatcher.backoff(12, initial, max, 1.0));
        assertEquals(Duration.ofMillis(1200), ReplyDispatcher.backoff(1, initial, max, 1.2), "jitter scales it");
    }
}
