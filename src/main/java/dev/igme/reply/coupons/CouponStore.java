package dev.igme.reply.coupons;

import static dev.igme.platform.Sql.instant;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.reply.rules.CouponPoolNames;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * The tables {@code coupon_pool} and {@code coupon}, through the reactive client. Codes are taken
 * with {@code FOR UPDATE SKIP LOCKED} inside the caller's transaction (the one that writes the
 * reply rows), so any number of repliers take distinct codes without waiting on each other; the
 * unique index on (pool, conversation) makes a second code for one conversation impossible in
 * the database itself.
 */
@ApplicationScoped
public class CouponStore implements CouponPoolNames {

    /** A code wanted for this attribution's conversation from the pool named {@code pool}. */
    public record Request(String attributionId, String pool, String igAccountId, String igsid) {
    }

    /**
     * What a request got: a {@code code}, or none because the conversation has one from this pool
     * already ({@code alreadyIssued}) or because the pool has no free code left (or does not exist).
     */
    public record Issue(Request request, String code, boolean alreadyIssued) {

        public boolean issued() {
            return code != null;
        }
    }

    /** A pool's counts, for the gauges and the low-threshold warning. */
    record Level(long id, String name, int lowThreshold, long left, boolean markedLow) {
    }

    private static final String POOLS = """
            SELECT p.id, p.name, p.description, p.low_threshold, p.created_at,
                   count(c.id) AS total, count(c.issued_at) AS issued
            FROM coupon_pool p LEFT JOIN coupon c ON c.pool_id = p.id
            %s
            GROUP BY p.id ORDER BY p.name""";

    /**
     * One statement for a whole batch: requests whose conversation has no code from the pool yet
     * are numbered per pool, the same number of free codes per pool is locked (skipping codes
     * other transactions hold), and code n goes to request n. The last SELECT reads the snapshot
     * from before the update, so {@code already} means "issued by an earlier transaction".
     */
    private static final String ISSUE = """
            WITH req AS MATERIALIZED (
                SELECT r.attribution_id, p.id AS pool_id, r.ig_account_id, r.igsid,
                       row_number() OVER (PARTITION BY p.id ORDER BY r.ord) AS n
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
                         AS r(attribution_id, pool, ig_account_id, igsid, ord)
                JOIN coupon_pool p ON p.name = r.pool
                WHERE NOT EXISTS (SELECT 1 FROM coupon c WHERE c.pool_id = p.id AND c.issued_at IS NOT NULL
                                  AND c.ig_account_id = r.ig_account_id AND c.igsid = r.igsid)
            ), free AS MATERIALIZED (
                SELECT f.id, f.pool_id, row_number() OVER (PARTITION BY f.pool_id ORDER BY f.id) AS n
                FROM (SELECT pool_id, count(*) AS wanted FROM req GROUP BY pool_id) w
                CROSS JOIN LATERAL (
                    SELECT c.id, c.pool_id FROM coupon c
                    WHERE c.pool_id = w.pool_id AND c.issued_at IS NULL
                    ORDER BY c.id LIMIT w.wanted
                    FOR UPDATE SKIP LOCKED) f
            ), issued AS (
                UPDATE coupon c SET ig_account_id = req.ig_account_id, igsid = req.igsid,
                                    attribution_id = req.attribution_id, issued_at = now()
                FROM free JOIN req ON req.pool_id = free.pool_id AND req.n = free.n
                WHERE c.id = free.id AND c.issued_at IS NULL
                RETURNING c.attribution_id, c.code
            )
            SELECT r.attribution_id, i.code,
                   EXISTS (SELECT 1 FROM coupon c JOIN coupon_pool p ON p.id = c.pool_id
                           WHERE p.name = r.pool AND c.issued_at IS NOT NULL
                             AND c.ig_account_id = r.ig_account_id AND c.igsid = r.igsid) AS already
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(attribution_id, pool, ig_account_id, igsid)
            LEFT JOIN issued i ON i.attribution_id = r.attribution_id""";

