package dev.igme.stats;

import static dev.igme.platform.Sql.instant;
import static dev.igme.platform.Sql.utc;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.igme.attribution.Scenario;
import dev.igme.config.IgmeConfig;
import dev.igme.reply.outbox.ReplyStatus;
import dev.igme.stats.rollup.LatencyHistogram;
import dev.igme.stats.rollup.RollupPlan;
import dev.igme.stats.rollup.RollupSql;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Reads the funnel from the rows the other features own and keep idempotent: {@code link},
 * {@code campaign}, {@code link_click} (one row per click id), {@code attribution} (one per
 * referral item), {@code reply} (at most one per attribution) and {@code coupon} (issued once).
 * Nothing here writes; it never counts events.
 */
@ApplicationScoped
public class FunnelStore {

    /** One link in the query's scope. */
    public record ScopeLink(String id, String campaign, String channel, String label) {
    }

    /** Clicks of one group. */
    public record ClickCounts(String key, long clicks, long botClicks) {
    }

    /** Attributions, their replies and coupons of one group; {@code replies} by status name. */
    public record ConversationCounts(String key, long conversations, FunnelRow.Scenarios scenarios, long newThreads,
            long referralsFromClicks, Map<String, Long> replies, long couponsIssued,
            FunnelRow.Percentiles clickToReferral, FunnelRow.Percentiles referralToReply, long boundIdentities) {
    }

    // $1 campaign, $2 channel (lower case, as in JSON; link.channel holds the enum name), $3 link, $4 account
    private static final String SCOPE = """
            SELECT l.id, l.campaign_id, l.channel, l.label FROM link l JOIN campaign c ON c.id = l.campaign_id
            WHERE ($1::text IS NULL OR l.campaign_id = $1) AND ($2::text IS NULL OR l.channel = upper($2))
              AND ($3::text IS NULL OR l.id = $3) AND ($4::text IS NULL OR c.ig_account_id = $4)""";

    /** SQLSTATE of a statement cancelled by {@code statement_timeout}. */
    static final String QUERY_CANCELED = "57014";

