package dev.igme.reply.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.igme.attribution.AttributionEvent;
import dev.igme.config.IgmeConfig;
import dev.igme.conversation.ConversationKey;
import dev.igme.graph.Accounts;
import dev.igme.graph.QuickReply;
import dev.igme.platform.BatchRetry;
import dev.igme.reply.rules.MessageTemplate;
import dev.igme.reply.rules.ReplyRule;
import dev.igme.reply.rules.ReplyRules;
import dev.igme.reply.rules.RuleValidator;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;

/**
 * Consumes {@code instagram.attributions} in batches and records, for every attribution, what the
 * reply decision was: a PENDING row for the outbox to send, or SKIPPED_&lt;reason&gt;. The offsets
 * are committed after the rows are stored; a repeated event finds its row and changes nothing.
 */
@ApplicationScoped
public class ReplyProcessor {

    /** Consuming end of the attribution topic. */
    public static final String CHANNEL = "attributions-in";

    private final ReplyRules rules;
    private final Accounts accounts;
    private final ReplyOutbox outbox;
    private final ReplyDispatcher dispatcher;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Duration margin;

    public ReplyProcessor(ReplyRules rules, Accounts accounts, ReplyOutbox outbox, ReplyDispatcher dispatcher,
            ObjectMapper mapper, Clock clock, IgmeConfig config) {
        this.rules = rules;
        this.accounts = accounts;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.mapper = mapper;
        this.clock = clock;
        this.margin = config.reply().windowMargin();
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(List<String> batch) {
        List<AttributionEvent> events = new ArrayList<>(batch.size());
        for (String json : batch) {
            try {
                events.add(mapper.readValue(json, AttributionEvent.class));
            } catch (JsonProcessingException e) {
                Log.errorf("Skipping a record on instagram.attributions that is not an attribution event: %s",
                        e.getOriginalMessage());
            }
        }
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return BatchRetry.untilDone(() -> decideAndRecord(events),
                "Reply decisions for " + events.size() + " attributions");
    }

    /**
     * Decides the whole batch with two queries and one batched insert. Events of one conversation
     * in the same batch see each other: a second event for the same attribution is ALREADY_REPLIED,
     * a second reply by the same rule within its cooldown is COOLDOWN.
     */
    private Uni<Void> decideAndRecord(List<AttributionEvent> events) {
        return Uni.combine().all().unis(rules.current(), outbox.states(events)).asTuple().chain(loaded -> {
            Instant now = clock.instant();
            Set<String> decided = new HashSet<>();
            Map<ConversationKey, Map<Long, Instant>> sentInBatch = new HashMap<>();
            List<ReplyOutbox.NewReply> replies = new ArrayList<>();
            for (AttributionEvent event : events) {
                ReplyOutbox.State state = loaded.getItem2().get(event.attributionId());
                ConversationKey conversation = new ConversationKey(event.igAccountId(), event.igsid());
                Map<Long, Instant> lastByRule = new HashMap<>(state.lastReplyByRule());
                lastByRule.putAll(sentInBatch.getOrDefault(conversation, Map.of()));
                var decision = ReplyDecision.decide(new ReplyDecision.Context(event, loaded.getItem1(),
                        accounts.find(event.igAccountId()), state.pausedTokenFingerprint(), state.lastInboundAt(),
                        state.alreadyReplied() || !decided.add(event.attributionId()), lastByRule, now, margin));
                if (decision.skip() == ReplyDecision.SkipReason.ALREADY_REPLIED) {
                    continue; // the existing row stands
                }
                ReplyOutbox.NewReply reply = newReply(event, decision);
                if (reply.status() == ReplyStatus.PENDING) {
                    sentInBatch.computeIfAbsent(conversation, k -> new HashMap<>()).put(decision.rule().id(), now);
                }
                replies.add(reply);
            }
            return outbox.insertAll(replies, now).invoke(pending -> {
                if (pending > 0) {
                    dispatcher.kick();
                }
            }).replaceWithVoid();
        });
    }

    private ReplyOutbox.NewReply newReply(AttributionEvent event, ReplyDecision.Decision decision) {
        ReplyRule rule = decision.rule();
        if (!decision.send()) {
            return new ReplyOutbox.NewReply(event, rule, ReplyStatus.skipped(decision.skip()), null, null,
                    decision.windowExpiresAt(), null);
        }
        String text = MessageTemplate.render(rule.message().text(), event);
        List<QuickReply> quickReplies = rule.message().quickReplies();
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > RuleValidator.MAX_TEXT_BYTES) {
            return new ReplyOutbox.NewReply(event, rule, ReplyStatus.FAILED_MESSAGE_TOO_LONG, text, quickReplies,
                    decision.windowExpiresAt(), "the rendered text is " + bytes + " bytes; the Send API takes "
                            + RuleValidator.MAX_TEXT_BYTES);
        }
        return new ReplyOutbox.NewReply(event, rule, ReplyStatus.PENDING, text, quickReplies,
                decision.windowExpiresAt(), null);
    }
}