    /** Looked up when first used: the datasource is inactive on instances whose roles use no database. */
    private final InjectableInstance<Pool> pool;

    public CouponStore(@WithCaching InjectableInstance<Pool> pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Set<String>> existing(Collection<String> names) {
        return pool.get().preparedQuery("SELECT name FROM coupon_pool WHERE name = ANY($1)")
                .execute(Tuple.of(names.toArray(String[]::new)))
                .map(rows -> {
                    Set<String> found = new HashSet<>();
                    rows.forEach(row -> found.add(row.getString("name")));
                    return found;
                });
    }

    /** The new pool's id, or null when the name is taken. */
    Uni<Long> create(String name, String description, int lowThreshold) {
        return pool.get().preparedQuery("""
                INSERT INTO coupon_pool (name, description, low_threshold) VALUES ($1, $2, $3)
                ON CONFLICT (name) DO NOTHING RETURNING id""")
                .execute(Tuple.of(name, description, lowThreshold))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong("id"));
    }

    Uni<List<CouponPool>> list() {
        return pool.get().query(POOLS.formatted("")).execute().map(rows -> {
            List<CouponPool> pools = new ArrayList<>();
            rows.forEach(row -> pools.add(toPool(row)));
            return pools;
        });
    }

    /** The pool, or null. */
    Uni<CouponPool> get(long id) {
        return pool.get().preparedQuery(POOLS.formatted("WHERE p.id = $1")).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : toPool(rows.iterator().next()));
    }

    /** Adds the codes in one statement (all or nothing); returns how many were new to the pool. */
    Uni<Integer> addCodes(long poolId, List<String> codes) {
        return pool.get().preparedQuery("""
                INSERT INTO coupon (pool_id, code) SELECT $1, code FROM unnest($2::text[]) AS u(code)
                ON CONFLICT (pool_id, code) DO NOTHING""")
                .execute(Tuple.of(poolId, codes.toArray(String[]::new)))
                .map(result -> result.rowCount());
    }

    /**
     * Deletes a pool none of whose codes was issued, with its free codes; false when a code was
     * issued (then nothing changes). The foreign key of the issued codes stops the delete even
     * when a code is issued while this runs.
     */
    Uni<Boolean> deleteUnused(long poolId) {
        return pool.get().withTransaction(tx -> tx.preparedQuery(
                "SELECT count(*) AS issued FROM coupon WHERE pool_id = $1 AND issued_at IS NOT NULL")
                .execute(Tuple.of(poolId))
                .chain(rows -> {
                    if (rows.iterator().next().getLong("issued") > 0) {
                        return Uni.createFrom().item(false);
                    }
                    return tx.preparedQuery("DELETE FROM coupon WHERE pool_id = $1 AND issued_at IS NULL")
                            .execute(Tuple.of(poolId))
                            .chain(() -> tx.preparedQuery("DELETE FROM coupon_pool WHERE id = $1").execute(Tuple.of(poolId)))
                            .map(deleted -> true);
                }))
                .onFailure(e -> e instanceof PgException pg && "23503".equals(pg.getSqlState())).recoverWithItem(false);
    }

    /**
     * Takes codes for the requests, in {@code tx} (the transaction that records the replies). A
     * conversation asked for twice in one call gets one code; the later requests are
     * {@code alreadyIssued}. Results are in the order of the requests.
     */
    public Uni<List<Issue>> issue(SqlClient tx, List<Request> requests) {
        Map<String, Request> firstByConversation = new HashMap<>();
        List<Request> distinct = new ArrayList<>();
        for (Request r : requests) {
            if (firstByConversation.putIfAbsent(conversation(r), r) == null) {
                distinct.add(r);
            }
        }
        if (distinct.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return tx.preparedQuery(ISSUE).execute(Tuple.of(
                        distinct.stream().map(Request::attributionId).toArray(String[]::new),
                        distinct.stream().map(Request::pool).toArray(String[]::new),
                        distinct.stream().map(Request::igAccountId).toArray(String[]::new),
                        distinct.stream().map(Request::igsid).toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Request> asked = new HashMap<>();
                    distinct.forEach(r -> asked.put(r.attributionId(), r));
                    Map<String, Issue> byAttribution = new HashMap<>();
                    rows.forEach(row -> {
                        String id = row.getString("attribution_id");
                        byAttribution.put(id, new Issue(asked.get(id), row.getString("code"), row.getBoolean("already")));
                    });
                    List<Issue> issues = new ArrayList<>(requests.size());
                    for (Request r : requests) {
                        Request first = firstByConversation.get(conversation(r));
                        Issue firstIssue = byAttribution.get(first.attributionId());
                        if (first == r) {
                            issues.add(firstIssue);
                        } else {
                            // the same conversation asked again in this call: it has the first one's code, or none
                            issues.add(new Issue(r, null, firstIssue.issued() || firstIssue.alreadyIssued()));
                        }
                    }
                    return issues;
                });
    }

    private static String conversation(Request r) {
        return r.pool() + "\u0000" + r.igAccountId() + "\u0000" + r.igsid();
    }

    /** Gives codes taken in {@code tx} back, for replies that were not recorded after all. */
    public Uni<Void> release(SqlClient tx, List<Issue> issues) {
        List<Issue> taken = issues.stream().filter(Issue::issued).toList();
        if (taken.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery("""
                UPDATE coupon c SET ig_account_id = NULL, igsid = NULL, attribution_id = NULL, issued_at = NULL
                FROM unnest($1::text[], $2::text[]) AS t(attribution_id, code)
                WHERE c.attribution_id = t.attribution_id AND c.code = t.code""")
                .execute(Tuple.of(taken.stream().map(i -> i.request().attributionId()).toArray(String[]::new),
                        taken.stream().map(Issue::code).toArray(String[]::new)))
                .replaceWithVoid();
    }

    /** Every pool's free codes, for the gauges and the low-threshold check. */
    Uni<List<Level>> levels() {
        return pool.get().query("""
                SELECT p.id, p.name, p.low_threshold, p.low_since IS NOT NULL AS marked_low,
                       (SELECT count(*) FROM coupon c WHERE c.pool_id = p.id AND c.issued_at IS NULL) AS left_
                FROM coupon_pool p ORDER BY p.id""").execute().map(rows -> {
                    List<Level> levels = new ArrayList<>();
                    rows.forEach(row -> levels.add(new Level(row.getLong("id"), row.getString("name"),
                            row.getInteger("low_threshold"), row.getLong("left_"), row.getBoolean("marked_low"))));
                    return levels;
                });
    }

    /**
     * Marks pools as below their threshold; returns the ids this call marked (pools marked before,
     * by this or another instance, are not returned: the warning is logged once per crossing).
     */
    Uni<Set<Long>> markLow(List<Long> ids) {
        return pool.get().preparedQuery("""
                UPDATE coupon_pool SET low_since = now() WHERE id = ANY($1) AND low_since IS NULL RETURNING id""")
                .execute(Tuple.of(ids.toArray(Long[]::new)))
                .map(rows -> {
                    Set<Long> marked = new HashSet<>();
                    rows.forEach(row -> marked.add(row.getLong("id")));
                    return marked;
                });
    }

    /** Pools refilled above their threshold may warn again when they next fall below it. */
    Uni<Void> clearLow(List<Long> ids) {
        return pool.get().preparedQuery("UPDATE coupon_pool SET low_since = NULL WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(Long[]::new))).replaceWithVoid();
    }

    private static CouponPool toPool(Row row) {
        long total = row.getLong("total");
        long issued = row.getLong("issued");
        return new CouponPool(row.getLong("id"), row.getString("name"), row.getString("description"),
                row.getInteger("low_threshold"), total, issued, total - issued, instant(row, "created_at"));
    }
}