    /** A stats query stopped by its time limit: the range or scope is too large to count in time. */
    public static final class TooSlow extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooSlow(Duration limit) {
            super("counting this range took longer than " + limit.toSeconds()
                    + " s and was stopped; ask for a shorter range or a narrower scope (campaign, link)");
        }
    }

    private final Supplier<Pool> pool;
    private final Duration timeout;

    @Inject
    public FunnelStore(@WithCaching InjectableInstance<Pool> pool, IgmeConfig config) {
        this.pool = pool::get;
        this.timeout = config.stats().queryTimeout();
    }

    /** Outside the application (the stats benchmark, tests): on a pool of the caller's. */
    public FunnelStore(Pool pool, Duration timeout) {
        this.pool = () -> pool;
        this.timeout = timeout;
    }

    /**
     * Runs one read under {@code statement_timeout}, so that a query over a huge range is stopped
     * by PostgreSQL itself (a year of a large account once drove a backend out of memory) rather
     * than left running after the client gave up.
     */
    Uni<RowSet<Row>> read(String sql, Tuple params) {
        return pool.get().withTransaction(connection -> connection
                .query("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis())).execute()
                .chain(() -> connection.preparedQuery(sql).execute(params)))
                .onFailure(f -> f instanceof PgException pg && QUERY_CANCELED.equals(pg.getSqlState()))
                .transform(f -> new TooSlow(timeout));
    }

    /** The links the filters select, whether or not they had traffic. */
    public Uni<List<ScopeLink>> scope(FunnelQuery q) {
        return read(SCOPE + " ORDER BY l.campaign_id, l.channel, l.id", filters(q))
                .map(rows -> {
                    List<ScopeLink> links = new ArrayList<>();
                    rows.forEach(r -> links.add(new ScopeLink(r.getString("id"), r.getString("campaign_id"),
                            r.getString("channel").toLowerCase(Locale.ROOT), r.getString("label"))));
                    return links;
                });
    }

    /** The group key of a row with time column {@code at}, link scope alias {@code s}; $7 is the zone. */
    private static String key(GroupBy groupBy, String at) {
        return switch (groupBy) {
            case CAMPAIGN -> "s.campaign_id";
            case CHANNEL -> "lower(s.channel)";
            case LINK -> "s.id";
            case DAY -> "to_char(" + at + " AT TIME ZONE $7, 'YYYY-MM-DD')";
        };
    }

    public Uni<List<ClickCounts>> clicks(FunnelQuery q) {
        String key = key(q.groupBy(), "k.clicked_at");
        String sql = "WITH s AS (" + SCOPE + ")\n"
                + "SELECT " + key + " AS key, count(*) FILTER (WHERE NOT k.bot) AS clicks,"
                + " count(*) FILTER (WHERE k.bot) AS bots\n"
                + "FROM link_click k JOIN s ON s.id = k.link_id\n"
                + "WHERE k.clicked_at >= $5 AND k.clicked_at < $6 " + noZone(q) + "GROUP BY 1";
        return read(sql, rangeAndZone(q)).map(rows -> {
            List<ClickCounts> result = new ArrayList<>();
            rows.forEach(r -> result.add(new ClickCounts(r.getString("key"), r.getLong("clicks"), r.getLong("bots"))));
            return result;
        });
    }

    public Uni<List<ConversationCounts>> conversations(FunnelQuery q) {
        String key = key(q.groupBy(), "a.occurred_at");
        Tuple params = rangeAndZone(q);
        StringBuilder statuses = new StringBuilder();
        for (ReplyStatus status : ReplyStatus.values()) {
            params.addString(status.name());
            statuses.append(", count(r.id) FILTER (WHERE r.status = $").append(params.size()).append(") AS \"")
                    .append(status.name()).append('"');
        }
        params.addString(Scenario.ICEBREAKER_POSTBACK.name());
        int icebreaker = params.size();
        params.addString(Scenario.NEW_THREAD_MESSAGE.name());
        int typed = params.size();
        params.addString(Scenario.EXISTING_THREAD_REFERRAL.name());
        int existing = params.size();
        params.addString(ReplyStatus.SENT.name());
        int sent = params.size();
        String sql = "WITH s AS (" + SCOPE + ")\n"
                + "SELECT " + key + " AS key, count(*) AS conversations,\n"
                + " count(*) FILTER (WHERE a.scenario = $" + icebreaker + ") AS icebreaker,\n"
                + " count(*) FILTER (WHERE a.scenario = $" + typed + ") AS typed,\n"
                + " count(*) FILTER (WHERE a.scenario = $" + existing + ") AS existing,\n"
                + " count(*) FILTER (WHERE a.new_thread) AS new_threads,\n"
                + " count(DISTINCT k.click_id) FILTER (WHERE NOT k.bot) AS from_clicks,\n"
                + " coalesce(sum((SELECT count(*) FROM coupon c WHERE c.attribution_id = a.attribution_id)), 0) AS coupons,\n"
                + " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.occurred_at - k.clicked_at)) AS c2r50,\n"
                + " percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM a.occurred_at - k.clicked_at)) AS c2r95,\n"
                + " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.sent_at - a.occurred_at))"
                + " FILTER (WHERE r.status = $" + sent + ") AS r2r50,\n"
                + " percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM r.sent_at - a.occurred_at))"
                + " FILTER (WHERE r.status = $" + sent + ") AS r2r95,\n"
                + " count(DISTINCT (a.ig_account_id, a.igsid)) FILTER (WHERE a.external_id IS NOT NULL) AS bound"
                + statuses + "\n"
                + "FROM attribution a JOIN s ON s.id = a.link_id\n"
                + " LEFT JOIN link_click k ON k.click_id = a.click_id\n"
                + " LEFT JOIN reply r ON r.attribution_id = a.attribution_id\n"
                + "WHERE a.occurred_at >= $5 AND a.occurred_at < $6 " + noZone(q) + "GROUP BY 1";
        return read(sql, params).map(rows -> {
            List<ConversationCounts> result = new ArrayList<>();
            rows.forEach(r -> result.add(conversationCounts(r)));
            return result;
        });
    }

    private static ConversationCounts conversationCounts(Row r) {
        Map<String, Long> replies = new LinkedHashMap<>();
        for (ReplyStatus status : ReplyStatus.values()) {
            replies.put(status.name(), r.getLong(status.name()));
        }
        return new ConversationCounts(r.getString("key"), r.getLong("conversations"),
                new FunnelRow.Scenarios(r.getLong("icebreaker"), r.getLong("typed"), r.getLong("existing")),
                r.getLong("new_threads"), r.getLong("from_clicks"), replies, r.getLong("coupons"),
                new FunnelRow.Percentiles(r.getDouble("c2r50"), r.getDouble("c2r95")),
                new FunnelRow.Percentiles(r.getDouble("r2r50"), r.getDouble("r2r95")), r.getLong("bound"));
    }

    /** Top refs: a link's refs together under the link's own ref, any other ref as typed. */
    public Uni<List<TopRef>> topRefs(TopRefsQuery q) {
        return read("""
                SELECT COALESCE(l.ref, a.ref) AS ref, a.ref_status, a.link_id, max(a.campaign_id) AS campaign,
                       lower(max(a.channel)) AS channel, count(*) AS conversations,
                       count(DISTINCT (a.ig_account_id, a.igsid)) AS users,
                       min(a.occurred_at) AS first_at, max(a.occurred_at) AS last_at
                FROM attribution a LEFT JOIN link l ON l.id = a.link_id
                WHERE a.ref IS NOT NULL AND a.occurred_at >= $1 AND a.occurred_at < $2
                  AND ($3::text IS NULL OR a.ig_account_id = $3) AND ($4::text IS NULL OR a.campaign_id = $4)
                  AND ($5::text IS NULL OR lower(a.channel) = lower($5)) AND ($6::text IS NULL OR a.link_id = $6)
                GROUP BY COALESCE(l.ref, a.ref), a.ref_status, a.link_id
                ORDER BY count(*) DESC, 1 LIMIT $7""", Tuple.from(new Object[] {utc(q.from()), utc(q.to()), q.account(),
                q.campaign(), q.channel(), q.link(), q.limit()}))
                .map(rows -> {
                    List<TopRef> result = new ArrayList<>();
                    rows.forEach(r -> result.add(new TopRef(r.getString("ref"), r.getString("ref_status"),
                            r.getString("link_id"), r.getString("campaign"), r.getString("channel"),
                            r.getLong("conversations"), r.getLong("users"), instant(r, "first_at"),
                            instant(r, "last_at"))));
                    return result;
                });
    }

    /** Clicks and conversations of the same groups, as one rollup query answers them. */
    public record Counts(List<ClickCounts> clicks, List<ConversationCounts> conversations) {
    }

    /**
     * The funnel's counts summed from the daily rollups for the plan's whole days, and from the
     * raw rows, in the same day-and-link shape, for each partial day at the range's edges;
     * percentiles from the merged latency histograms ({@link LatencyHistogram}). The rollups and
     * each edge are separate statements that run at the same time on connections of their own,
     * their sums added up here: an edge's raw rows cost far more than a year of rollups, and two
     * edges one after the other in one statement cost twice as long.
     */
    public Uni<Counts> rolledUp(FunnelQuery q, RollupPlan plan) {
        List<Uni<List<Sums>>> parts = new ArrayList<>();
        parts.add(interior(q, plan));
        if (plan.from().isBefore(plan.interiorFrom())) {
            parts.add(edge(q, plan.zone(), plan.from(), plan.interiorFrom()));
        }
        if (plan.interiorTo().isBefore(plan.to())) {
            parts.add(edge(q, plan.zone(), plan.interiorTo(), plan.to()));
        }
        return Uni.combine().all().unis(parts).with(lists -> {
            Map<String, long[]> merged = new LinkedHashMap<>();
            for (Object list : lists) {
                for (Object o : (List<?>) list) {
                    Sums part = (Sums) o;
                    long[] into = merged.computeIfAbsent(part.key(), k -> new long[WIDTH]);
                    for (int i = 0; i < WIDTH; i++) {
                        into[i] += part.values()[i];
                    }
                }
            }
            List<ClickCounts> clicks = new ArrayList<>();
            List<ConversationCounts> conversations = new ArrayList<>();
            merged.forEach((key, v) -> {
                clicks.add(new ClickCounts(key, v[CLICKS], v[BOTS]));
                conversations.add(conversationCounts(key, v));
            });
            return new Counts(clicks, conversations);
        });
    }

    /** One group's sums from one part of a range, in {@link #SUMS}' column order. */
    private record Sums(String key, long[] values) {
    }

    // the order of the summed columns: scalars, then replies by status, then the two histograms
    private static final String[] SCALARS = {"clicks", "bot_clicks", "conversations", "icebreaker_taps", "typed_messages",
        "existing_thread_referrals", "new_threads", "referrals_from_clicks", "coupons_issued", "bound_identities"};
    private static final int CLICKS = scalar("clicks");
    private static final int BOTS = scalar("bot_clicks");
    private static final int CONVERSATIONS = scalar("conversations");
    private static final int ICEBREAKER_TAPS = scalar("icebreaker_taps");
    private static final int TYPED_MESSAGES = scalar("typed_messages");
    private static final int EXISTING_THREAD_REFERRALS = scalar("existing_thread_referrals");
    private static final int NEW_THREADS = scalar("new_threads");
    private static final int REFERRALS_FROM_CLICKS = scalar("referrals_from_clicks");
    private static final int COUPONS_ISSUED = scalar("coupons_issued");
    private static final int BOUND_IDENTITIES = scalar("bound_identities");
    private static final int REPLIES = SCALARS.length;
    private static final int C2R = REPLIES + ReplyStatus.values().length;
    private static final int R2R = C2R + LatencyHistogram.BUCKETS;
    private static final int WIDTH = R2R + LatencyHistogram.BUCKETS;
    /** The rollup columns after the key, from alias {@code d}. */
    private static final String DAY_COLUMNS = RollupSql.COLUMNS.replace("link_id, ", "").replaceAll("(\\w+)", "d.$1");
    /**
     * The sums of rows {@code u} (rollup rows or the raw rows' day-and-link rows) in that order,
     * each row counted {@code u.sign} times: 1, or -1 for days to take off a month read whole.
     */
    private static final String SUMS = sums();

    private static String sums() {
        StringBuilder sql = new StringBuilder();
        for (String scalar : SCALARS) {
            sql.append(sql.length() == 0 ? "" : ", ").append("sum(u.sign * u.").append(scalar).append(')');
        }
        for (int i = 1; i <= ReplyStatus.values().length; i++) {
            sql.append(", sum(u.sign * u.replies[").append(i).append("])");
        }
        for (int b = 1; b <= LatencyHistogram.BUCKETS; b++) {
            sql.append(", sum(u.sign * u.click_to_referral[").append(b).append("])");
        }
        for (int b = 1; b <= LatencyHistogram.BUCKETS; b++) {
            sql.append(", sum(u.sign * u.referral_to_reply[").append(b).append("])");
        }
        return sql.toString();
    }

    private static ConversationCounts conversationCounts(String key, long[] v) {
        Map<String, Long> replies = new LinkedHashMap<>();
        for (ReplyStatus status : ReplyStatus.values()) {
            replies.put(status.name(), v[REPLIES + status.ordinal()]);
        }
        long[] c2r = Arrays.copyOfRange(v, C2R, C2R + LatencyHistogram.BUCKETS);
        long[] r2r = Arrays.copyOfRange(v, R2R, R2R + LatencyHistogram.BUCKETS);
        return new ConversationCounts(key, v[CONVERSATIONS], new FunnelRow.Scenarios(v[ICEBREAKER_TAPS],
                v[TYPED_MESSAGES], v[EXISTING_THREAD_REFERRALS]), v[NEW_THREADS],
                v[REFERRALS_FROM_CLICKS], replies, v[COUPONS_ISSUED],
                new FunnelRow.Percentiles(LatencyHistogram.percentile(c2r, 0.5), LatencyHistogram.percentile(c2r, 0.95)),
                new FunnelRow.Percentiles(LatencyHistogram.percentile(r2r, 0.5), LatencyHistogram.percentile(r2r, 0.95)),
                v[BOUND_IDENTITIES]);
    }

    /** The position of a scalar column among the sums; looked up once, into the constants above. */
    private static int scalar(String column) {
        int at = Arrays.asList(SCALARS).indexOf(column);
        if (at < 0) {
            throw new IllegalStateException("no summed column " + column);
        }
        return at;
    }

    /**
     * Sums the rows of {@code source} (a select with a {@code key} and a {@code sign} column and the
     * rollup columns, over the scope {@code s}) by key, and reads them.
     */
    private Uni<List<Sums>> sums(String source, Tuple params) {
        String sql = "WITH s AS (" + SCOPE + ")\nSELECT u.key, " + SUMS + " FROM (" + source + ") u GROUP BY 1";
        return read(sql, params).map(rows -> {
            List<Sums> result = new ArrayList<>();
            rows.forEach(r -> {
                long[] values = new long[WIDTH];
                for (int i = 0; i < WIDTH; i++) {
                    Long value = r.getLong(i + 1);
                    values[i] = value == null ? 0 : value;
                }
                result.add(new Sums(r.getString(0), values));
            });
            return result;
        });
    }

    /**
     * The plan's whole days from the rollups, read from the smallest that answers the query: the
     * campaign days when the query spans whole campaigns (grouped by campaign or by day, no channel
     * or link filter), else the link months for the whole calendar months and the link days around
     * them. Parameters: $1..$4 the filters, $5 the zone, $6 and $7 the days, $8 and $9 the months (link
     * months only). A partial first or last month read whole has its days outside the range taken
     * off in the same statement, so that both come from one snapshot: a rollup committed between
     * two statements could otherwise leave a month's old row less its new days.
     */
    private Uni<List<Sums>> interior(FunnelQuery q, RollupPlan plan) {
        Tuple params = filters(q).addString(plan.zone().getId()).addLocalDate(plan.dayFrom()).addLocalDate(plan.dayTo());
        String source;
        if (wholeCampaigns(q)) {
            // one row per campaign and day: a year of an account is ~365 rows per campaign
            source = "SELECT " + (q.groupBy() == GroupBy.DAY ? "to_char(d.day, 'YYYY-MM-DD')" : "d.campaign_id")
                    + " AS key, 1 AS sign, " + DAY_COLUMNS + " FROM stats_campaign_day d\n"
                    + "  WHERE d.zone = $5 AND d.day >= $6 AND d.day < $7"
                    + " AND d.campaign_id IN (SELECT campaign_id FROM s)";
        } else if (q.groupBy() == GroupBy.DAY) {
            source = "SELECT to_char(d.day, 'YYYY-MM-DD') AS key, 1 AS sign, " + DAY_COLUMNS + " FROM stats_link_day d\n"
                    + "  WHERE d.zone = $5 AND d.day >= $6 AND d.day < $7 AND d.link_id IN (SELECT id FROM s)";
        } else {
            // whole months from the month rollups, the days before and after them from the day rollups
            // (two ranges rather than one with a hole, so that each is read through the key's index)
            String key = key(q.groupBy(), null);
            params.addLocalDate(plan.monthFrom()).addLocalDate(plan.monthTo());
            // (a partial first or last month may be read whole: its days outside the range, sign -1)
            String days = DAY_COLUMNS + " FROM stats_link_day d JOIN s ON s.id = d.link_id\n  WHERE d.zone = $5";
            source = "SELECT " + key + " AS key, 1 AS sign, " + DAY_COLUMNS
                    + " FROM stats_link_month d JOIN s ON s.id = d.link_id\n"
                    + "  WHERE d.zone = $5 AND d.month >= $8 AND d.month < $9\n"
                    + " UNION ALL SELECT " + key + ", 1, " + days + " AND d.day >= $6 AND d.day < $8\n"
                    + " UNION ALL SELECT " + key + ", 1, " + days + " AND d.day >= $9 AND d.day < $7\n"
                    + " UNION ALL SELECT " + key + ", -1, " + days + " AND d.day >= $8 AND d.day < $6\n"
                    + " UNION ALL SELECT " + key + ", -1, " + days + " AND d.day >= $7 AND d.day < $9";
        }
        return sums(source, params);
    }

    /** Grouped by campaign or by day over whole campaigns: the campaign day rollups answer. */
    private static boolean wholeCampaigns(FunnelQuery q) {
        return (q.groupBy() == GroupBy.DAY || q.groupBy() == GroupBy.CAMPAIGN) && q.channel() == null && q.link() == null;
    }

    /**
     * A partial day (or days not rolled up yet) from the raw rows, through the very SQL the
     * rollups are built with. Parameters: $1..$4 the filters, $5 the zone, $6 and $7 the instants,
     * then the enums.
     */
    private Uni<List<Sums>> edge(FunnelQuery q, ZoneId zone, Instant from, Instant to) {
        Tuple params = filters(q).addString(zone.getId()).addOffsetDateTime(utc(from)).addOffsetDateTime(utc(to));
        RollupSql.addEnums(params);
        String key = q.groupBy() == GroupBy.DAY ? "to_char(e.day, 'YYYY-MM-DD')" : key(q.groupBy(), null);
        String source = "SELECT " + key + " AS key, 1 AS sign, e.* FROM (\n"
                + RollupSql.linkDays("$5", at -> at + " >= $6 AND " + at + " < $7", id -> id + " IN (SELECT id FROM s)", 8)
                + ") e JOIN s ON s.id = e.link_id";
        return sums(source, params);
    }

    private static long sum(Row r, String column) {
        Long value = r.getLong(column);
        return value == null ? 0 : value;
    }

    /**
     * Top refs summed from the UTC rollups for the plan's whole days (whole months from the month
     * rows, the days around them from the day rows) and from raw rows for the rest.
     */
    public Uni<List<TopRef>> topRefsRolledUp(TopRefsQuery q, RollupPlan plan) {
        String filters = "AND ($3::text IS NULL OR a.ig_account_id = $3) AND ($4::text IS NULL OR a.campaign_id = $4)"
                + " AND ($5::text IS NULL OR lower(a.channel) = lower($5)) AND ($6::text IS NULL OR a.link_id = $6)";
        String rolledFilters = "AND ($3::text IS NULL OR d.ig_account_id = $3) AND ($4::text IS NULL OR d.campaign_id = $4)"
                + " AND ($5::text IS NULL OR d.channel = lower($5)) AND ($6::text IS NULL OR d.link_id = $6)";
        String sql = "SELECT ref, ref_status, link_id, max(campaign_id) AS campaign, max(channel) AS channel,"
                + " sum(conversations) AS conversations, sum(users) AS users, min(first_at) AS first_at,"
                + " max(last_at) AS last_at\n"
                + "FROM (SELECT ref, ref_status, link_id, campaign_id, channel, conversations, users, first_at, last_at\n"
                + "  FROM stats_ref_month d WHERE d.month >= $12 AND d.month < $13 " + rolledFilters + "\n"
                + " UNION ALL\n"
                + " SELECT ref, ref_status, link_id, campaign_id, channel, conversations, users, first_at, last_at\n"
                + "  FROM stats_ref_day d WHERE d.day >= $1 AND d.day < $12 " + rolledFilters + "\n"
                + " UNION ALL\n"
                + " SELECT ref, ref_status, link_id, campaign_id, channel, conversations, users, first_at, last_at\n"
                + "  FROM stats_ref_day d WHERE d.day >= $13 AND d.day < $2 " + rolledFilters + "\n"
                + " UNION ALL\n"
                + " SELECT ref, ref_status, link_id, campaign_id, channel, conversations, users, first_at, last_at FROM (\n"
                + RollupSql.refDays("((a.occurred_at >= $7 AND a.occurred_at < $8) OR (a.occurred_at >= $9"
                        + " AND a.occurred_at < $10))", filters)
                + ") e) u\n"
                + "GROUP BY ref, ref_status, link_id ORDER BY sum(conversations) DESC, 1 LIMIT $11";
        return read(sql, Tuple.from(new Object[] {plan.dayFrom(), plan.dayTo(), q.account(), q.campaign(), q.channel(),
                q.link(), utc(plan.from()), utc(plan.interiorFrom()), utc(plan.interiorTo()), utc(plan.to()), q.limit(),
                plan.wholeMonthFrom(), plan.wholeMonthTo()}))
                .map(rows -> {
                    List<TopRef> result = new ArrayList<>();
                    rows.forEach(r -> result.add(new TopRef(r.getString("ref"), r.getString("ref_status"),
                            r.getString("link_id"), r.getString("campaign"), r.getString("channel"),
                            sum(r, "conversations"), sum(r, "users"), instant(r, "first_at"), instant(r, "last_at"))));
                    return result;
                });
    }

    private static Tuple filters(FunnelQuery q) {
        return Tuple.from(new Object[] {q.campaign(), q.channel(), q.link(), q.account()});
    }

    /** $1..$4 filters, $5 from, $6 to, $7 the zone. */
    private static Tuple rangeAndZone(FunnelQuery q) {
        return filters(q).addOffsetDateTime(utc(q.from())).addOffsetDateTime(utc(q.to())).addString(q.zone().getId());
    }

    /** $7 is always sent; a query not grouping by day still names it so that its type is known. */
    private static String noZone(FunnelQuery q) {
        return q.groupBy() == GroupBy.DAY ? "" : "AND $7::text IS NOT NULL ";
    }
}
