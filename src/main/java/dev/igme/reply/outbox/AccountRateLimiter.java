package dev.igme.reply.outbox;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.graph.Account;
import io.smallrye.mutiny.Uni;

/**
 * Per-account Send API budget of this instance ({@code igme.reply.rate-limit}, or the account's
 * own {@code rate-limit}). With several replier instances give each its share of Meta's budget;
 * Meta's own rate-limit answers (4, 17, 32, 613) additionally hold the account back here.
 */
@ApplicationScoped
public class AccountRateLimiter {

    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

    /** Completes when a call for this account may start; never blocks a thread. */
    public Uni<Void> acquire(Account account) {
        long wait = bucket(account).reserve(System.nanoTime());
        Uni<Void> go = Uni.createFrom().voidItem();
        return wait <= 0 ? go : go.onItem().delayIt().by(Duration.ofNanos(wait));
    }

    /**
     * Takes a token now and says how long its call must wait (zero: it may start at once), for a
     * caller that decides by the wait, e.g. to hand a row straight to sending.
     */
    public Duration reserve(Account account) {
        return Duration.ofNanos(Math.max(0, bucket(account).reserve(System.nanoTime())));
    }

    /** Holds every call for this account back for {@code pause}. */
    public void backOff(Account account, Duration pause) {
        bucket(account).blockUntil(System.nanoTime() + pause.toNanos());
    }

    private TokenBucket bucket(Account account) {
        return buckets.computeIfAbsent(account.igAccountId(), id -> new TokenBucket(account.rateLimit(), System.nanoTime()));
    }
}
