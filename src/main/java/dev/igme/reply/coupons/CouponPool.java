package dev.igme.reply.coupons;

import java.time.Instant;

/**
 * A coupon pool as the API shows it: {@code total} codes uploaded, {@code issued} to conversations,
 * {@code left} to hand out. {@code lowThreshold}: a warning is logged when {@code left} falls below
 * it (0: never).
 */
public record CouponPool(long id, String name, String description, int lowThreshold, long total, long issued,
        long left, Instant createdAt) {
}
