package dev.igme.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
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

import org.flywaydb.core.Flyway;

import dev.igme.stats.FunnelQuery;
import dev.igme.stats.FunnelStore;
import dev.igme.stats.GroupBy;
import dev.igme.stats.rollup.RollupStore;
import dev.igme.stats.rollup.Rollups;
import dev.igme.stats.StatsService;
import dev.igme.stats.TopRefsQuery;
import dev.igme.testing.Postgres;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;

/**
 * The funnel's queries on a year of a large account: seeds an embedded PostgreSQL (the one the
 * tests use) with the schema of the migrations and, by {@code generate_series}, 10 million
 * attributions and 30 million clicks over 365 days (times {@code -Dbench.stats.scale}), with
 * replies and coupons, builds the daily rollups as the job's first run does (timed), then runs each
 * main query through {@link StatsService} ~20 times and prints p50/p95 ({@code
 * -Dbench.stats.raw=true} also on the raw rows alone). The seeded data directory, rollups included,
 * is kept under {@code target/} and reused when the same scale is asked again. Run with {@code
 * ./mvnw -Pbench-stats}.
 */
public final class StatsBenchmark {

    static final String ACCOUNT = "bench-account";
    static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

    private StatsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args.length > 0 ? args[0] : "target");
        double scale = Double.parseDouble(System.getProperty("bench.stats.scale", "1"));
        int runs = Integer.getInteger("bench.stats.runs", 20);
        // -Dbench.stats.year=true adds the year-long funnel of the whole account
        long attributions = Math.round(10_000_000 * scale);
        long clicks = Math.round(30_000_000 * scale);
        int links = (int) Math.max(50, Math.round(2_000 * Math.min(1, scale * 4)));
        int campaigns = 40;

        Path dataDir = target.resolve("bench-stats-pg-" + attributions);
        Files.createDirectories(dataDir);
        try (Postgres postgres = new Postgres(dataDir, 0).start()) {
            String jdbc = "jdbc:" + postgres.reactiveUrl();
            Flyway.configure().dataSource(jdbc, Postgres.USER, Postgres.PASSWORD).locations("classpath:db/migration")
                    .load().migrate();
            try (Connection c = DriverManager.getConnection(jdbc, Postgres.USER, Postgres.PASSWORD);
                    Statement s = c.createStatement()) {
                if (count(s, "SELECT count(*) FROM link") == 0) {
                    // a bulk load: fewer checkpoints (server-wide, this data directory only; not in a transaction)
                    s.execute("ALTER SYSTEM SET max_wal_size = '16GB'");
                    s.execute("ALTER SYSTEM SET checkpoint_timeout = '1h'");
                    s.execute("SELECT pg_reload_conf()");
                    c.setAutoCommit(false); // all or nothing: a seed cut short is not mistaken for a full one
                    s.execute("SET LOCAL synchronous_commit = off");
                    s.execute("SET LOCAL maintenance_work_mem = '1GB'");
                    s.execute("SET LOCAL work_mem = '256MB'");
                    s.execute("SET LOCAL max_parallel_maintenance_workers = 2");
                    List<String> rebuild = dropKeysAndIndexes(s, "link_click", "attribution", "reply", "coupon");
                    seed(s, campaigns, links, clicks, attributions);
                    long started = System.nanoTime();
                    for (String ddl : rebuild) {
                        s.execute(ddl);
                    }
                    step("keys and indexes rebuilt (" + rebuild.size() + ")", started);
                    c.commit();
                    c.setAutoCommit(true);
                    started = System.nanoTime();
                    s.execute("VACUUM ANALYZE");
                    step("vacuum analyze", started);
                } else {
                    System.out.println("seed: reusing the data in " + dataDir);
                }
                System.out.printf(Locale.ROOT, "rows: link_click %,d, attribution %,d, reply %,d, coupon %,d, link %,d%n",
                        count(s, "SELECT count(*) FROM link_click"), count(s, "SELECT count(*) FROM attribution"),
                        count(s, "SELECT count(*) FROM reply"), count(s, "SELECT count(*) FROM coupon"),
                        count(s, "SELECT count(*) FROM link"));
                System.out.println("database size: " + text(s, "SELECT pg_size_pretty(pg_database_size(current_database()))")
                        + ", shared_buffers " + text(s, "SHOW shared_buffers") + ", work_mem " + text(s, "SHOW work_mem")
                        + ", " + text(s, "SELECT version()"));
            }
            if (Boolean.getBoolean("bench.stats.arrival-order")) {
                arrivalOrder(jdbc);
            }
            if (Boolean.getBoolean("bench.stats.seed-only")) {
                return;
            }
            measure(postgres, runs);
        }
    }

    /**
     * {@code -Dbench.stats.arrival-order=true}: puts clicks, attributions and replies in the order a live
     * service writes them (by time; the seed scatters one day over the whole table, since its times
     * come from a hash), once, by CLUSTER. A partial day at a range's edge is read from these rows,
     * and what that costs depends on how many pages one day's rows span. Replies are put in the
     * order of their creation likewise (they were first left in the seed's order, see BENCHMARKS.md).
     */
    private static void arrivalOrder(String jdbc) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc, Postgres.USER, Postgres.PASSWORD);
                Statement s = c.createStatement()) {
            long started = System.nanoTime();
            s.execute("SET maintenance_work_mem = '1GB'");
            if (count(s, "SELECT count(*) FROM pg_index WHERE indisclustered AND indexrelid = 'link_click_clicked_idx'::regclass") > 0) {
                System.out.println("arrival order: clicks and attributions already in time order");
            } else {
                s.execute("CLUSTER link_click USING link_click_clicked_idx");
                step("arrival order: link_click clustered by clicked_at", started);
                s.execute("CLUSTER attribution USING attribution_occurred_idx");
                step("arrival order: attribution clustered by occurred_at", started);
                s.execute("ANALYZE link_click");
                s.execute("ANALYZE attribution");
            }
            // a reply row is written when its attribution is consumed, so replies too lie in time order
            // (CLUSTER needs an index: one on created_at for the purpose, kept as the marker)
            if (count(s, "SELECT count(*) FROM pg_indexes WHERE indexname = 'bench_reply_created_idx'") > 0) {
                System.out.println("arrival order: replies already in time order");
            } else {
                s.execute("CREATE INDEX bench_reply_created_idx ON reply (created_at)");
                s.execute("CLUSTER reply USING bench_reply_created_idx");
                step("arrival order: reply clustered by created_at", started);
                s.execute("ANALYZE reply");
            }
        }
    }

    /**
     * Drops the primary keys, unique constraints and indexes of the seeded tables, so that the
     * bulk insert writes heap only and each index is built once, sorted, afterwards (much faster
     * than maintaining them row by row). Returns the DDL that puts them back, keys first.
     */
    private static List<String> dropKeysAndIndexes(Statement s, String... tables) throws SQLException {
        List<String> keys = new ArrayList<>();
        List<String> indexes = new ArrayList<>();
        List<String> drops = new ArrayList<>();
        for (String table : tables) {
            try (ResultSet rs = s.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                    + " AND tablename = '" + table + "' AND indexname NOT IN (SELECT conname FROM pg_constraint"
                    + " WHERE conrelid = '" + table + "'::regclass)")) {
                while (rs.next()) {
                    drops.add("DROP INDEX " + rs.getString(1));
                    indexes.add(rs.getString(2));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    + " WHERE conrelid = '" + table + "'::regclass AND contype IN ('p', 'u')")) {
                while (rs.next()) {
                    drops.add("ALTER TABLE " + table + " DROP CONSTRAINT " + rs.getString(1));
                    keys.add("ALTER TABLE " + table + " ADD CONSTRAINT " + rs.getString(1) + " " + rs.getString(2));
                }
            }
        }
        for (String drop : drops) {
            s.execute(drop);
        }
        keys.addAll(indexes);
        return keys;
    }

    private static void seed(Statement s, int campaigns, int links, long clicks, long attributions) throws SQLException {
        long started = System.nanoTime();
        // deterministic spread over the year: click n happens at second (n * 2654435761) mod 365 days
        String clickAt = "timestamptz '" + START + "' + ((%s * 2654435761) %% 31536000) * interval '1 second'";
        String linkOf = "1 + ((%s * 7919) %% " + links + ")";
        s.execute("INSERT INTO campaign (id, name, ig_account_id) SELECT 'bench-c' || g, 'Campaign ' || g, '"
                + ACCOUNT + "' FROM generate_series(1, " + campaigns + ") g");
        s.execute("INSERT INTO link (id, campaign_id, channel, label, slug, ref) SELECT 'bl' || g, 'bench-c' || (1 + g % "
                + campaigns + "), (ARRAY['PACKAGING','BILLBOARD','TV','STORE','WEB','EMAIL','SMS','SOCIAL','OTHER'])[1 + g % 9],"
                + " 'Link ' || g, 'bench-' || g, 'bench-' || g || '=ref' FROM generate_series(1, " + links + ") g");
        step("campaigns and links", started);
        s.execute("INSERT INTO link_click (click_id, link_id, clicked_at, device, bot) SELECT 'k' || g, 'bl' || ("
                + linkOf.formatted("g") + "), " + clickAt.formatted("g")
                + ", (ARRAY['ios','android','desktop'])[1 + g % 3], g % 25 = 0 FROM generate_series(1::bigint, " + clicks + ") g");
        step("clicks", started);
        // attribution n follows click 3n (a third of the clicks convert), 0..299 s later
        String joined = "SELECT g, " + linkOf.formatted("3 * g") + " AS ln, " + clickAt.formatted("3 * g")
                + " + (g % 300) * interval '1 second' AS t FROM generate_series(1::bigint, " + attributions + ") g";
        s.execute("INSERT INTO attribution (attribution_id, ig_account_id, igsid, scenario, new_thread, ref, ref_valid,"
                + " source, source_category, occurred_at, received_at, standby, test, link_id, campaign_id, channel,"
                + " external_id, click_id, ref_status) SELECT 'a' || g, '" + ACCOUNT + "', 'u' || g,"
                + " (ARRAY['ICEBREAKER_POSTBACK','NEW_THREAD_MESSAGE','EXISTING_THREAD_REFERRAL'])[1 + g % 3], g % 3 <> 2,"
                + " 'bench-' || ln || '=ref' || g, true, 'SHORTLINK', 'SHORTLINK', t, t, false, false, 'bl' || ln,"
                + " 'bench-c' || (1 + ln % " + campaigns + "),"
                + " lower((ARRAY['PACKAGING','BILLBOARD','TV','STORE','WEB','EMAIL','SMS','SOCIAL','OTHER'])[1 + ln % 9]),"
                + " CASE WHEN g % 50 = 0 THEN 'x' || g END, CASE WHEN g % 4 <> 0 THEN 'k' || (3 * g) END, 'VERIFIED'"
                + " FROM (" + joined + ") j");
        // refs typed by hand or altered: FOREIGN and TAMPERED, no link
        s.execute("INSERT INTO attribution (attribution_id, ig_account_id, igsid, scenario, new_thread, ref, ref_valid,"
                + " source, source_category, occurred_at, received_at, standby, test, ref_status) SELECT 'f' || g, '"
                + ACCOUNT + "', 'f' || g, 'EXISTING_THREAD_REFERRAL', false, 'typed-' || (g % 500), true, 'SHORTLINK',"
                + " 'SHORTLINK', " + clickAt.formatted("g") + ", now(), false, false, CASE WHEN g % 3 = 0 THEN 'TAMPERED'"
                + " ELSE 'FOREIGN' END FROM generate_series(1::bigint, " + Math.max(1, attributions / 100) + ") g");
        step("attributions", started);
        s.execute("INSERT INTO reply (attribution_id, ig_account_id, igsid, scenario, status, created_at, updated_at, sent_at)"
                + " SELECT 'a' || g, '" + ACCOUNT + "', 'u' || g, 'NEW_THREAD_MESSAGE', CASE WHEN g % 10 < 7 THEN 'SENT'"
                + " WHEN g % 10 = 7 THEN 'SKIPPED_COOLDOWN' WHEN g % 10 = 8 THEN 'SKIPPED_NO_COUPON'"
                + " ELSE 'FAILED_USER_UNAVAILABLE' END, t, t, CASE WHEN g % 10 < 7 THEN t + (1 + g % 5) * interval '1 second' END"
                + " FROM (" + joined + ") j WHERE g % 5 <> 0");
        step("replies", started);
        s.execute("INSERT INTO coupon_pool (name) VALUES ('bench')");
        s.execute("INSERT INTO coupon (pool_id, code, ig_account_id, igsid, attribution_id, issued_at) SELECT"
                + " (SELECT id FROM coupon_pool WHERE name = 'bench'), 'code' || g, '" + ACCOUNT + "', 'u' || g, 'a' || g,"
                + " now() FROM generate_series(10::bigint, " + attributions + ", 10) g");
        step("coupons", started);
    }

    private static void measure(Postgres postgres, int runs) throws SQLException {
        Vertx vertx = Vertx.vertx();
        String[] hostDb = postgres.reactiveUrl().substring("postgresql://".length()).split("[:/]");
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4))
                .connectingTo(new PgConnectOptions().setHost(hostDb[0]).setPort(Integer.parseInt(hostDb[1]))
                        .setDatabase(hostDb[2]).setUser(Postgres.USER).setPassword(Postgres.PASSWORD))
                .using(vertx).build();
        FunnelStore funnelStore = new FunnelStore(pool, Duration.ofMinutes(10));
        Instant end = START.plus(Duration.ofDays(365));
        ZoneId utc = ZoneId.of("UTC");
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        List<ZoneId> zones = List.of(utc, berlin);

        // the rollups as the job builds them on its first run: every day that ended, one per transaction
        RollupStore rollupStore = new RollupStore(pool);
        Clock dayAfter = Clock.fixed(end.plus(Duration.ofHours(36)), utc);
        Rollups rollups = new Rollups(rollupStore, dayAfter, zones, Duration.ofDays(3), Duration.ofMinutes(10), false);
        String jdbc = "jdbc:" + postgres.reactiveUrl();
        try (Connection c = DriverManager.getConnection(jdbc, Postgres.USER, Postgres.PASSWORD);
                Statement s = c.createStatement()) {
            if (count(s, "SELECT count(*) FROM stats_rollup") == 0) {
                long started = System.nanoTime();
                rollups.run().await().atMost(Duration.ofHours(2));
                System.out.printf(Locale.ROOT, "rollups: first run (back-fill of %s) took %.0f s%n", zones,
                        (System.nanoTime() - started) / 1e9);
                s.execute("VACUUM ANALYZE stats_link_day");
                s.execute("VACUUM ANALYZE stats_ref_day");
            } else {
                System.out.println("rollups: reusing the rollups in the database");
            }
            long started = System.nanoTime();
            rollups.run().await().atMost(Duration.ofHours(1));
            System.out.printf(Locale.ROOT, "rollups: a later run (lookback 3 days x %d zones) took %.1f s%n",
                    zones.size(), (System.nanoTime() - started) / 1e9);
            System.out.printf(Locale.ROOT, "rollups: stats_link_day %,d rows, %s; stats_ref_day %,d rows, %s%n",
                    count(s, "SELECT count(*) FROM stats_link_day"),
                    text(s, "SELECT pg_size_pretty(pg_total_relation_size('stats_link_day'))"),
                    count(s, "SELECT count(*) FROM stats_ref_day"),
                    text(s, "SELECT pg_size_pretty(pg_total_relation_size('stats_ref_day'))"));
        }

        StatsService raw = new StatsService(funnelStore, null, List.of());
        StatsService rolled = new StatsService(funnelStore, rollupStore, zones);
        Map<String, Supplier<Uni<?>>> queries = new LinkedHashMap<>();
        Instant midFrom = START.plus(Duration.ofHours(12));
        Instant midTo = end.minus(Duration.ofHours(12));
        Instant berlinFrom = java.time.LocalDate.parse("2025-01-01").atStartOfDay(berlin).toInstant();
        Instant berlinTo = java.time.LocalDate.parse("2026-01-01").atStartOfDay(berlin).toInstant();
        for (StatsService stats : Boolean.getBoolean("bench.stats.raw") ? List.of(rolled, raw) : List.of(rolled)) {
            String path = stats == raw ? "raw: " : "rollups: ";
            if (stats == rolled || Boolean.getBoolean("bench.stats.year")) {
                // a year of the whole account: on the raw rows, see BENCHMARKS.md (OOM at scale 0.1)
                queries.put(path + "funnel year, account, groupBy=campaign",
                        () -> stats.funnel(new FunnelQuery(START, end, utc, GroupBy.CAMPAIGN, null, null, null, ACCOUNT)));
                queries.put(path + "funnel year, account, groupBy=link",
                        () -> stats.funnel(new FunnelQuery(START, end, utc, GroupBy.LINK, null, null, null, ACCOUNT)));
                queries.put(path + "funnel year, account, groupBy=day tz=Europe/Berlin",
                        () -> stats.funnel(new FunnelQuery(START, end, berlin, GroupBy.DAY, null, null, null, ACCOUNT)));
                // the same year as the API reads from=2025-01-01&to=2025-12-31&tz=Europe/Berlin: Berlin's days
                queries.put(path + "funnel year of Berlin days, account, groupBy=day Berlin",
                        () -> stats.funnel(new FunnelQuery(berlinFrom, berlinTo, berlin, GroupBy.DAY, null, null, null,
                                ACCOUNT)));
                queries.put(path + "funnel year-1d, mid-day edges, account, campaign",
                        () -> stats.funnel(new FunnelQuery(midFrom, midTo, utc, GroupBy.CAMPAIGN, null, null, null, ACCOUNT)));
                queries.put(path + "funnel year-1d, mid-day edges, account, link",
                        () -> stats.funnel(new FunnelQuery(midFrom, midTo, utc, GroupBy.LINK, null, null, null, ACCOUNT)));
            }
            queries.put(path + "funnel 30 days, one campaign, groupBy=day",
                    () -> stats.funnel(new FunnelQuery(end.minus(Duration.ofDays(30)), end, utc, GroupBy.DAY, "bench-c7", null,
                            null, ACCOUNT)));
            queries.put(path + "funnel 30 days, account, groupBy=campaign",
                    () -> stats.funnel(new FunnelQuery(end.minus(Duration.ofDays(30)), end, utc, GroupBy.CAMPAIGN, null, null,
                            null, ACCOUNT)));
            queries.put(path + "funnel 30 days, one link, groupBy=link",
                    () -> stats.funnel(new FunnelQuery(end.minus(Duration.ofDays(30)), end, utc, GroupBy.LINK, null, null,
                            "bl17", null)));
            if (stats == rolled || Boolean.getBoolean("bench.stats.year")) {
                queries.put(path + "top-refs year, account, 20",
                        () -> stats.topRefs(new TopRefsQuery(START, end, ACCOUNT, null, null, null, 20)));
                queries.put(path + "top-refs year-1d, mid-day edges, account, 20",
                        () -> stats.topRefs(new TopRefsQuery(midFrom, midTo, ACCOUNT, null, null, null, 20)));
            }
        }
        int rawRuns = Integer.getInteger("bench.stats.raw-runs", 3);
        System.out.println();
        System.out.printf(Locale.ROOT, "%-62s %5s %9s %9s %9s %9s%n", "query", "runs", "min ms", "p50 ms", "p95 ms",
                "max ms");
        for (Map.Entry<String, Supplier<Uni<?>>> q : queries.entrySet()) {
            int n = q.getKey().startsWith("raw") ? rawRuns : runs;
            q.getValue().get().await().atMost(Duration.ofMinutes(30)); // warm-up
            double[] millis = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                q.getValue().get().await().atMost(Duration.ofMinutes(30));
                millis[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(millis);
            System.out.printf(Locale.ROOT, "%-62s %5d %9.1f %9.1f %9.1f %9.1f%n", q.getKey(), n, millis[0],
                    percentile(millis, 0.50), percentile(millis, 0.95), millis[n - 1]);
        }
        pool.close().await().indefinitely();
        vertx.close().await().indefinitely();
    }

    /** Nearest rank on sorted values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static void step(String what, long started) {
        System.out.printf(Locale.ROOT, "seed: %s done after %.0f s%n", what, (System.nanoTime() - started) / 1e9);
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
