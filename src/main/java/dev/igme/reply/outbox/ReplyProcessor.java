package dev.igme.reply.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.attribution.AttributionEvent;
import dev.igme.config.IgmeConfig;
import dev.igme.conversation.ConversationKey;
import dev.igme.graph.Accounts;
import dev.igme.graph.QuickReply;
import dev.igme.platform.BatchRetry;
import dev.igme.platform.LogContext;
import dev.igme.platform.Tracing;
import dev.igme.reply.coupons.CouponMetrics;
import dev.igme.reply.coupons.CouponStore;
import dev.igme.reply.rules.MessageTemplate;
import dev.igme.reply.rules.ReplyRule;
import dev.igme.reply.rules.ReplyRules;
import dev.igme.reply.rules.RuleValidator;
import io.opentelemetry.api.trace.Span;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * Consumes {@code instagram.attributions} in batches and records, for every attribution, what the
 * reply decision was: a PENDING row for the outbox to send (with its coupon code when the rule's text
 * has {coupon}), or SKIPPED_&lt;reason&gt;. The offsets
 * are committed after the rows are stored; a repeated event finds its row and changes nothing. A
 * record that is not an attribution event of schema version 1 goes to
 * {@code instagram.attributions.dlq} with its reason ({@link ReplierDeadLetters}), and the batch's
 * good events are decided as usual.
 */
@ApplicationScoped
public class ReplyProcessor {

    /** Consuming end of the attribution topic. */
    public static final String CHANNEL = "attributions-in";

    private final ReplyRules rules;
    private final Accounts accounts;
    private final ReplyOutbox outbox;
    private final ReplyDispatcher dispatcher;
    private final CouponStore couponStore;
    private final CouponMetrics coupons;
    private final ObjectMapper mapper;
    private final ReplierDeadLetters deadLetters;
    private final Clock clock;
    private final Duration margin;
    private final Tracing tracing;

