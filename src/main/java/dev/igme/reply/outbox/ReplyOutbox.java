package dev.igme.reply.outbox;

import static dev.igme.platform.Sql.instant;
import static dev.igme.platform.Sql.utc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.attribution.AttributionEvent;
import dev.igme.conversation.ConversationKey;
import dev.igme.conversation.ConversationStore;
import dev.igme.graph.QuickReply;
import dev.igme.platform.Json;
import dev.igme.platform.Sql;
import dev.igme.reply.rules.ReplyRule;
import io.micrometer.core.instrument.Metrics;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.arc.WithCaching;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The reply table as an outbox: one row per attribution (a unique constraint, so no event,
 * instance or restart can make a second one), claimed for sending with {@code FOR UPDATE SKIP
 * LOCKED} so that several replier instances never send the same row. Statuses are
 * {@link ReplyStatus} names, passed as parameters; the two partial indexes (due PENDING rows,
 * SENDING rows) need their status as a literal in the statement, written from the enum.
 */
@ApplicationScoped
public class ReplyOutbox {

    /** What the decision needs to know about a conversation and its replies. */
    public record State(Instant lastInboundAt, boolean alreadyReplied, String pausedTokenFingerprint,
            Map<Long, Instant> lastReplyByRule) {
    }

    /** A row claimed for sending, with the conversation's current clock. */
    public record Due(long id, String attributionId, ConversationKey conversation, String text,
            List<QuickReply> quickReplies, int attempts, Instant lastInboundAt, String pausedTokenFingerprint,
            String deliveryId, String traceParent) {

        Due withLastInbound(Instant at) {
            return new Due(id, attributionId, conversation, text, quickReplies, attempts, at, pausedTokenFingerprint,
                    deliveryId, traceParent);
        }
    }

    /** A new row: PENDING with its text (and the coupon code in it), or a final status (then {@code text} may be null). */
    public record NewReply(AttributionEvent event, ReplyRule rule, ReplyStatus status, String text,
            List<QuickReply> quickReplies, Instant windowExpiresAt, String error, String couponCode) {
    }

    /** What {@link #insertAll} wrote: the attributions that got their row, and those rows' statuses. */
    public record Inserted(Set<String> attributionIds, List<ReplyStatus> statuses) {
    }

    /**
     * Sent before a claim's read, for its transaction only: the due rows are read in index order
     * and the read stops after {@code limit}, whatever the planner believes about the backlog. With
     * statistics taken while the table held few PENDING rows (a fresh table, or a burst on a large
     * table of finished replies), it estimated a few dozen due rows and chose to fetch every due row
     * and sort them all for each claim: 5-476 ms per claim at 3,000-49,000 PENDING rows (external
     * merge sort on disk past ~25,000), against 0.2-0.6 ms for the index scan (BENCHMARKS.md, "The
     * replier's drain: the claim that sorted the whole backlog").
     */
    private static final String ORDERED_CLAIM = "SET LOCAL enable_sort = off";

    /** Replies that were or may be sent: what a rule's cooldown counts. */
    private static final String[] COUNTED_FOR_COOLDOWN = names(ReplyStatus.PENDING, ReplyStatus.CLAIMED,
            ReplyStatus.SENDING, ReplyStatus.SENT);

    /**
     * All of a batch's rows in one statement (one plan, one round trip, whatever the batch size);
     * rows come out of {@code unnest} in array order, sorted by attribution id so that two
     * repliers inserting overlapping batches take the unique index's locks in the same order.
     */
    private static final String INSERT = """
            INSERT INTO reply (attribution_id, ig_account_id, igsid, ref, scenario, rule_id, rule_name, status, text,
                               quick_replies, next_attempt_at, window_expires_at, last_error, coupon_code,
                               delivery_id, trace_parent)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[],
                                 $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], $13::text[],
                                 $14::text[], $15::text[], $16::text[])
            ON CONFLICT (attribution_id) DO NOTHING
            RETURNING attribution_id, status""";

    /** Looked up when first used: the datasource is inactive on instances whose roles use no database. */
    private final InjectableInstance<Pool> pool;
    private final ConversationStore conversations;
    private final ObjectMapper mapper;

    public ReplyOutbox(@WithCaching InjectableInstance<Pool> pool, ConversationStore conversations, ObjectMapper mapper) {
        this.pool = pool;
        this.conversations = conversations;
        this.mapper = mapper;
    }

