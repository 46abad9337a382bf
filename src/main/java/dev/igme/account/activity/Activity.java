package dev.igme.account.activity;

import java.time.Duration;
import java.time.Instant;

/**
 * When deliveries and referrals for an account last arrived (null: none seen), and since when
 * the service has been watching (an account with no delivery yet counts from then).
 */
public record Activity(Instant lastDeliveryAt, Instant lastReferralAt, Instant watchedSince) {

    public static Activity none(Instant since) {
        return new Activity(null, null, since);
    }

    /**
     * Silent: expected to get deliveries within {@code expect}, and longer than that since the
     * last one (or, with none yet, since the watch began). No expectation: never silent.
     */
    public boolean silent(Duration expect, Instant now) {
        if (expect == null) {
            return false;
        }
        Instant since = lastDeliveryAt != null ? lastDeliveryAt : watchedSince;
        return since != null && Duration.between(since, now).compareTo(expect) > 0;
    }

    /** Seconds since the last delivery, or NaN when none was seen. */
    public double deliveryAgeSeconds(Instant now) {
        return age(lastDeliveryAt, now);
    }

    public double referralAgeSeconds(Instant now) {
        return age(lastReferralAt, now);
    }

    private static double age(Instant at, Instant now) {
        return at == null ? Double.NaN : Math.max(0, Duration.between(at, now).toMillis() / 1000.0);
    }
}