    public ReplyProcessor(ReplyRules rules, Accounts accounts, ReplyOutbox outbox, ReplyDispatcher dispatcher,
            CouponStore couponStore, CouponMetrics coupons, ObjectMapper mapper, ReplierDeadLetters deadLetters, Clock clock,
            IgmeConfig config, Tracing tracing) {
        this.deadLetters = deadLetters;
        this.tracing = tracing;
        this.couponStore = couponStore;
        this.coupons = coupons;
        this.rules = rules;
        this.accounts = accounts;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.mapper = mapper;
        this.clock = clock;
        this.margin = config.reply().windowMargin();
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(ConsumerRecords<String, String> batch) {
        List<AttributionEvent> events = new ArrayList<>(batch.count());
        List<ReplierDeadLetters.Letter> letters = new ArrayList<>();
        // tracing on: one span per event, in its delivery's trace, until its decision is stored
        Map<AttributionEvent, Span> spans = tracing.enabled() ? new IdentityHashMap<>() : null;
        for (ConsumerRecord<String, String> record : batch) {
            String json = record.value();
            try {
                AttributionEvent event = json == null ? null : mapper.readValue(json, AttributionEvent.class);
                if (event == null) {
                    letters.add(new ReplierDeadLetters.Letter(json, "not an attribution event: the record is empty or null"));
                } else if (event.schemaVersion() != AttributionEvent.SCHEMA_VERSION) {
                    letters.add(new ReplierDeadLetters.Letter(json, "schemaVersion " + event.schemaVersion()
                            + " is not one this replier reads (" + AttributionEvent.SCHEMA_VERSION + ")"));
                } else if (missingField(event) != null) {
                    // a reply row needs these; without the check the batch's insert failed and was retried forever
                    letters.add(new ReplierDeadLetters.Letter(json, "not an attribution event: " + missingField(event)
                            + " is missing"));
                } else {
                    events.add(event);
                    if (spans != null) {
                        Span span = tracing.process(record.topic(), record.headers());
                        span.setAttribute("igme.delivery_id", String.valueOf(event.deliveryId()));
                        span.setAttribute("igme.attribution_id", String.valueOf(event.attributionId()));
                        spans.put(event, span);
                    }
                }
            } catch (JsonProcessingException e) {
                letters.add(new ReplierDeadLetters.Letter(json, "not an attribution event: " + e.getOriginalMessage()));
            }
        }
        Uni<Void> dead = letters.isEmpty() ? Uni.createFrom().voidItem()
                : BatchRetry.untilDone(() -> deadLetters.send(letters), letters.size() + " dead letters of the replier");
        if (events.isEmpty()) {
            return dead;
        }
        Map<String, String> traceParents = spans == null ? Map.of() : traceParents(spans);
        Uni<Void> done = dead.chain(() -> BatchRetry.untilDone(() -> decideAndRecord(events, traceParents),
                "Reply decisions for " + events.size() + " attributions"));
        return spans == null ? done
                : done.onTermination().invoke((ignored, failure, cancelled) -> spans.values().forEach(s -> Tracing.end(s, failure)));
    }

    /** The first field a reply cannot do without that the event lacks, or null. */
    static String missingField(AttributionEvent event) {
        if (event.attributionId() == null || event.attributionId().isBlank()) {
            return "attributionId";
        }
        if (event.igAccountId() == null || event.igAccountId().isBlank()) {
            return "igAccountId";
        }
        if (event.igsid() == null || event.igsid().isBlank()) {
            return "igsid";
        }
        return event.scenario() == null ? "scenario" : null;
    }

    /** Each event's span as a stored {@code traceparent}, by attribution id: the Send API call joins that trace. */
    private static Map<String, String> traceParents(Map<AttributionEvent, Span> spans) {
        Map<String, String> traceParents = new HashMap<>();
        spans.forEach((event, span) -> traceParents.put(event.attributionId(), Tracing.traceParent(span)));
        return traceParents;
    }

    /** A decision to send with a rule whose text has {coupon}: it waits for its code. */
    private record NeedsCoupon(AttributionEvent event, ReplyDecision.Decision decision) {
    }

    /** What a batch's transaction committed: the rows, and the codes they carry by pool. */
    private record Recorded(ReplyOutbox.Inserted inserted, Map<String, Integer> issuedByPool) {
    }

    /**
     * Decides the whole batch with three queries and one batched insert. Events of one conversation
     * in the same batch see each other: a second event for the same attribution is ALREADY_REPLIED,
     * a second reply by the same rule within its cooldown is COOLDOWN. Replies whose rule hands out
     * a coupon take their codes in one more statement, in the transaction that inserts the rows.
     */
    private Uni<Void> decideAndRecord(List<AttributionEvent> events, Map<String, String> traceParents) {
        return Uni.combine().all().unis(rules.current(), outbox.states(events)).asTuple().chain(loaded -> {
            Instant now = clock.instant();
            Set<String> decided = new HashSet<>();
            Map<ConversationKey, Map<Long, Instant>> sentInBatch = new HashMap<>();
            List<ReplyOutbox.NewReply> replies = new ArrayList<>();
            List<NeedsCoupon> needCoupons = new ArrayList<>();
            for (AttributionEvent event : events) {
                ReplyOutbox.State state = loaded.getItem2().get(event.attributionId());
                ConversationKey conversation = new ConversationKey(event.igAccountId(), event.igsid());
                Map<Long, Instant> lastByRule = new HashMap<>(state.lastReplyByRule());
                lastByRule.putAll(sentInBatch.getOrDefault(conversation, Map.of()));
                var decision = ReplyDecision.decide(new ReplyDecision.Context(event, loaded.getItem1(),
                        accounts.find(event.igAccountId()), state.pausedTokenFingerprint(), state.lastInboundAt(),
                        state.alreadyReplied() || !decided.add(event.attributionId()), lastByRule, now, margin));
                if (Log.isDebugEnabled()) {
                    LogContext.with(event.deliveryId(), event.attributionId(), () -> Log.debugf(
                            "Attribution %s decided: %s", event.ref(), decision.send()
                                    ? "reply with rule " + decision.rule().name() : "no reply, " + decision.skip()));
                }
                if (decision.skip() == ReplyDecision.SkipReason.ALREADY_REPLIED) {
                    continue; // the existing row stands
                }
                if (decision.send()) {
                    sentInBatch.computeIfAbsent(conversation, k -> new HashMap<>()).put(decision.rule().id(), now);
                }
                if (decision.send() && decision.rule().couponPool() != null) {
                    needCoupons.add(new NeedsCoupon(event, decision));
                } else {
                    replies.add(newReply(event, decision, null));
                }
            }
            Uni<Recorded> recorded = needCoupons.isEmpty()
                    ? outbox.insertAll(outbox.client(), replies, now, traceParents).map(inserted -> new Recorded(inserted, Map.of()))
                    : outbox.inTransaction(tx -> recordWithCoupons(tx, replies, needCoupons, now, traceParents));
            return recorded.invoke(done -> {
                coupons.issued(done.issuedByPool());
                if (outbox.counted(done.inserted()) > 0) {
                    dispatcher.kick();
                }
            }).replaceWithVoid();
        });
    }

    /**
     * Takes the codes, writes all rows, and gives back the codes of rows that were not written
     * (another replier recorded that attribution first) or do not carry them (text too long).
     */
    private Uni<Recorded> recordWithCoupons(SqlConnection tx, List<ReplyOutbox.NewReply> replies,
            List<NeedsCoupon> needCoupons, Instant now, Map<String, String> traceParents) {
        List<CouponStore.Request> requests = needCoupons.stream().map(n -> new CouponStore.Request(
                n.event().attributionId(), n.decision().rule().couponPool(), n.event().igAccountId(), n.event().igsid()))
                .toList();
        return couponStore.issue(tx, requests).chain(issues -> {
            List<ReplyOutbox.NewReply> all = new ArrayList<>(replies);
            List<ReplyOutbox.NewReply> withCodes = new ArrayList<>();
            for (int i = 0; i < needCoupons.size(); i++) {
                NeedsCoupon n = needCoupons.get(i);
                CouponStore.Issue issue = issues.get(i);
                ReplyOutbox.NewReply reply = issue.issued() ? newReply(n.event(), n.decision(), issue.code())
                        : noCoupon(n.event(), n.decision(), issue);
                all.add(reply);
                withCodes.add(reply);
            }
            return outbox.insertAll(tx, all, now, traceParents).chain(inserted -> {
                List<CouponStore.Issue> unused = new ArrayList<>();
                Map<String, Integer> kept = new HashMap<>();
                for (int i = 0; i < issues.size(); i++) {
                    CouponStore.Issue issue = issues.get(i);
                    if (!issue.issued()) {
                        continue;
                    }
                    if (withCodes.get(i).couponCode() == null || !inserted.attributionIds().contains(issue.request().attributionId())) {
                        unused.add(issue);
                    } else {
                        kept.merge(issue.request().pool(), 1, Integer::sum);
                    }
                }
                return couponStore.release(tx, unused).replaceWith(new Recorded(inserted, kept));
            });
        });
    }

    private static ReplyOutbox.NewReply noCoupon(AttributionEvent event, ReplyDecision.Decision decision,
            CouponStore.Issue issue) {
        String pool = decision.rule().couponPool();
        return issue.alreadyIssued()
                ? new ReplyOutbox.NewReply(event, decision.rule(), ReplyStatus.SKIPPED_COUPON_ALREADY_ISSUED, null, null,
                        decision.windowExpiresAt(), "this conversation got a code from coupon pool '" + pool + "' before", null)
                : new ReplyOutbox.NewReply(event, decision.rule(), ReplyStatus.SKIPPED_NO_COUPON, null, null,
                        decision.windowExpiresAt(), "coupon pool '" + pool + "' has no free code", null);
    }

    /** The row for a decision; {@code coupon} is the code for {coupon}, or null when the rule has none. */
    private ReplyOutbox.NewReply newReply(AttributionEvent event, ReplyDecision.Decision decision, String coupon) {
        ReplyRule rule = decision.rule();
        if (!decision.send()) {
            return new ReplyOutbox.NewReply(event, rule, ReplyStatus.skipped(decision.skip()), null, null,
                    decision.windowExpiresAt(), null, null);
        }
        String text = MessageTemplate.render(rule.message().text(), event, coupon);
        List<QuickReply> quickReplies = rule.message().quickReplies();
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > RuleValidator.MAX_TEXT_BYTES) {
            return new ReplyOutbox.NewReply(event, rule, ReplyStatus.FAILED_MESSAGE_TOO_LONG, text, quickReplies,
                    decision.windowExpiresAt(), "the rendered text is " + bytes + " bytes; the Send API takes "
                            + RuleValidator.MAX_TEXT_BYTES, null);
        }
        return new ReplyOutbox.NewReply(event, rule, ReplyStatus.PENDING, text, quickReplies,
                decision.windowExpiresAt(), null, coupon);
    }
}
