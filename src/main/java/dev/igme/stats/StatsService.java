package dev.igme.stats;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.igme.reply.outbox.ReplyStatus;
import dev.igme.stats.rollup.RollupPlan;
import dev.igme.stats.rollup.RollupStore;
import dev.igme.stats.rollup.Rollups;
import io.smallrye.mutiny.Uni;

/**
 * The funnel and the top refs, for the API and for other code (the console) alike: no HTTP here.
 * Every group the query selects is in the answer, with zeros when it had no traffic: each link in
 * scope (or its campaign or channel), each day of the range.
 */
@ApplicationScoped
public class StatsService {

    private final FunnelStore store;
    private final RollupStore rollups;
    private final List<ZoneId> rolledUp;

    @Inject
    public StatsService(FunnelStore store, RollupStore rollups, Rollups job) {
        this(store, rollups, job.zones());
    }

    /**
     * Outside the application (the benchmark); {@code rollups} null and {@code rolledUp} empty to
     * read the raw rows only.
     */
    public StatsService(FunnelStore store, RollupStore rollups, List<ZoneId> rolledUp) {
        this.store = store;
        this.rollups = rollups;
        this.rolledUp = rolledUp;
    }

    /**
     * From the rollups where the range holds whole rolled-up days (see {@link RollupPlan}), else
     * from the raw rows. Grouped by day, the days must be rolled up in the query's zone; other
     * groupings only need day edges, so any rolled-up zone does (UTC).
     */
    public Uni<FunnelReport> funnel(FunnelQuery query) {
        ZoneId zone = rolledUp.contains(query.zone()) ? query.zone()
                : query.groupBy() != GroupBy.DAY && !rolledUp.isEmpty() ? rolledUp.get(0) : null;
        if (zone == null) {
            return raw(query);
        }
        return rollups.rolledUntil(zone).chain(until -> RollupPlan.of(query.from(), query.to(), zone, until)
                .map(plan -> Uni.combine().all().unis(store.scope(query), store.rolledUp(query, plan))
                        .with((scope, counts) -> report(query, rows(query, scope, counts.clicks(), counts.conversations()))))
                .orElseGet(() -> raw(query)));
    }

    private Uni<FunnelReport> raw(FunnelQuery query) {
        return Uni.combine().all().unis(store.scope(query), store.clicks(query), store.conversations(query))
                .with((scope, clicks, conversations) -> report(query, rows(query, scope, clicks, conversations)));
    }

    private static FunnelReport report(FunnelQuery query, List<FunnelRow> rows) {
        return new FunnelReport(query.from(), query.to(), query.zone().getId(), query.groupBy().param(), rows);
    }

    /** From the UTC day rollups where the range holds whole rolled-up days, else from the raw rows. */
    public Uni<List<TopRef>> topRefs(TopRefsQuery query) {
        if (!rolledUp.contains(Rollups.UTC)) {
            return store.topRefs(query);
        }
        return rollups.rolledUntil(Rollups.UTC).chain(until -> RollupPlan.of(query.from(), query.to(), Rollups.UTC, until)
                .map(plan -> store.topRefsRolledUp(query, plan))
                .orElseGet(() -> store.topRefs(query)));
    }

