package dev.igme.conversation;

import static dev.igme.platform.Sql.instant;
import static dev.igme.platform.Sql.utc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code conversation} table, and the only code that reads or writes it: the normalizer moves
 * the clocks inside its own transaction ({@link #touch}), the replier asks for the last inbound
 * time of the conversations it decides or sends for, and the read API for one conversation.
 */
@ApplicationScoped
public class ConversationStore {

    static final String UPSERT = """
            INSERT INTO conversation AS c (ig_account_id, igsid, last_inbound_at, last_business_message_at)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (ig_account_id, igsid) DO UPDATE SET
                last_inbound_at = GREATEST(c.last_inbound_at, EXCLUDED.last_inbound_at),
                last_business_message_at = GREATEST(c.last_business_message_at, EXCLUDED.last_business_message_at),
                updated_at = now()""";

    /** Looked up when first used: the datasource is inactive on instances whose roles use no database. */
    private final InjectableInstance<Pool> pool;

    public ConversationStore(@WithCaching InjectableInstance<Pool> pool) {
        this.pool = pool;
    }

    /**
     * Moves the clocks of every touched conversation, as max(old, new), on the caller's connection
     * (inside its transaction): one row per conversation, in {@link ConversationKey#ORDER}.
     */
    public Uni<Void> touch(SqlConnection connection, Collection<ConversationTouch> touches) {
        Map<ConversationKey, Instant[]> latest = new TreeMap<>(ConversationKey.ORDER);
        for (ConversationTouch touch : touches) {
            Instant[] times = latest.computeIfAbsent(new ConversationKey(touch.igAccountId(), touch.igsid()),
                    k -> new Instant[2]);
            int slot = touch.kind() == ConversationTouch.Kind.INBOUND ? 0 : 1;
            if (times[slot] == null || touch.at().isAfter(times[slot])) {
                times[slot] = touch.at();
            }
        }
        if (latest.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = new ArrayList<>(latest.size());
        latest.forEach((key, times) -> rows.add(Tuple.of(key.igAccountId(), key.igsid(), utc(times[0]), utc(times[1]))));
        return connection.preparedQuery(UPSERT).executeBatch(rows).replaceWithVoid();
    }

    /** The last inbound time of each of these conversations that has one; one query whatever their number. */
    public Uni<Map<ConversationKey, Instant>> lastInbound(Collection<ConversationKey> keys) {
        return lastInbound(pool.get(), keys);
    }

    /** {@link #lastInbound(Collection)} through {@code client} (the pool, or a transaction's connection). */
    public Uni<Map<ConversationKey, Instant>> lastInbound(SqlClient client, Collection<ConversationKey> keys) {
        if (keys.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return client.preparedQuery("""
                SELECT c.ig_account_id, c.igsid, c.last_inbound_at FROM conversation c
                JOIN unnest($1::text[], $2::text[]) AS k(ig_account_id, igsid)
                  ON c.ig_account_id = k.ig_account_id AND c.igsid = k.igsid
                WHERE c.last_inbound_at IS NOT NULL""")
                .execute(Tuple.of(keys.stream().map(ConversationKey::igAccountId).toArray(String[]::new),
                        keys.stream().map(ConversationKey::igsid).toArray(String[]::new)))
                .map(rows -> {
                    Map<ConversationKey, Instant> last = new HashMap<>();
                    for (Row row : rows) {
                        last.put(key(row), instant(row, "last_inbound_at"));
                    }
                    return last;
                });
    }

    /** The conversation's clocks, or null when nothing was ever seen of it. */
    public Uni<Conversation> find(ConversationKey key) {
        return pool.get().preparedQuery("""
                SELECT ig_account_id, igsid, last_inbound_at, last_business_message_at FROM conversation
                WHERE ig_account_id = $1 AND igsid = $2""")
                .execute(Tuple.of(key.igAccountId(), key.igsid()))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return null;
                    }
                    Row row = it.next();
                    return new Conversation(key(row), instant(row, "last_inbound_at"), instant(row, "last_business_message_at"));
                });
    }

    private static ConversationKey key(Row row) {
        return new ConversationKey(row.getString("ig_account_id"), row.getString("igsid"));
    }
}
