package dev.igme.reply.outbox;

import dev.igme.reply.rules.ReplyRule;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.attribution.AttributionEvent;
import dev.igme.conversation.Conversation;
import io.micrometer.core.instrument.Metrics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The reply table as an outbox: one row per attribution (a unique constraint, so no event,
 * instance or restart can make a second one), claimed for sending with {@code FOR UPDATE SKIP
 * LOCKED} so that several replier instances never send the same row.
 */
@ApplicationScoped
public class ReplyOutbox {

    public static final String PENDING = "PENDING";
    /** Taken by a dispatcher, no call made yet: handed back to PENDING if that dispatcher dies. */
    public static final String CLAIMED = "CLAIMED";
    public static final String SENDING = "SENDING";
    public static final String SENT = "SENT";

    /** What the decision needs to know about a conversation and its replies. */
    public record State(Instant lastInboundAt, boolean alreadyReplied, String pausedTokenFingerprint,
            Map<Long, Instant> lastReplyByRule) {
    }

    /** A row claimed for sending, with the conversation's current clock. */
    public record Due(long id, String attributionId, String igAccountId, String igsid, String text, String quickReplies,
            int attempts, Instant lastInboundAt, String pausedTokenFingerprint) {
    }

    /** A new row. {@code status} is PENDING or a final SKIPPED_ / FAILED_ status. */
    public record NewReply(AttributionEvent event, ReplyRule rule, String status, String text, String quickReplies,
            Instant windowExpiresAt, String error) {
    }

    private final Pool pool;

    public ReplyOutbox(Pool pool) {
        this.pool = pool;
    }

    /** The state of every event's conversation in two queries, whatever the batch size. */
    public Uni<Map<String, State>> states(List<AttributionEvent> events) {
        String[] ids = events.stream().map(AttributionEvent::attributionId).toArray(String[]::new);
        String[] accounts = events.stream().map(AttributionEvent::igAccountId).toArray(String[]::new);
        String[] users = events.stream().map(AttributionEvent::igsid).toArray(String[]::new);
        Uni<List<Row>> singles = pool.preparedQuery("""
                SELECT e.attribution_id, e.ig_account_id, e.igsid,
                       (SELECT last_inbound_at FROM conversation c
                         WHERE c.ig_account_id = e.ig_account_id AND c.igsid = e.igsid) AS last_inbound_at,
                       EXISTS (SELECT 1 FROM reply r WHERE r.attribution_id = e.attribution_id) AS replied,
                       (SELECT token_fingerprint FROM account_pause p WHERE p.ig_account_id = e.ig_account_id) AS paused
                FROM unnest($1::text[], $2::text[], $3::text[]) AS e(attribution_id, ig_account_id, igsid)""")
                .execute(Tuple.of(ids, accounts, users))
                .map(ReplyOutbox::list);
        Uni<List<Row>> byRule = pool.preparedQuery("""
                SELECT ig_account_id, igsid, rule_id, max(created_at) AS last FROM reply
                WHERE (ig_account_id, igsid) IN (SELECT * FROM unnest($1::text[], $2::text[]))
                  AND rule_id IS NOT NULL AND status IN ('PENDING', 'SENDING', 'SENT')
                GROUP BY ig_account_id, igsid, rule_id""")
                .execute(Tuple.of(accounts, users))
                .map(ReplyOutbox::list);
        return Uni.combine().all().unis(singles, byRule).asTuple().map(t -> {
            Map<Conversation.Key, Map<Long, Instant>> lastByConversation = new HashMap<>();
            for (Row row : t.getItem2()) {
                lastByConversation.computeIfAbsent(conversation(row), k -> new HashMap<>())
                        .put(row.getLong("rule_id"), instant(row, "last"));
            }
            Map<String, State> states = new HashMap<>();
            for (Row row : t.getItem1()) {
                Conversation.Key conversation = conversation(row);
                states.put(row.getString("attribution_id"), new State(instant(row, "last_inbound_at"),
                        row.getBoolean("replied"), row.getString("paused"),
                        lastByConversation.getOrDefault(conversation, Map.of())));
            }
            return states;
        });
    }

