package dev.igme.reply;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import dev.igme.attribution.AttributionEvent;
import io.micrometer.core.instrument.Metrics;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The reply table as an outbox: one row per attribution (a unique constraint, so no event,
 * instance or restart can make a second one), claimed for sending with {@code FOR UPDATE SKIP
 * LOCKED} so that several replier instances never send the same row.
 */
@ApplicationScoped
public class ReplyOutbox {

    public static final String PENDING = "PENDING";
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

    public Uni<State> state(AttributionEvent event) {
        Uni<Row> single = pool.preparedQuery("""
                SELECT (SELECT last_inbound_at FROM conversation WHERE ig_account_id = $1 AND igsid = $2) AS last_inbound_at,
                       EXISTS (SELECT 1 FROM reply WHERE attribution_id = $3) AS replied,
                       (SELECT token_fingerprint FROM account_pause WHERE ig_account_id = $1) AS paused""")
                .execute(Tuple.of(event.igAccountId(), event.igsid(), event.attributionId()))
                .map(rows -> rows.iterator().next());
        Uni<Map<Long, Instant>> byRule = pool.preparedQuery("""
                SELECT rule_id, max(created_at) AS last FROM reply
                WHERE ig_account_id = $1 AND igsid = $2 AND rule_id IS NOT NULL
                  AND status IN ('PENDING', 'SENDING', 'SENT')
                GROUP BY rule_id""")
                .execute(Tuple.of(event.igAccountId(), event.igsid()))
                .map(rows -> {
                    Map<Long, Instant> last = new HashMap<>();
                    rows.forEach(row -> last.put(row.getLong("rule_id"), instant(row, "last")));
                    return last;
                });
        return Uni.combine().all().unis(single, byRule).asTuple().map(t -> new State(instant(t.getItem1(), "last_inbound_at"),
                t.getItem1().getBoolean("replied"), t.getItem1().getString("paused"), t.getItem2()));
    }

    /** Inserts the row unless the attribution has one; true when this call inserted it. */
    public Uni<Boolean> insert(NewReply reply, Instant now) {
        AttributionEvent e = reply.event();
        return pool.preparedQuery("""
                INSERT INTO reply (attribution_id, ig_account_id, igsid, ref, scenario, rule_id, rule_name, status, text,
                                   quick_replies, next_attempt_at, window_expires_at, last_error)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                ON CONFLICT (attribution_id) DO NOTHING""")
                .execute(Tuple.from(new Object[] {e.attributionId(), e.igAccountId(), e.igsid(), e.ref(),
                        e.scenario().name(), reply.rule() == null ? null : reply.rule().id(),
                        reply.rule() == null ? null : reply.rule().name(), reply.status(), reply.text(),
                        reply.quickReplies(), PENDING.equals(reply.status()) ? utc(now) : null,
                        utc(reply.windowExpiresAt()), reply.error()}))
                .map(result -> result.rowCount() == 1)
                .invoke(inserted -> {
                    if (inserted && !PENDING.equals(reply.status())) {
                        countFinal(reply.status());
                    }
                });
    }

    /** Replies by final status: SENT, FAILED_<reason>, SKIPPED_<reason>. */
    static void countFinal(String status) {
        Metrics.counter("igme.replies", "status", status).increment();
    }

    /** Marks up to {@code limit} due PENDING rows SENDING (one more attempt) and returns them. */
    public Uni<List<Due>> claimDue(int limit, Instant now) {
        return pool.preparedQuery("""
                UPDATE reply r SET status = 'SENDING', attempts = r.attempts + 1, updated_at = now()
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

    public Uni<Void> markSent(long id, String messageId, Instant now) {
        return update("UPDATE reply SET status = 'SENT', message_id = $2, sent_at = $3, last_error = NULL,"
                + " updated_at = now() WHERE id = $1 AND status = 'SENDING'", Tuple.of(id, messageId, utc(now)))
                .invoke(() -> countFinal(SENT));
    }

    public Uni<Void> markFinal(long id, String status, String error) {
        return update("UPDATE reply SET status = $2, last_error = $3, next_attempt_at = NULL, updated_at = now()"
                + " WHERE id = $1 AND status = 'SENDING'", Tuple.of(id, status, error))
                .invoke(() -> countFinal(status));
    }

    public Uni<Void> reschedule(long id, Instant nextAttemptAt, String error) {
        return update("UPDATE reply SET status = 'PENDING', next_attempt_at = $2, last_error = $3, updated_at = now()"
                + " WHERE id = $1 AND status = 'SENDING'", Tuple.of(id, utc(nextAttemptAt), error));
    }

    /**
     * Rows left SENDING by an instance that died mid-call: Meta may or may not have delivered them,
     * and sending again could message the customer twice, so they end as FAILED_AMBIGUOUS.
     */
    public Uni<Integer> failAbandoned(Duration sendingTimeout) {
        return pool.preparedQuery("""
                UPDATE reply SET status = 'FAILED_AMBIGUOUS', updated_at = now(), next_attempt_at = NULL,
                    last_error = 'left SENDING by an instance that stopped mid-call; Meta may have delivered it, so it is not sent again'
                WHERE status = 'SENDING' AND updated_at < now() - make_interval(secs => $1)""")
                .execute(Tuple.of((double) sendingTimeout.toSeconds()))
                .map(result -> result.rowCount())
                .invoke(n -> Metrics.counter("igme.replies", "status", "FAILED_AMBIGUOUS").increment(n));
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

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
