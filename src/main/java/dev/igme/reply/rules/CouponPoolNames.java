package dev.igme.reply.rules;

import java.util.Collection;
import java.util.Set;

import io.smallrye.mutiny.Uni;

/**
 * Which coupon pools exist, for checking a rule's {@code couponPool} before it is stored. Declared
 * here and implemented where the pools live ({@code reply.coupons}, which builds on the rules), so
 * that the rules never depend on that package.
 */
public interface CouponPoolNames {

    /** The names among {@code names} that are pools. */
    Uni<Set<String>> existing(Collection<String> names);
}