    /** The state of every event's conversation in three queries, whatever the batch size. */
    public Uni<Map<String, State>> states(List<AttributionEvent> events) {
        String[] ids = events.stream().map(AttributionEvent::attributionId).toArray(String[]::new);
        String[] accounts = events.stream().map(AttributionEvent::igAccountId).toArray(String[]::new);
        String[] users = events.stream().map(AttributionEvent::igsid).toArray(String[]::new);
        // a scalar subquery, not EXISTS: with statistics from a smaller table the planner turned EXISTS into
        // one hash of every reply row, read whole for each batch; this is one unique-index probe per event
        Uni<List<Row>> singles = pool.get().preparedQuery("""
                SELECT e.attribution_id,
                       (SELECT true FROM reply r WHERE r.attribution_id = e.attribution_id) IS NOT NULL AS replied,
                       (SELECT token_fingerprint FROM account_pause p WHERE p.ig_account_id = e.ig_account_id) AS paused
                FROM unnest($1::text[], $2::text[]) AS e(attribution_id, ig_account_id)""")
                .execute(Tuple.of(ids, accounts))
                .map(Sql::list);
        Uni<List<Row>> byRule = pool.get().preparedQuery("""
                SELECT ig_account_id, igsid, rule_id, max(created_at) AS last FROM reply
                WHERE (ig_account_id, igsid) IN (SELECT * FROM unnest($1::text[], $2::text[]))
                  AND rule_id IS NOT NULL AND status = ANY($3)
                GROUP BY ig_account_id, igsid, rule_id""")
                .execute(Tuple.of(accounts, users, COUNTED_FOR_COOLDOWN))
                .map(Sql::list);
        Uni<Map<ConversationKey, Instant>> lastInbound = conversations.lastInbound(
                events.stream().map(ReplyOutbox::conversation).collect(java.util.stream.Collectors.toSet()));
        return Uni.combine().all().unis(singles, byRule, lastInbound).asTuple().map(t -> {
            Map<ConversationKey, Map<Long, Instant>> lastByConversation = new HashMap<>();
            for (Row row : t.getItem2()) {
                lastByConversation.computeIfAbsent(new ConversationKey(row.getString("ig_account_id"),
                        row.getString("igsid")), k -> new HashMap<>()).put(row.getLong("rule_id"), instant(row, "last"));
            }
            Map<String, Row> single = new HashMap<>();
            t.getItem1().forEach(row -> single.put(row.getString("attribution_id"), row));
            Map<String, State> states = new HashMap<>();
            for (AttributionEvent event : events) {
                Row row = single.get(event.attributionId());
                ConversationKey conversation = conversation(event);
                states.put(event.attributionId(), new State(t.getItem3().get(conversation), row.getBoolean("replied"),
                        row.getString("paused"), lastByConversation.getOrDefault(conversation, Map.of())));
            }
            return states;
        });
    }

    /**
     * Runs {@code work} in one transaction on one connection: the reply rows and the coupon codes
     * they carry are stored together or not at all.
     */
    public <T> Uni<T> inTransaction(Function<SqlConnection, Uni<T>> work) {
        return pool.get().withTransaction(work);
    }

    /** The pool, for statements that need no transaction of their own. */
    public SqlClient client() {
        return pool.get();
    }

    /**
     * Inserts the rows (in one pipelined batch) unless their attributions have one, through
     * {@code client} (the pool, or a transaction's connection). Count them with {@link #counted}
     * once they are committed.
     */
    public Uni<Inserted> insertAll(SqlClient client, List<NewReply> replies, Instant now) {
        return insertAll(client, replies, now, Map.of());
    }

