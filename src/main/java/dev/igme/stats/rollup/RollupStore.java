package dev.igme.stats.rollup;

import static dev.igme.platform.Sql.utc;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes the daily rollups ({@code stats_link_day}, {@code stats_ref_day}, {@code stats_rollup}) and
 * the coarser ones derived from them (campaign days, link and ref months):
 * one day of one zone per transaction, recomputed whole from the raw rows (DELETE + INSERT), so
 * rolling a day again, on any replica, after any redelivery or replay, gives the same rows.
 */
@ApplicationScoped
public class RollupStore {

    /** The advisory lock that makes one day's rewrite exclusive across replicas ("igme.stats.rollup"). */
    static final long LOCK = 0x1647_0005_7a75L;

    private final Supplier<Pool> pool;

    @Inject
    public RollupStore(@WithCaching InjectableInstance<Pool> pool) {
        this.pool = pool::get;
    }

    /** Outside the application (the stats benchmark, tests): on a pool of the caller's. */
    public RollupStore(Pool pool) {
        this.pool = () -> pool;
    }

    /** Every day of {@code zone} before the answer is rolled up; null when none is. */
    public Uni<LocalDate> rolledUntil(ZoneId zone) {
        return pool.get().preparedQuery("SELECT rolled_until FROM stats_rollup WHERE zone = $1")
                .execute(Tuple.of(zone.getId()))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLocalDate("rolled_until"));
    }

    /** The first day of {@code zone} with a click or an attribution; null when there is none. */
    public Uni<LocalDate> firstDay(ZoneId zone) {
        return pool.get().query("SELECT least((SELECT min(clicked_at) FROM link_click),"
                + " (SELECT min(occurred_at) FROM attribution)) AS first").execute()
                .map(rows -> {
                    java.time.OffsetDateTime first = rows.iterator().next().getOffsetDateTime("first");
                    return first == null ? null : LocalDate.ofInstant(first.toInstant(), zone);
                });
    }

    /**
     * Recomputes {@code day} of {@code zone} (and of the top refs, for UTC) from the raw rows in one
     * transaction; with {@code advance}, records that every day up to it is rolled up.
     *
     * @param wait wait for another replica's rewrite to end; otherwise give up at once
     * @return false when another replica holds the lock and {@code wait} was false
     */
    public Uni<Boolean> rollDay(ZoneId zone, LocalDate day, boolean advance, boolean wait) {
        Instant start = day.atStartOfDay(zone).toInstant();
        Instant end = day.plusDays(1).atStartOfDay(zone).toInstant();
        return pool.get().withTransaction(c -> c.query(wait ? "SELECT true AS locked FROM pg_advisory_xact_lock(" + LOCK + ")"
                : "SELECT pg_try_advisory_xact_lock(" + LOCK + ") AS locked").execute()
                .chain(rows -> {
                    if (!rows.iterator().next().getBoolean("locked")) {
                        return Uni.createFrom().item(false);
                    }
                    return write(c, zone, day, start, end, advance).replaceWith(true);
                }));
    }

    private static Uni<Void> write(SqlConnection c, ZoneId zone, LocalDate day, Instant start, Instant end,
            boolean advance) {
        Tuple params = Tuple.of(zone.getId(), day, utc(start), utc(end));
        RollupSql.addEnums(params);
        String insert = "INSERT INTO stats_link_day (zone, day, " + RollupSql.COLUMNS + ")\n"
                + "SELECT $1, $2, " + RollupSql.COLUMNS + " FROM (\n"
                + RollupSql.linkDays("$1", at -> at + " >= $3 AND " + at + " < $4", id -> id + " IS NOT NULL", 5)
                + ") d";
        Uni<?> links = c.preparedQuery("DELETE FROM stats_link_day WHERE zone = $1 AND day = $2")
                .execute(Tuple.of(zone.getId(), day))
                .chain(() -> c.preparedQuery(insert).execute(params));
        // the coarser rollups of this day's campaign rows and of its month, from the day rows
        LocalDate month = day.withDayOfMonth(1);
        links = links.chain(() -> c.preparedQuery("DELETE FROM stats_campaign_day WHERE zone = $1 AND day = $2")
                .execute(Tuple.of(zone.getId(), day)))
                .chain(() -> c.preparedQuery("INSERT INTO stats_campaign_day SELECT d.zone, d.day, l.campaign_id, "
                        + RollupSql.summed() + " FROM stats_link_day d JOIN link l ON l.id = d.link_id"
                        + " WHERE d.zone = $1 AND d.day = $2 GROUP BY 1, 2, 3").execute(Tuple.of(zone.getId(), day)))
                .chain(() -> c.preparedQuery("DELETE FROM stats_link_month WHERE zone = $1 AND month = $2")
                        .execute(Tuple.of(zone.getId(), month)))
                .chain(() -> c.preparedQuery("INSERT INTO stats_link_month SELECT d.zone, $2::date, d.link_id, "
                        + RollupSql.summed() + " FROM stats_link_day d WHERE d.zone = $1 AND d.day >= $2"
                        + " AND d.day < $3 GROUP BY 1, 2, 3").execute(Tuple.of(zone.getId(), month, month.plusMonths(1))));
        if (zone.getId().equals(Rollups.UTC.getId())) {
            links = links.chain(() -> c.preparedQuery("DELETE FROM stats_ref_day WHERE day = $1").execute(Tuple.of(day)))
                    .chain(() -> c.preparedQuery("INSERT INTO stats_ref_day (day, ig_account_id, ref, ref_status, link_id,"
                            + " campaign_id, channel, conversations, users, first_at, last_at)\n"
                            + RollupSql.refDays("a.occurred_at >= $1 AND a.occurred_at < $2", ""))
                            .execute(Tuple.of(utc(start), utc(end))))
                    .chain(() -> c.preparedQuery("DELETE FROM stats_ref_month WHERE month = $1").execute(Tuple.of(month)))
                    .chain(() -> c.preparedQuery("INSERT INTO stats_ref_month " + RollupSql.refMonth())
                            .execute(Tuple.of(month, month.plusMonths(1))));
        }
        if (advance) {
            links = links.chain(() -> c.preparedQuery("INSERT INTO stats_rollup (zone, rolled_until) VALUES ($1, $2)"
                    + " ON CONFLICT (zone) DO UPDATE SET rolled_until = greatest(stats_rollup.rolled_until,"
                    + " EXCLUDED.rolled_until), updated_at = now()").execute(Tuple.of(zone.getId(), day.plusDays(1))));
        }
        return links.replaceWithVoid();
    }
}
