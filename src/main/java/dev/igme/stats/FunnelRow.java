package dev.igme.stats;

import java.time.LocalDate;
import java.util.Map;

/**
 * One group of the funnel: what its links' clicks, conversations and replies came to. Counts come
 * from the stored rows (one per click id, attribution, reply, coupon), never from event counts.
 *
 * @param key                    the group: a campaign id, a channel, a link id or a day ({@code yyyy-MM-dd})
 * @param campaign               the campaign, when the group has one (campaign and link rows)
 * @param channel                the channel, when the group has one (channel and link rows)
 * @param link                   the link id (link rows)
 * @param label                  the link's label (link rows)
 * @param day                    the day in the query's zone (day rows)
 * @param clicks                 tracked-redirect clicks by people
 * @param botClicks              link-preview bots, counted apart
 * @param conversations          referrals that named one of the group's links (attributions)
 * @param conversion             {@code referralsFromClicks / clicks}; null without clicks
 * @param couponsIssued          coupon codes handed to these conversations
 * @param clickToReferral        seconds from the click to its referral
 * @param referralToReply        seconds from the referral to the sent reply
 * @param boundIdentities        distinct users bound to an external id by a verified personal ref
 */
public record FunnelRow(String key, String campaign, String channel, String link, String label, LocalDate day,
        long clicks, long botClicks, long conversations, Scenarios scenarios, long newThreads, long existingThreads,
        long referralsFromClicks, Double conversion, Replies replies, long couponsIssued,
        Percentiles clickToReferral, Percentiles referralToReply, long boundIdentities) {

    /** Conversations by how they were opened ({@code attribution.Scenario}). */
    public record Scenarios(long icebreakerTaps, long typedMessages, long existingThreadReferrals) {
        public static final Scenarios NONE = new Scenarios(0, 0, 0);
    }

    /**
     * The replies to the group's conversations by outcome. {@code skipped} and {@code failed} hold
     * every reason of {@code ReplyStatus} (without its prefix), zeros included, in its order.
     *
     * @param pending not final yet (pending, claimed or sending)
     */
    public record Replies(long sent, long pending, Map<String, Long> skipped, Map<String, Long> failed) {
    }

    /** p50 and p95 in seconds (PostgreSQL percentile_cont); null when there is nothing to measure. */
    public record Percentiles(Double p50, Double p95) {
        public static final Percentiles NONE = new Percentiles(null, null);
    }
}