    /** @param traceParents by attribution id, the trace a row's Send API call joins (empty when tracing is off) */
    public Uni<Inserted> insertAll(SqlClient client, List<NewReply> replies, Instant now, Map<String, String> traceParents) {
        if (replies.isEmpty()) {
            return Uni.createFrom().item(new Inserted(Set.of(), List.of()));
        }
        List<Object[]> rows = replies.stream().sorted(Comparator.comparing(r -> r.event().attributionId()))
                .map(r -> row(r, now, traceParents.get(r.event().attributionId()))).toList();
        Object[][] columns = {new String[rows.size()], new String[rows.size()], new String[rows.size()],
                new String[rows.size()], new String[rows.size()], new Long[rows.size()], new String[rows.size()],
                new String[rows.size()], new String[rows.size()], new String[rows.size()],
                new java.time.OffsetDateTime[rows.size()], new java.time.OffsetDateTime[rows.size()],
                new String[rows.size()], new String[rows.size()], new String[rows.size()], new String[rows.size()]};
        for (int i = 0; i < rows.size(); i++) {
            for (int c = 0; c < columns.length; c++) {
                columns[c][i] = rows.get(i)[c];
            }
        }
        return client.preparedQuery(INSERT).execute(Tuple.from(columns)).map(result -> {
            Set<String> ids = new HashSet<>();
            List<ReplyStatus> statuses = new ArrayList<>();
            for (Row row : result) {
                ids.add(row.getString("attribution_id"));
                statuses.add(ReplyStatus.valueOf(row.getString("status")));
            }
            return new Inserted(ids, statuses);
        });
    }

    /** Counts committed rows by final status; returns how many are PENDING (for the dispatcher). */
    public int counted(Inserted inserted) {
        int pending = 0;
        for (ReplyStatus status : inserted.statuses()) {
            if (status == ReplyStatus.PENDING) {
                pending++;
            } else {
                countFinal(status, 1);
            }
        }
        return pending;
    }

    private Object[] row(NewReply reply, Instant now, String traceParent) {
        AttributionEvent e = reply.event();
        boolean pending = reply.status() == ReplyStatus.PENDING;
        return new Object[] {e.attributionId(), e.igAccountId(), e.igsid(), e.ref(),
                e.scenario().name(), reply.rule() == null ? null : reply.rule().id(),
                reply.rule() == null ? null : reply.rule().name(), reply.status().name(), reply.text(),
                reply.quickReplies() == null ? null : Json.write(mapper, reply.quickReplies()),
                pending ? utc(now) : null, utc(reply.windowExpiresAt()), reply.error(), reply.couponCode(),
                e.deliveryId(), pending ? traceParent : null};
    }

    /** Replies by final status. */
    static void countFinal(ReplyStatus status, double replies) {
        Metrics.counter("igme.replies", "status", status.name()).increment(replies);
    }

    /**
     * What the dispatcher made of a claimed row: {@code SENDING} (its call may start at once),
     * {@code CLAIMED} (it waits for the account's rate limit first), or a final status with its
     * reason ({@code error}) when it may no longer be sent.
     */
    public record Verdict(Due due, ReplyStatus status, String error) {
    }

    /**
     * Claims up to {@code limit} due PENDING rows in one transaction and moves each, in one
     * statement, to the status {@code triage} gives it (one more attempt each): one write per row
     * where a claim followed by "sending" took two. The rows are locked ({@code FOR UPDATE SKIP
     * LOCKED}) from the read to the commit, so another dispatcher neither sees nor takes them; a
     * row only ever leaves PENDING through the instance that holds that lock. {@code triage} runs
     * inside the transaction and must not do I/O.
     *
     * @return the verdicts, once committed: the SENDING rows are the caller's to send
     */
    public Uni<List<Verdict>> claim(int limit, Instant now, Function<List<Due>, List<Verdict>> triage) {
        // both are on the wire before either answers (the connection pipelines them, in this order)
        return pool.get().withTransaction(tx -> Uni.combine().all().unis(tx.query(ORDERED_CLAIM).execute(), tx.preparedQuery("""
                SELECT r.id, r.attribution_id, r.ig_account_id, r.igsid, r.text, r.quick_replies, r.attempts + 1 AS attempts,
                    r.delivery_id, r.trace_parent,
                    (SELECT token_fingerprint FROM account_pause p WHERE p.ig_account_id = r.ig_account_id) AS paused
                FROM reply r WHERE r.status = '%s' AND r.next_attempt_at <= $2
                ORDER BY r.next_attempt_at LIMIT $1 FOR UPDATE OF r SKIP LOCKED"""
                .formatted(ReplyStatus.PENDING.name()))
                .execute(Tuple.of(limit, utc(now)))).asTuple()
                .map(t -> due(t.getItem2()))
                .chain(due -> conversations.lastInbound(tx, due.stream().map(Due::conversation).toList())
                        .map(last -> due.stream().map(d -> d.withLastInbound(last.get(d.conversation()))).toList()))
                .chain(due -> {
                    if (due.isEmpty()) {
                        return Uni.createFrom().item(List.<Verdict>of());
                    }
                    List<Verdict> verdicts = triage.apply(due);
                    return tx.preparedQuery("""
                            UPDATE reply r SET status = v.status, attempts = r.attempts + 1,
                                last_error = coalesce(v.error, r.last_error),
                                next_attempt_at = CASE WHEN v.status IN ($4, $5) THEN r.next_attempt_at END,
                                updated_at = now()
                            FROM unnest($1::bigint[], $2::text[], $3::text[]) AS v(id, status, error)
                            WHERE r.id = v.id""")
                            .execute(Tuple.of(verdicts.stream().map(v -> v.due().id()).toArray(Long[]::new),
                                    verdicts.stream().map(v -> v.status().name()).toArray(String[]::new),
                                    verdicts.stream().map(Verdict::error).toArray(String[]::new),
                                    ReplyStatus.SENDING.name(), ReplyStatus.CLAIMED.name()))
                            .replaceWith(verdicts);
                }))
                .invoke(verdicts -> verdicts.stream().filter(v -> v.status().isFinal())
                        .forEach(v -> countFinal(v.status(), 1)));
    }

