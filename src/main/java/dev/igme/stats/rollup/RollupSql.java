package dev.igme.stats.rollup;

import java.util.function.Function;

import dev.igme.attribution.Scenario;
import dev.igme.reply.outbox.ReplyStatus;

/**
 * The one definition of a day's rollup row computed from the raw rows, used both to write the
 * rollups and, at query time, for the partial days at a range's edges, so the two cannot drift.
 * Enum names come in as parameters: {@code $s} holds the {@link ReplyStatus} names in the enum's
 * order (the index into {@code replies}), {@code $s+1..$s+3} the three {@link Scenario}s,
 * {@code $s+4} {@code SENT}.
 */
public final class RollupSql {

    /** The columns of {@code stats_link_day} after zone and day, in table order. */
    public static final String COLUMNS = "link_id, clicks, bot_clicks, conversations, icebreaker_taps, typed_messages,"
            + " existing_thread_referrals, new_threads, referrals_from_clicks, coupons_issued, bound_identities,"
            + " replies, click_to_referral, referral_to_reply";

    private RollupSql() {
    }

    /** The values of the enum parameters, from {@code $s} on. */
    public static void addEnums(io.vertx.mutiny.sqlclient.Tuple params) {
        String[] statuses = new String[ReplyStatus.values().length];
        for (ReplyStatus status : ReplyStatus.values()) {
            statuses[status.ordinal()] = status.name();
        }
        params.addArrayOfString(statuses);
        params.addString(Scenario.ICEBREAKER_POSTBACK.name());
        params.addString(Scenario.NEW_THREAD_MESSAGE.name());
        params.addString(Scenario.EXISTING_THREAD_REFERRAL.name());
        params.addString(ReplyStatus.SENT.name());
    }

    /**
     * Rows {@code (day, link_id, clicks, …, referral_to_reply)}, one per day of {@code zone} and
     * link with clicks or attributions.
     *
     * @param zone    SQL of the zone id ({@code $n})
     * @param range   a predicate on a time column (given its name): which rows count
     * @param links   a predicate on a link id column (given its name): which links count
     * @param s       the number of the first enum parameter
     */
    public static String linkDays(String zone, Function<String, String> range, Function<String, String> links, int s) {
        StringBuilder replies = new StringBuilder();
        for (int i = 1; i <= ReplyStatus.values().length; i++) {
            replies.append(i == 1 ? "" : ", ").append("count(*) FILTER (WHERE x.status = ").append(i).append(')');
        }
        return "SELECT coalesce(c.day, a.day) AS day, coalesce(c.link_id, a.link_id) AS link_id,"
                + " coalesce(c.clicks, 0) AS clicks, coalesce(c.bot_clicks, 0) AS bot_clicks,"
                + " coalesce(a.conversations, 0) AS conversations, coalesce(a.icebreaker_taps, 0) AS icebreaker_taps,"
                + " coalesce(a.typed_messages, 0) AS typed_messages,"
                + " coalesce(a.existing_thread_referrals, 0) AS existing_thread_referrals,"
                + " coalesce(a.new_threads, 0) AS new_threads, coalesce(a.referrals_from_clicks, 0) AS referrals_from_clicks,"
                + " coalesce(a.coupons_issued, 0) AS coupons_issued, coalesce(a.bound_identities, 0) AS bound_identities,"
                + " coalesce(a.replies, '{}') AS replies, coalesce(a.click_to_referral, '{}') AS click_to_referral,"
                + " coalesce(a.referral_to_reply, '{}') AS referral_to_reply\n"
                + "FROM (SELECT (k.clicked_at AT TIME ZONE " + zone + ")::date AS day, k.link_id,"
                + " (count(*) FILTER (WHERE NOT k.bot))::int AS clicks, (count(*) FILTER (WHERE k.bot))::int AS bot_clicks\n"
                + "  FROM link_click k WHERE " + links.apply("k.link_id") + " AND " + range.apply("k.clicked_at")
                + " GROUP BY 1, 2) c\n"
                + "FULL JOIN (SELECT x.day, x.link_id, count(*)::int AS conversations,\n"
                + "  (count(*) FILTER (WHERE x.scenario = $" + (s + 1) + "))::int AS icebreaker_taps,\n"
                + "  (count(*) FILTER (WHERE x.scenario = $" + (s + 2) + "))::int AS typed_messages,\n"
                + "  (count(*) FILTER (WHERE x.scenario = $" + (s + 3) + "))::int AS existing_thread_referrals,\n"
                + "  (count(*) FILTER (WHERE x.new_thread))::int AS new_threads,\n"
                + "  (count(DISTINCT x.click_id) FILTER (WHERE x.human_click))::int AS referrals_from_clicks,\n"
                + "  coalesce(sum(x.coupons), 0)::int AS coupons_issued,\n"
                + "  (count(DISTINCT (x.ig_account_id, x.igsid)) FILTER (WHERE x.external_id IS NOT NULL))::int AS bound_identities,\n"
                + "  ARRAY[" + replies + "]::int[] AS replies,\n"
                + "  " + histogram("x.c2r") + " AS click_to_referral,\n"
                + "  " + histogram("x.r2r") + " AS referral_to_reply\n"
                + "  FROM (SELECT (a.occurred_at AT TIME ZONE " + zone + ")::date AS day, a.link_id, a.scenario, a.new_thread,"
                + " k.click_id, k.click_id IS NOT NULL AND NOT k.bot AS human_click, a.ig_account_id, a.igsid, a.external_id,"
                + " (SELECT count(*) FROM coupon cp WHERE cp.attribution_id = a.attribution_id) AS coupons,"
                + " array_position($" + s + "::text[], r.status) AS status,\n"
                + "     " + LatencyHistogram.sqlBucket("extract(epoch FROM a.occurred_at - k.clicked_at)::float8") + " AS c2r,\n"
                + "     CASE WHEN r.status = $" + (s + 4) + " THEN "
                + LatencyHistogram.sqlBucket("extract(epoch FROM r.sent_at - a.occurred_at)::float8") + " END AS r2r\n"
                + "    FROM attribution a LEFT JOIN link_click k ON k.click_id = a.click_id"
                + " LEFT JOIN reply r ON r.attribution_id = a.attribution_id\n"
                + "    WHERE " + links.apply("a.link_id") + " AND " + range.apply("a.occurred_at") + " OFFSET 0) x\n"
                + "  GROUP BY 1, 2) a ON a.day = c.day AND a.link_id = c.link_id";
    }