    /** Inserts the rows (in one pipelined batch) unless their attributions have one; returns how many PENDING rows went in. */
    public Uni<Integer> insertAll(List<NewReply> replies, Instant now) {
        if (replies.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<NewReply> sorted = replies.stream().sorted(Comparator.comparing(r -> r.event().attributionId())).toList();
        return pool.preparedQuery(INSERT + " RETURNING status").executeBatch(sorted.stream().map(r -> row(r, now)).toList())
                .map(result -> {
                    int pending = 0;
                    for (var rows = result; rows != null; rows = rows.next()) {
                        for (Row row : rows) {
                            String status = row.getString("status");
                            if (PENDING.equals(status)) {
                                pending++;
                            } else {
                                countFinal(status, 1);
                            }
                        }
                    }
                    return pending;
                });
    }

    private static final String INSERT = """
            INSERT INTO reply (attribution_id, ig_account_id, igsid, ref, scenario, rule_id, rule_name, status, text,
                               quick_replies, next_attempt_at, window_expires_at, last_error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (attribution_id) DO NOTHING""";

    private static Tuple row(NewReply reply, Instant now) {
        AttributionEvent e = reply.event();
        return Tuple.from(new Object[] {e.attributionId(), e.igAccountId(), e.igsid(), e.ref(),
                e.scenario().name(), reply.rule() == null ? null : reply.rule().id(),
                reply.rule() == null ? null : reply.rule().name(), reply.status(), reply.text(),
                reply.quickReplies(), PENDING.equals(reply.status()) ? utc(now) : null,
                utc(reply.windowExpiresAt()), reply.error()});
    }

    /** Replies by final status: SENT, FAILED_<reason>, SKIPPED_<reason>. */
    static void countFinal(String status, double replies) {
        Metrics.counter("igme.replies", "status", status).increment(replies);
    }

    /** Marks up to {@code limit} due PENDING rows CLAIMED (one more attempt) and returns them. */
    public Uni<List<Due>> claimDue(int limit, Instant now) {
        return pool.preparedQuery("""
                UPDATE reply r SET status = 'CLAIMED', attempts = r.attempts + 1, updated_at = now()
                FROM (SELECT id FROM reply WHERE status = 'PENDING' AND next_attempt_at <= $2
                      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
                WHERE r.id = due.id
                RETURNING r.id, r.attribution_id, r.ig_account_id, r.igsid, r.text, r.quick_replies, r.attempts,
                    (SELECT last_inbound_at FROM conversation c
                      WHERE c.ig_account_id = r.ig_account_id AND c.igsid = r.igsid) AS last_inbound_at,
                    (SELECT token_fingerprint FROM account_pause p WHERE p.ig_account_id = r.ig_account_id) AS paused""")
                .execute(Tuple.of(limit, utc(now)))
                .map(rows -> {
                    List<Due> due = new ArrayList<>();
                    rows.forEach(row -> due.add(new Due(row.getLong("id"), row.getString("attribution_id"),
                            row.getString("ig_account_id"), row.getString("igsid"), row.getString("text"),
                            row.getString("quick_replies"), row.getInteger("attempts"), instant(row, "last_inbound_at"),
                            row.getString("paused"))));
                    return due;
                });
    }

    /**
     * Marks claimed rows SENDING in one statement, right before their calls start: from here on a
     * crash leaves them ambiguous, so this is done as late as possible. Only rows this claim still
     * holds move: a row waited on past {@code sending-timeout} may have been handed back and
     * claimed by another dispatcher (its attempt count then differs), and is that one's to send.
     *
     * @return the ids now SENDING, the only ones the caller may send
     */
    public Uni<Set<Long>> markSending(List<Due> claimed) {
        if (claimed.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        return pool.preparedQuery("""
                UPDATE reply r SET status = 'SENDING', updated_at = now()
                FROM unnest($1::bigint[], $2::int[]) AS c(id, attempts)
                WHERE r.id = c.id AND r.attempts = c.attempts AND r.status = 'CLAIMED'
                RETURNING r.id""")
                .execute(Tuple.of(claimed.stream().map(Due::id).toArray(Long[]::new),
                        claimed.stream().map(Due::attempts).toArray(Integer[]::new)))
                .map(rows -> {
                    Set<Long> ids = new HashSet<>();
                    rows.forEach(row -> ids.add(row.getLong("id")));
                    return ids;
                });
    }

    /** Marks many rows SENT in one pipelined batch: the dispatcher's hot path. */
    public Uni<Void> markAllSent(List<Map.Entry<Long, String>> sent, Instant now) {
        if (sent.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("UPDATE reply SET status = 'SENT', message_id = $2, sent_at = $3, last_error = NULL,"
                + " updated_at = now() WHERE id = $1 AND status = 'SENDING'")
                .executeBatch(sent.stream().map(e -> Tuple.of(e.getKey(), e.getValue(), utc(now))).toList())
                .invoke(() -> countFinal(SENT, sent.size()))
                .replaceWithVoid();
    }

    public Uni<Void> markFinal(long id, String status, String error) {
        return update("UPDATE reply SET status = $2, last_error = $3, next_attempt_at = NULL, updated_at = now()"
                + " WHERE id = $1 AND status IN ('CLAIMED', 'SENDING')", Tuple.of(id, status, error))
                .invoke(() -> countFinal(status, 1));
    }

    public Uni<Void> reschedule(long id, Instant nextAttemptAt, String error) {
        return update("UPDATE reply SET status = 'PENDING', next_attempt_at = $2, last_error = $3, updated_at = now()"
                + " WHERE id = $1 AND status = 'SENDING'", Tuple.of(id, utc(nextAttemptAt), error));
    }

    /**
     * Rows left by an instance that died: CLAIMED ones (no call made) go back to PENDING; SENDING
     * ones may or may not have been delivered by Meta, and sending again could message the
     * customer twice, so they end as FAILED_AMBIGUOUS.
     */
    public Uni<Integer> failAbandoned(Duration sendingTimeout) {
        Uni<Void> handBack = pool.preparedQuery("""
                UPDATE reply SET status = 'PENDING', updated_at = now()
                WHERE status = 'CLAIMED' AND updated_at < now() - make_interval(secs => $1)""")
                .execute(Tuple.of((double) sendingTimeout.toSeconds())).replaceWithVoid();
        return handBack.chain(() -> pool.preparedQuery("""
                UPDATE reply SET status = 'FAILED_AMBIGUOUS', updated_at = now(), next_attempt_at = NULL,
                    last_error = 'left SENDING by an instance that stopped mid-call; Meta may have delivered it, so it is not sent again'
                WHERE status = 'SENDING' AND updated_at < now() - make_interval(secs => $1)""")
                .execute(Tuple.of((double) sendingTimeout.toSeconds()))
                .map(result -> result.rowCount())
                .invoke(n -> countFinal("FAILED_AMBIGUOUS", n)));
    }

    /** Stops all sends for the account until its token changes. */
    public Uni<Void> pause(String igAccountId, String tokenFingerprint, String reason) {
        Metrics.counter("igme.accounts.paused", "account", igAccountId).increment();
        return update("""
                INSERT INTO account_pause (ig_account_id, token_fingerprint, reason) VALUES ($1, $2, $3)
                ON CONFLICT (ig_account_id) DO UPDATE SET token_fingerprint = EXCLUDED.token_fingerprint,
                    reason = EXCLUDED.reason, paused_at = now()""", Tuple.of(igAccountId, tokenFingerprint, reason));
    }

    private Uni<Void> update(String sql, Tuple params) {
        return pool.preparedQuery(sql).execute(params).replaceWithVoid();
    }

    private static List<Row> list(RowSet<Row> rows) {
        List<Row> list = new ArrayList<>(rows.size());
        rows.forEach(list::add);
        return list;
    }

    private static Conversation.Key conversation(Row row) {
        return new Conversation.Key(row.getString("ig_account_id"), row.getString("igsid"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