    /** The rows in a stable order: by campaign, channel, link (as their keys sort), or by day. */
    static List<FunnelRow> rows(FunnelQuery query, List<FunnelStore.ScopeLink> scope,
            List<FunnelStore.ClickCounts> clicks, List<FunnelStore.ConversationCounts> conversations) {
        Map<String, FunnelStore.ClickCounts> clicksByKey = new HashMap<>();
        clicks.forEach(c -> clicksByKey.put(c.key(), c));
        Map<String, FunnelStore.ConversationCounts> conversationsByKey = new HashMap<>();
        conversations.forEach(c -> conversationsByKey.put(c.key(), c));

        // every group the query selects, with what describes it
        Map<String, FunnelRow> groups = new LinkedHashMap<>();
        if (query.groupBy() == GroupBy.DAY) {
            for (LocalDate day : days(query)) {
                groups.put(day.toString(), describe(day.toString(), null, null, null, null, day));
            }
        } else {
            scope.stream().sorted(java.util.Comparator.comparing((FunnelStore.ScopeLink l) -> switch (query.groupBy()) {
                case CAMPAIGN -> l.campaign();
                case CHANNEL -> l.channel();
                default -> l.campaign() + '\u0000' + l.channel() + '\u0000' + l.label() + '\u0000' + l.id();
            })).forEach(l -> {
                switch (query.groupBy()) {
                    case CAMPAIGN -> groups.putIfAbsent(l.campaign(), describe(l.campaign(), l.campaign(), null, null, null, null));
                    case CHANNEL -> groups.putIfAbsent(l.channel(), describe(l.channel(), null, l.channel(), null, null, null));
                    default -> groups.put(l.id(), describe(l.id(), l.campaign(), l.channel(), l.id(), l.label(), null));
                }
            });
        }
        List<FunnelRow> rows = new ArrayList<>(groups.size());
        for (FunnelRow group : groups.values()) {
            rows.add(row(group, clicksByKey.get(group.key()), conversationsByKey.get(group.key())));
        }
        return rows;
    }

    /** Each calendar day in the query's zone that the range touches. */
    static List<LocalDate> days(FunnelQuery query) {
        List<LocalDate> days = new ArrayList<>();
        LocalDate day = ZonedDateTime.ofInstant(query.from(), query.zone()).toLocalDate();
        while (day.atStartOfDay(query.zone()).toInstant().isBefore(query.to())) {
            days.add(day);
            day = day.plusDays(1);
        }
        return days;
    }

    private static FunnelRow describe(String key, String campaign, String channel, String link, String label,
            LocalDate day) {
        return new FunnelRow(key, campaign, channel, link, label, day, 0, 0, 0, FunnelRow.Scenarios.NONE, 0, 0, 0,
                null, replies(Map.of()), 0, FunnelRow.Percentiles.NONE, FunnelRow.Percentiles.NONE, 0);
    }

    private static FunnelRow row(FunnelRow g, FunnelStore.ClickCounts clicks, FunnelStore.ConversationCounts c) {
        long humans = clicks == null ? 0 : clicks.clicks();
        long bots = clicks == null ? 0 : clicks.botClicks();
        if (c == null) {
            return new FunnelRow(g.key(), g.campaign(), g.channel(), g.link(), g.label(), g.day(), humans, bots, 0,
                    FunnelRow.Scenarios.NONE, 0, 0, 0, FunnelMath.conversion(0, humans), replies(Map.of()), 0,
                    FunnelRow.Percentiles.NONE, FunnelRow.Percentiles.NONE, 0);
        }
        return new FunnelRow(g.key(), g.campaign(), g.channel(), g.link(), g.label(), g.day(), humans, bots,
                c.conversations(), c.scenarios(), c.newThreads(), c.conversations() - c.newThreads(),
                c.referralsFromClicks(), FunnelMath.conversion(c.referralsFromClicks(), humans), replies(c.replies()),
                c.couponsIssued(), c.clickToReferral(), c.referralToReply(), c.boundIdentities());
    }

    /** Reply counts by status name → sent, pending, and every skip and failure reason in enum order. */
    static FunnelRow.Replies replies(Map<String, Long> byStatus) {
        long sent = 0;
        long pending = 0;
        Map<String, Long> skipped = new LinkedHashMap<>();
        Map<String, Long> failed = new LinkedHashMap<>();
        for (ReplyStatus status : ReplyStatus.values()) {
            long n = byStatus.getOrDefault(status.name(), 0L);
            String name = status.name();
            if (status == ReplyStatus.SENT) {
                sent = n;
            } else if (!status.isFinal()) {
                pending += n;
            } else if (name.startsWith("SKIPPED_")) {
                skipped.put(name.substring("SKIPPED_".length()), n);
            } else {
                failed.put(name.substring("FAILED_".length()), n);
            }
        }
        return new FunnelRow.Replies(sent, pending, skipped, failed);
    }
}
