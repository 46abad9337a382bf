package dev.igme.attribution;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.conversation.Conversation;
import dev.igme.conversation.ConversationTouch;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Writes what a batch of deliveries contained in one PostgreSQL transaction: attribution rows
 * (inserted once per id, whatever the number of deliveries) and the conversations' clocks
 * (max of old and new). Rows are written in key order so that normalizer instances working on
 * overlapping conversations never deadlock. Uses the reactive client directly: a batch is a few
 * pipelined statements instead of one round trip per row.
 */
@ApplicationScoped
public class AttributionStore {

    static final String INSERT_ATTRIBUTION = """
            INSERT INTO attribution (attribution_id, ig_account_id, igsid, scenario, new_thread, ref, ref_valid,
                source, source_category, type, message_id, postback_title, postback_payload, ad_id, ads_context,
                product_id, occurred_at, received_at, delivery_id, standby, test)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
            ON CONFLICT (attribution_id) DO NOTHING""";

    static final String UPSERT_CONVERSATION = """
            INSERT INTO conversation AS c (ig_account_id, igsid, last_inbound_at, last_business_message_at)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (ig_account_id, igsid) DO UPDATE SET
                last_inbound_at = GREATEST(c.last_inbound_at, EXCLUDED.last_inbound_at),
                last_business_message_at = GREATEST(c.last_business_message_at, EXCLUDED.last_business_message_at),
                updated_at = now()""";

    private final Pool pool;

    public AttributionStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> write(Collection<AttributionEvent> attributions, Collection<ConversationTouch> touches) {
        List<Tuple> attributionRows = attributions.stream()
                .sorted(Comparator.comparing(AttributionEvent::attributionId))
                .map(AttributionStore::row)
                .toList();
        List<Tuple> conversationRows = conversationRows(touches);
        if (attributionRows.isEmpty() && conversationRows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(connection -> batch(connection, INSERT_ATTRIBUTION, attributionRows)
                .chain(() -> batch(connection, UPSERT_CONVERSATION, conversationRows)));
    }

    /**
     * True for errors that the same rows would cause again (bad data, a limit), as opposed to the
     * database being unreachable or busy: retrying those would stall the consumer forever.
     */
    public static boolean isDataError(Throwable failure) {
        if (failure instanceof io.vertx.pgclient.PgException pg && pg.getSqlState() != null) {
            String sqlClass = pg.getSqlState().substring(0, 2);
            return sqlClass.equals("22") || sqlClass.equals("23") || sqlClass.equals("54");
        }
        return false;
    }

    private static Uni<Void> batch(SqlConnection connection, String sql, List<Tuple> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(sql).executeBatch(rows).replaceWithVoid();
    }

    private static Tuple row(AttributionEvent a) {
        return Tuple.from(new Object[] {a.attributionId(), a.igAccountId(), a.igsid(), a.scenario().name(),
                a.newThread(), a.ref(), a.refValid(), a.source(), a.sourceCategory().name(), a.type(), a.messageId(),
                a.postbackTitle(), a.postbackPayload(), a.adId(),
                a.adsContext() == null ? null : a.adsContext().toString(), a.productId(), utc(a.occurredAt()),
                utc(a.receivedAt()), a.deliveryId(), a.standby(), a.test()});
    }

    /** One row per conversation, already holding the batch's latest times, in key order. */
    static List<Tuple> conversationRows(Collection<ConversationTouch> touches) {
        Map<Conversation.Key, Instant[]> latest = new TreeMap<>(KEY_ORDER);
        for (ConversationTouch touch : touches) {
            Instant[] times = latest.computeIfAbsent(new Conversation.Key(touch.igAccountId(), touch.igsid()), k -> new Instant[2]);
            int slot = touch.kind() == ConversationTouch.Kind.INBOUND ? 0 : 1;
            if (times[slot] == null || touch.at().isAfter(times[slot])) {
                times[slot] = touch.at();
            }
        }
        List<Tuple> rows = new ArrayList<>(latest.size());
        latest.forEach((key, times) -> rows.add(Tuple.of(key.igAccountId, key.igsid, utc(times[0]), utc(times[1]))));
        return rows;
    }

    private static final Comparator<Conversation.Key> KEY_ORDER =
            Comparator.comparing((Conversation.Key k) -> k.igAccountId).thenComparing(k -> k.igsid);

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
