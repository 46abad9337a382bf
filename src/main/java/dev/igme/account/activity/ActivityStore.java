package dev.igme.account.activity;

import static dev.igme.platform.Sql.instant;
import static dev.igme.platform.Sql.utc;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code account_activity} table: per configured account, when its latest delivery and
 * referral arrived, and since when it is watched. Times only grow (GREATEST), so normalizer
 * instances may record in any order.
 */
@ApplicationScoped
public class ActivityStore {

    private final InjectableInstance<Pool> pool;

    public ActivityStore(@WithCaching InjectableInstance<Pool> pool) {
        this.pool = pool;
    }

    /** Moves the clocks forward, one pipelined statement per account, in key order. */
    public Uni<Void> record(Map<String, Instant> lastDelivery, Map<String, Instant> lastReferral) {
        TreeSet<String> ids = new TreeSet<>(lastDelivery.keySet());
        ids.addAll(lastReferral.keySet());
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = ids.stream()
                .map(id -> Tuple.of(id, utc(lastDelivery.get(id)), utc(lastReferral.get(id)))).toList();
        return pool.get().preparedQuery("""
                INSERT INTO account_activity AS a (ig_account_id, last_delivery_at, last_referral_at) VALUES ($1, $2, $3)
                ON CONFLICT (ig_account_id) DO UPDATE SET
                    last_delivery_at = GREATEST(a.last_delivery_at, EXCLUDED.last_delivery_at),
                    last_referral_at = GREATEST(a.last_referral_at, EXCLUDED.last_referral_at),
                    updated_at = now()""").executeBatch(rows).replaceWithVoid();
    }

    /** Every account's activity; an account not seen before starts being watched now. */
    public Uni<Map<String, Activity>> watch(Collection<String> accounts) {
        String[] ids = accounts.stream().sorted().toArray(String[]::new);
        return pool.get().preparedQuery("""
                INSERT INTO account_activity (ig_account_id) SELECT unnest($1::text[]) ON CONFLICT (ig_account_id) DO NOTHING""")
                .execute(Tuple.of(ids))
                .chain(() -> pool.get().preparedQuery("""
                        SELECT ig_account_id, last_delivery_at, last_referral_at, watched_since FROM account_activity
                        WHERE ig_account_id = ANY($1)""").execute(Tuple.of((Object) ids)))
                .map(result -> {
                    Map<String, Activity> activity = new HashMap<>();
                    for (Row row : result) {
                        activity.put(row.getString("ig_account_id"), new Activity(instant(row, "last_delivery_at"),
                                instant(row, "last_referral_at"), instant(row, "watched_since")));
                    }
                    return activity;
                });
    }
}
