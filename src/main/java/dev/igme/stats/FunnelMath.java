package dev.igme.stats;

/** The funnel's arithmetic, apart from I/O. */
final class FunnelMath {

    private FunnelMath() {
    }

    /** Referrals that followed a click per human click, rounded to 4 places; null without clicks. */
    static Double conversion(long referralsFromClicks, long clicks) {
        if (clicks == 0) {
            return null;
        }
        return Math.round(referralsFromClicks * 10_000.0 / clicks) / 10_000.0;
    }
}