    private List<Due> due(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<Due> due = new ArrayList<>(rows.size());
        rows.forEach(row -> due.add(new Due(row.getLong("id"), row.getString("attribution_id"),
                new ConversationKey(row.getString("ig_account_id"), row.getString("igsid")),
                row.getString("text"), quickReplies(row), row.getInteger("attempts"), null,
                row.getString("paused"), row.getString("delivery_id"), row.getString("trace_parent"))));
        return due;
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
        return pool.get().preparedQuery("""
                UPDATE reply r SET status = $3, updated_at = now()
                FROM unnest($1::bigint[], $2::int[]) AS c(id, attempts)
                WHERE r.id = c.id AND r.attempts = c.attempts AND r.status = $4
                RETURNING r.id""")
                .execute(Tuple.of(claimed.stream().map(Due::id).toArray(Long[]::new),
                        claimed.stream().map(Due::attempts).toArray(Integer[]::new),
                        ReplyStatus.SENDING.name(), ReplyStatus.CLAIMED.name()))
                .map(rows -> {
                    Set<Long> ids = new HashSet<>();
                    rows.forEach(row -> ids.add(row.getLong("id")));
                    return ids;
                });
    }

    /** Marks many SENDING rows SENT in one statement: the dispatcher's hot path. */
    public Uni<Void> markAllSent(List<Map.Entry<Long, String>> sent, Instant now) {
        if (sent.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.get().preparedQuery("""
                UPDATE reply r SET status = $4, message_id = s.message_id, sent_at = $3, last_error = NULL, updated_at = now()
                FROM unnest($1::bigint[], $2::text[]) AS s(id, message_id)
                WHERE r.id = s.id AND r.status = $5""")
                .execute(Tuple.of(sent.stream().map(Map.Entry::getKey).toArray(Long[]::new),
                        sent.stream().map(Map.Entry::getValue).toArray(String[]::new), utc(now),
                        ReplyStatus.SENT.name(), ReplyStatus.SENDING.name()))
                .invoke(() -> countFinal(ReplyStatus.SENT, sent.size()))
                .replaceWithVoid();
    }

    /** Ends a claimed or sending row with a final status. */
    /**
     * Ends a CLAIMED row that this claim still holds (same attempt number) without a call: a row
     * waited on past {@code sending-timeout} may have been handed back and sent by another
     * dispatcher meanwhile, whose outcome must not be overwritten.
     */
    public Uni<Void> markClaimedFinal(Due claimed, ReplyStatus status, String error) {
        return update("UPDATE reply SET status = $2, last_error = $3, next_attempt_at = NULL, updated_at = now()"
                + " WHERE id = $1 AND status = $4 AND attempts = $5", Tuple.tuple().addLong(claimed.id())
                .addString(status.name()).addString(error).addString(ReplyStatus.CLAIMED.name())
                .addInteger(claimed.attempts()))
                .invoke(() -> countFinal(status, 1));
    }

    public Uni<Void> markFinal(long id, ReplyStatus status, String error) {
        return update("UPDATE reply SET status = $2, last_error = $3, next_attempt_at = NULL, updated_at = now()"
                + " WHERE id = $1 AND status IN ($4, $5)", Tuple.tuple().addLong(id).addString(status.name())
                .addString(error).addString(ReplyStatus.CLAIMED.name()).addString(ReplyStatus.SENDING.name()))
                .invoke(() -> countFinal(status, 1));
    }

    public Uni<Void> reschedule(long id, Instant nextAttemptAt, String error) {
        return update("UPDATE reply SET status = $4, next_attempt_at = $2, last_error = $3, updated_at = now()"
                + " WHERE id = $1 AND status = $5", Tuple.of(id, utc(nextAttemptAt), error,
                        ReplyStatus.PENDING.name(), ReplyStatus.SENDING.name()));
    }

    /**
     * Rows left by an instance that died: CLAIMED ones (no call made) go back to PENDING; SENDING
     * ones may or may not have been delivered by Meta, and sending again could message the
     * customer twice, so they end as FAILED_AMBIGUOUS.
     */
    public Uni<Integer> failAbandoned(Duration sendingTimeout) {
        double seconds = sendingTimeout.toSeconds();
        Uni<Void> handBack = update("""
                UPDATE reply SET status = $2, updated_at = now()
                WHERE status = $3 AND updated_at < now() - make_interval(secs => $1)""",
                Tuple.of(seconds, ReplyStatus.PENDING.name(), ReplyStatus.CLAIMED.name()), n -> {
                    if (n > 0) {
                        io.quarkus.logging.Log.infof("%d claimed reply(s) waited past sending-timeout without a call:"
                                + " handed back to PENDING", n);
                    }
                });
        return handBack.chain(() -> pool.get().preparedQuery("""
                UPDATE reply SET status = $2, updated_at = now(), next_attempt_at = NULL,
                    last_error = 'left SENDING by an instance that stopped mid-call; Meta may have delivered it, so it is not sent again'
                WHERE status = '%s' AND updated_at < now() - make_interval(secs => $1)"""
                .formatted(ReplyStatus.SENDING.name()))
                .execute(Tuple.of(seconds, ReplyStatus.FAILED_AMBIGUOUS.name()))
                .map(result -> result.rowCount())
                .invoke(n -> countFinal(ReplyStatus.FAILED_AMBIGUOUS, n)));
    }

    /** Rows by status (of those asked for) and the creation time of the oldest PENDING row. */
    public record Backlog(Map<ReplyStatus, Long> counts, Instant oldestPendingCreatedAt) {
    }

    public Uni<Backlog> backlog(List<ReplyStatus> statuses) {
        return pool.get().preparedQuery("""
                SELECT status, count(*) AS n,
                       min(created_at) FILTER (WHERE status = $2) AS oldest
                FROM reply WHERE status = ANY($1) GROUP BY status""")
                .execute(Tuple.of(statuses.stream().map(Enum::name).toArray(String[]::new), ReplyStatus.PENDING.name()))
                .map(rows -> {
                    Map<ReplyStatus, Long> counts = new java.util.EnumMap<>(ReplyStatus.class);
                    Instant oldest = null;
                    for (Row row : rows) {
                        ReplyStatus status = ReplyStatus.valueOf(row.getString("status"));
                        counts.put(status, row.getLong("n"));
                        if (status == ReplyStatus.PENDING) {
                            oldest = instant(row, "oldest");
                        }
                    }
                    return new Backlog(counts, oldest);
                });
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
        return pool.get().preparedQuery(sql).execute(params).replaceWithVoid();
    }

    private Uni<Void> update(String sql, Tuple params, java.util.function.IntConsumer rowCount) {
        return pool.get().preparedQuery(sql).execute(params).invoke(rows -> rowCount.accept(rows.rowCount()))
                .replaceWithVoid();
    }

    private List<QuickReply> quickReplies(Row row) {
        String json = row.getString("quick_replies");
        try {
            return json == null ? List.of() : mapper.readValue(json, QuickReply.LIST);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply " + row.getLong("id") + " holds invalid quick replies", e);
        }
    }

    private static ConversationKey conversation(AttributionEvent event) {
        return new ConversationKey(event.igAccountId(), event.igsid());
    }

    private static String[] names(ReplyStatus... statuses) {
        return java.util.Arrays.stream(statuses).map(Enum::name).toArray(String[]::new);
    }
}
