package dev.igme.reply.coupons;

/** The body of {@code POST /api/v1/coupon-pools}; {@code description} and {@code lowThreshold} are optional. */
public record NewCouponPool(String name, String description, Integer lowThreshold) {
}