    /**
     * The sums of {@code stats_link_day} rows (alias {@code d}) in its column order after the key
     * columns, arrays summed element by element: how the month and campaign rollups are made.
     */
    public static String summed() {
        StringBuilder sql = new StringBuilder("sum(d.clicks), sum(d.bot_clicks), sum(d.conversations),"
                + " sum(d.icebreaker_taps), sum(d.typed_messages), sum(d.existing_thread_referrals), sum(d.new_threads),"
                + " sum(d.referrals_from_clicks), sum(d.coupons_issued), sum(d.bound_identities)");
        sql.append(", ").append(sumOfArrays("d.replies", ReplyStatus.values().length));
        sql.append(", ").append(sumOfArrays("d.click_to_referral", LatencyHistogram.BUCKETS));
        sql.append(", ").append(sumOfArrays("d.referral_to_reply", LatencyHistogram.BUCKETS));
        return sql.toString();
    }

    private static String sumOfArrays(String column, int length) {
        StringBuilder sql = new StringBuilder("ARRAY[");
        for (int i = 1; i <= length; i++) {
            sql.append(i == 1 ? "" : ", ").append("coalesce(sum(").append(column).append('[').append(i).append("]), 0)");
        }
        return sql.append("]::int[]").toString();
    }

    private static String histogram(String bucket) {
        StringBuilder sql = new StringBuilder("ARRAY[");
        for (int b = 1; b <= LatencyHistogram.BUCKETS; b++) {
            sql.append(b == 1 ? "" : ", ").append("count(*) FILTER (WHERE ").append(bucket).append(" = ").append(b).append(')');
        }
        return sql.append("]::int[]").toString();
    }

    /**
     * The {@code stats_ref_month} rows of the month from {@code $1} to {@code $2}, from its
     * {@code stats_ref_day} rows (as V10 filled them for the days rolled up before it).
     */
    public static String refMonth() {
        return "SELECT $1::date, d.ig_account_id, d.ref, d.ref_status, d.link_id, d.campaign_id, d.channel,"
                + " sum(d.conversations), sum(d.users), min(d.first_at), max(d.last_at)\n"
                + "FROM stats_ref_day d WHERE d.day >= $1 AND d.day < $2 GROUP BY 2, 3, 4, 5, 6, 7";
    }

    /**
     * Rows {@code (day, ig_account_id, ref, ref_status, link_id, campaign_id, channel,
     * conversations, users, first_at, last_at)} per UTC day, grouped as the top refs are.
     *
     * @param range   a predicate on {@code a.occurred_at}
     * @param filters more predicates on {@code a} ("" for none, else starting with AND)
     */
    public static String refDays(String range, String filters) {
        return "SELECT (a.occurred_at AT TIME ZONE 'UTC')::date AS day, a.ig_account_id, COALESCE(l.ref, a.ref) AS ref,"
                + " a.ref_status, a.link_id, a.campaign_id, lower(a.channel) AS channel, count(*)::int AS conversations,"
                + " count(DISTINCT a.igsid)::int AS users, min(a.occurred_at) AS first_at, max(a.occurred_at) AS last_at\n"
                + "FROM attribution a LEFT JOIN link l ON l.id = a.link_id\n"
                + "WHERE a.ref IS NOT NULL AND " + range + " " + filters + "\n"
                + "GROUP BY 1, 2, 3, 4, 5, 6, 7";
    }
}
