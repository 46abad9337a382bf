package dev.igme.attribution;

import static dev.igme.platform.Sql.instant;
import static dev.igme.platform.Sql.utc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.conversation.ConversationStore;
import dev.igme.conversation.ConversationTouch;
import dev.igme.link.identity.IdentityStore;
import dev.igme.link.ref.RefStatus;
import dev.igme.platform.Sql;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The {@code attribution} table, and the one mapping between its rows and {@link AttributionEvent}s
 * ({@link #COLUMNS}, {@link #tuple}, {@link #event}). The normalizer writes what a batch of
 * deliveries contained in one transaction: attribution rows (inserted once per id, whatever the
 * number of deliveries) and, through {@link ConversationStore}, the conversations' clocks. Rows
 * are written in key order so that normalizer instances working on overlapping conversations
 * never deadlock; a batch is a few pipelined statements instead of one round trip per row.
 */
@ApplicationScoped
public class AttributionStore {

    /** The columns, in the order of {@link #tuple} and {@link #event}. */
    static final List<String> COLUMNS = List.of("attribution_id", "ig_account_id", "igsid", "scenario", "new_thread",
            "ref", "ref_valid", "source", "source_category", "type", "message_id", "postback_title", "postback_payload",
            "ad_id", "ads_context", "product_id", "occurred_at", "received_at", "delivery_id", "standby", "test",
            "link_id", "campaign_id", "channel", "external_id", "click_id", "ref_status");

    static final String INSERT = "INSERT INTO attribution (" + String.join(", ", COLUMNS) + ") VALUES ("
            + IntStream.rangeClosed(1, COLUMNS.size()).mapToObj(i -> "$" + i).collect(Collectors.joining(", "))
            + ") ON CONFLICT (attribution_id) DO NOTHING";

    private static final String SELECT = "SELECT " + String.join(", ", COLUMNS) + " FROM attribution";
    /** Length of the indexed ref prefix (attribution_ref_prefix_idx). */
    private static final int INDEXED_PREFIX = 200;

    /** Looked up when first used: the datasource is inactive on instances whose roles use no database. */
    private final InjectableInstance<Pool> pool;
    private final ConversationStore conversations;
    private final IdentityStore identities;
    private final ObjectMapper mapper;

    public AttributionStore(@WithCaching InjectableInstance<Pool> pool, ConversationStore conversations,
            IdentityStore identities, ObjectMapper mapper) {
        this.pool = pool;
        this.conversations = conversations;
        this.identities = identities;
        this.mapper = mapper;
    }

    public Uni<Void> write(Collection<AttributionEvent> attributions, Collection<ConversationTouch> touches) {
        if (attributions.isEmpty() && touches.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Tuple> rows = attributions.stream()
                .sorted(Comparator.comparing(AttributionEvent::attributionId))
                .map(AttributionStore::tuple)
                .toList();
        List<IdentityStore.Binding> bindings = attributions.stream().filter(a -> a.externalId() != null)
                .map(a -> new IdentityStore.Binding(a.igAccountId(), a.igsid(), a.externalId(), a.linkId(),
                        a.attributionId(), a.occurredAt()))
                .toList();
        return pool.get().withTransaction(connection -> insert(connection, rows)
                .chain(() -> conversations.touch(connection, touches))
                .chain(() -> identities.bind(connection, bindings)));
    }

    /** Up to {@code query.limit()} events, newest first by the item's time. */
    public Uni<List<AttributionEvent>> search(AttributionQuery query) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (query.account() != null) {
            params.add(query.account());
            where.add("ig_account_id = $" + params.size());
        }
        if (query.ref() != null) {
            params.add(query.ref());
            where.add("ref = $" + params.size());
        }
        if (query.refPrefix() != null) {
            params.add(Sql.likePrefix(query.refPrefix()));
            where.add("ref LIKE $" + params.size() + " ESCAPE '!'");
            if (query.refPrefix().length() <= INDEXED_PREFIX) {
                where.add("left(ref, " + INDEXED_PREFIX + ") LIKE $" + params.size() + " ESCAPE '!'");
            }
        }
        if (query.scenario() != null) {
            params.add(query.scenario().name());
            where.add("scenario = $" + params.size());
        }
        if (query.from() != null) {
            params.add(utc(query.from()));
            where.add("occurred_at >= $" + params.size());
        }
        if (query.to() != null) {
            params.add(utc(query.to()));
            where.add("occurred_at < $" + params.size());
        }
        if (query.after() != null) {
            params.add(utc(query.after().occurredAt()));
            params.add(query.after().attributionId());
            where.add("(occurred_at, attribution_id) < ($" + (params.size() - 1) + ", $" + params.size() + ")");
        }
        params.add(query.limit());
        String sql = SELECT + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY occurred_at DESC, attribution_id DESC LIMIT $" + params.size();
        return pool.get().preparedQuery(sql).execute(Tuple.from(params)).map(rows -> {
            List<AttributionEvent> events = new ArrayList<>(rows.size());
            rows.forEach(row -> events.add(event(row)));
            return events;
        });
    }

    private static Uni<Void> insert(SqlConnection connection, List<Tuple> rows) {
        return rows.isEmpty() ? Uni.createFrom().voidItem()
                : connection.preparedQuery(INSERT).executeBatch(rows).replaceWithVoid();
    }

    static Tuple tuple(AttributionEvent a) {
        return Tuple.from(new Object[] {a.attributionId(), a.igAccountId(), a.igsid(), a.scenario().name(),
                a.newThread(), a.ref(), a.refValid(), a.source(), a.sourceCategory().name(), a.type(), a.messageId(),
                a.postbackTitle(), a.postbackPayload(), a.adId(),
                a.adsContext() == null ? null : a.adsContext().toString(), a.productId(), utc(a.occurredAt()),
                utc(a.receivedAt()), a.deliveryId(), a.standby(), a.test(), a.linkId(), a.campaign(), a.channel(),
                a.externalId(), a.clickId(), a.refStatus() == null ? null : a.refStatus().name()});
    }

    AttributionEvent event(Row row) {
        String adsContext = row.getString("ads_context");
        try {
            return new AttributionEvent(AttributionEvent.SCHEMA_VERSION, row.getString("attribution_id"),
                    Scenario.valueOf(row.getString("scenario")), row.getBoolean("new_thread"),
                    row.getString("ig_account_id"), row.getString("igsid"), row.getString("ref"),
                    row.getBoolean("ref_valid"), row.getString("source"),
                    SourceCategory.valueOf(row.getString("source_category")), row.getString("type"),
                    row.getString("message_id"), row.getString("postback_title"), row.getString("postback_payload"),
                    row.getString("ad_id"), adsContext == null ? null : mapper.readTree(adsContext),
                    row.getString("product_id"), instant(row, "occurred_at"), instant(row, "received_at"),
                    row.getString("delivery_id"), row.getBoolean("standby"), row.getBoolean("test"),
                    row.getString("link_id"), row.getString("campaign_id"), row.getString("channel"),
                    row.getString("external_id"), row.getString("click_id"),
                    row.getString("ref_status") == null ? null : RefStatus.valueOf(row.getString("ref_status")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored ads_context of " + row.getString("attribution_id") + " is not JSON", e);
        }
    }
}
